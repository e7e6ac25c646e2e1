/**
 * The peer transport. A server creates one `Transport`, adds a peer per other member, hands it the
 * messages of every Ready (`send`), and lets it serve its paths on the peer port (`handle`).
 *
 * On the wire (only Flotilla members speak it):
 * - `POST /raft/stream`, one long-lived request per ordered pair of members. The body (chunked) is
 *   a sequence of frames: u32 big-endian length, then one message in the binary layout of
 *   `message-codec.ts`; a frame of length 0 only says the stream is alive. The receiver answers
 *   200 at once and keeps the response open, writing a byte every second for the same reason.
 * - `POST /raft/snapshot`, one request per snapshot message, its body the encoded message with
 *   Content-Length; answered 204 once handed to Raft.
 * - Every request carries `X-Etcd-Cluster-Id`, `X-Server-From`, `X-Raft-To` (hex IDs) and
 *   `X-Flotilla-Raft-Protocol: 1`. Another cluster, another destination or another protocol is
 *   answered 412, an unknown sender 403, a removed member 410.
 */
export { Transport, type RaftReceiver, type TransportOptions, type TransportStats } from './transport.js';
export type { FollowerStatsView, FollowerLatency } from './follower-stats.js';
export type { PeerTlsFiles } from './peer-dialer.js';
export { encodeMessage, decodeMessage, encodedSize, MessageDecodeError } from './message-codec.js';
