/** What the server needs from the peer transport (src/rafthttp/ provides it). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message } from '../raft/index.js';
import type { FollowerStats, SelfStatsFacts } from '../api/v2http/server-face.js';
import type { PeerCounters } from './server-metrics.js';

/** Where the transport delivers what peers send. */
export interface RaftReceiver {
  process(msg: Message): void;
  reportUnreachable(id: bigint): void;
  /** Nothing listens at the peer's address any more: its process is gone. */
  reportPeerDown(id: bigint): void;
  reportSnapshot(id: bigint, ok: boolean): void;
}

export interface PeerTransport {
  addPeer(id: bigint, urls: readonly string[]): void;
  removePeer(id: bigint): void;
  updatePeer(id: bigint, urls: readonly string[]): void;
  send(messages: readonly Message[]): void;
  /** Serves the transport's own paths on the peer port; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  followerStats(): Map<bigint, FollowerStats>;
  /** Number of peers this member currently has a working connection to. */
  activePeerCount(): number;
  /** When this member last heard from the peer (ms, wall clock), or null if never. */
  activeSince(id: bigint): number | null;
  stats(): PeerTransportStats;
  /** Bytes, failures and connection state per peer, for metrics (a transport may count none). */
  peerCounters?(): Map<bigint, PeerCounters>;
  stop(): Promise<void>;
}

/** Counts of append requests, and the message and byte rates of the last second (etcd's self stats). */
export type PeerTransportStats = Pick<
  SelfStatsFacts,
  'recvAppendRequestCnt' | 'sendAppendRequestCnt' | 'recvPkgRate' | 'recvBandwidthRate' | 'sendPkgRate' | 'sendBandwidthRate'
>;

export interface PeerTransportContext {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  readonly receiver: RaftReceiver;
  /** Whether a member ID was removed from the cluster (its messages are refused as such). */
  readonly isRemoved: (id: bigint) => boolean;
  /** A peer told this member it has been removed (it was down while that happened). */
  readonly onRemovedFromCluster: () => void;
  /** Told each heartbeat round trip to a peer, in seconds (for metrics). */
  readonly onRoundTrip?: (peer: bigint, seconds: number) => void;
}

export type PeerTransportFactory = (context: PeerTransportContext) => PeerTransport;
