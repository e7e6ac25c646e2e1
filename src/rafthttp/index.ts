/**
 * The peer transport. A server creates one `Transport`, adds a peer per other member, hands it the
 * messages of every Ready (`send`), and lets it serve its paths on the peer port (`handle`).
 */
export { Transport, type RaftReceiver, type TransportOptions, type TransportStats } from './transport.js';
export type { FollowerStatsView, FollowerLatency } from './follower-stats.js';
export type { PeerTlsFiles } from './peer-dialer.js';
export { encodeMessage, decodeMessage, encodedSize, MessageDecodeError } from './message-codec.js';
