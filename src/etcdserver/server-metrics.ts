/**
 * The member's own Prometheus metrics, under the names, types, labels and bucket bounds etcd 3.4
 * uses, so dashboards and alerts written for etcd read a Flotilla member unchanged: disk syncs of
 * the log and of snapshots, leader changes, late heartbeats, slow applies and quorum reads, and the
 * traffic to and from each peer. The client port serves them next to its own (`/metrics`).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectedCounter, collectedGauge } from '../api/v2http/collected-metrics.js';

/** `count` bucket bounds starting at `start`, each `factor` times the one before (as Prometheus's Go client makes them). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const bounds: number[] = [];
  for (let i = 0, b = start; i < count; i++, b *= factor) bounds.push(b);
  return bounds;
}

/** Disk syncs and snapshot saves: 1 ms to about 8 s. */
const DISK_BUCKETS = exponentialBuckets(0.001, 2, 14);
/** Peer round trips: 0.1 ms to about 0.8 s. */
const ROUND_TRIP_BUCKETS = exponentialBuckets(0.0001, 2, 14);

/** What a peer transport counts for one peer (see `PeerTransport.peerCounters`). */
export interface PeerCounters {
  readonly sentBytes: number;
  readonly receivedBytes: number;
  /** Messages that could not be delivered to the peer. */
  readonly sentFailures: number;
  /** Streams or snapshots from the peer that were cut off or refused as malformed. */
  readonly receivedFailures: number;
  /** Whether a stream to the peer is connected now. */
  readonly connected: boolean;
  /** Times the stream to the peer was lost after it had been connected. */
  readonly disconnects: number;
}

/** Where collection reads the counters it does not keep itself. */
export interface ServerMetricsSource {
  /** This member's ID in hex, for the `Local` label. */
  readonly memberId: string;
  walBytesWritten(): number;
  /** Per peer (member ID in hex), or null when the transport counts nothing per peer. */
  peers(): ReadonlyMap<string, PeerCounters> | null;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly walFsync: Histogram;
  readonly snapFsync: Histogram;
  readonly snapSaveTotal: Histogram;
  readonly snapSaveMarshalling: Histogram;
  readonly leaderChanges: Counter;
  readonly heartbeatSendFailures: Counter;
  readonly slowApply: Counter;
  readonly readIndexesFailed: Counter;
  readonly slowReadIndexes: Counter;
  readonly snapshotApplyInProgress: Gauge;
  readonly peerRoundTrip: Histogram<'To'>;
  private source: ServerMetricsSource | null = null;

  constructor() {
    const registers = [this.registry];
    this.walFsync = new Histogram({
      name: 'etcd_disk_wal_fsync_duration_seconds',
      help: 'How long each fdatasync of the write-ahead log took.',
      buckets: DISK_BUCKETS,
      registers,
    });
    this.snapFsync = new Histogram({
      name: 'etcd_snap_fsync_duration_seconds',
      help: 'How long each fdatasync of a snapshot file took.',
      buckets: DISK_BUCKETS,
      registers,
    });
    this.snapSaveTotal = new Histogram({
      name: 'etcd_debugging_snap_save_total_duration_seconds',
      help: 'How long a snapshot took from the start of its encoding until its file was durable.',
      buckets: DISK_BUCKETS,
      registers,
    });
    this.snapSaveMarshalling = new Histogram({
      name: 'etcd_debugging_snap_save_marshalling_duration_seconds',
      help: 'How long the encoding of a snapshot took, including the pauses between its turns on the event loop.',
      buckets: DISK_BUCKETS,
      registers,
    });
    this.leaderChanges = new Counter({
      name: 'etcd_server_leader_changes_seen_total',
      help: 'Times this member saw a new leader (the first one included).',
      registers,
    });
    this.heartbeatSendFailures = new Counter({
      name: 'etcd_server_heartbeat_send_failures_total',
      help: 'Heartbeats this member, as leader, sent more than two heartbeat intervals after the previous one to that peer.',
      registers,
    });
    this.slowApply = new Counter({
      name: 'etcd_server_slow_apply_total',
      help: 'Committed entries whose application to the store took longer than 100 ms.',
      registers,
    });
    this.readIndexesFailed = new Counter({
      name: 'etcd_server_read_indexes_failed_total',
      help: 'Quorum reads that failed (no leader, or no answer in time).',
      registers,
    });
    this.slowReadIndexes = new Counter({
      name: 'etcd_server_slow_read_indexes_total',
      help: 'Quorum reads whose read index had to be asked for again after an election timeout.',
      registers,
    });
    this.snapshotApplyInProgress = new Gauge({
      name: 'etcd_server_snapshot_apply_in_progress_total',
      help: 'Whether a snapshot received from the leader is being applied (1) or not (0).',
      registers,
    });
    this.peerRoundTrip = new Histogram({
      name: 'etcd_network_peer_round_trip_time_seconds',
      help: 'Round trips of heartbeats to each peer, from sending until the answer arrived.',
      labelNames: ['To'],
      buckets: ROUND_TRIP_BUCKETS,
      registers,
    });
    const source = (): ServerMetricsSource | null => this.source;
    collectedGauge(this.registry, 'etcd_disk_wal_write_bytes_total', 'Bytes written to the write-ahead log.', () => source()?.walBytesWritten() ?? null);
    /** One sample per peer, labelled by `labels` (given this member's ID and the peer's). */
    const perPeer = (
      name: string,
      help: string,
      labelNames: readonly string[],
      labels: (local: string, peer: string) => Record<string, string>,
      read: (c: PeerCounters) => number,
    ): void => {
      collectedCounter(this.registry, name, help, labelNames, () => {
        const s = source();
        const peers = s?.peers();
        return s && peers ? [...peers].map(([id, c]) => [labels(s.memberId, id), read(c)] as const) : [];
      });
    };
    const to = (_: string, peer: string): Record<string, string> => ({ To: peer });
    const from = (_: string, peer: string): Record<string, string> => ({ From: peer });
    perPeer('etcd_network_peer_sent_bytes_total', 'Bytes of messages and snapshots sent to each peer.', ['To'], to, (c) => c.sentBytes);
    perPeer('etcd_network_peer_received_bytes_total', 'Bytes of messages and snapshots received from each peer.', ['From'], from, (c) => c.receivedBytes);
    perPeer('etcd_network_peer_sent_failures_total', 'Messages to each peer that could not be delivered.', ['To'], to, (c) => c.sentFailures);
    perPeer(
      'etcd_network_peer_received_failures_total',
      'Streams and snapshots from each peer that broke off or could not be read.',
      ['From'],
      from,
      (c) => c.receivedFailures,
    );
    perPeer(
      'etcd_network_disconnected_peers_total',
      'Times the stream to each peer was lost after it had been connected.',
      ['Local', 'Remote'],
      (local, peer) => ({ Local: local, Remote: peer }),
      (c) => c.disconnects,
    );
    new Gauge({
      name: 'etcd_network_active_peers',
      help: 'Whether the stream to each peer is connected (1) or not (0).',
      labelNames: ['Local', 'Remote'],
      registers,
      collect() {
        const s = source();
        const peers = s?.peers();
        this.reset();
        if (s && peers) for (const [id, c] of peers) this.set({ Local: s.memberId, Remote: id }, c.connected ? 1 : 0);
      },
    });
  }

  /** Connects the counters read at collection (the log, the peers) once the member has them. */
  attach(source: ServerMetricsSource): void {
    this.source = source;
  }
}
