/**
 * Prometheus metrics of one client handler, in a private registry (never the process-global one),
 * under etcd 3.4's names, types, labels and bucket bounds: the v2 HTTP requests, the store, the
 * member's identity and health, and the process. A server face may bring a registry of its own
 * (the disk, Raft, the peers); `/metrics` serves both together.
 */
import { Counter, Gauge, Registry } from 'prom-client';

import { BucketCounts, collectedCounter, collectedGauge, collectedHistogram, type CollectedSample } from './collected-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';
import type { ServerFace } from './server-face.js';
import type { StoreMetricCounts } from '../../store/store-stats.js';

/** Successful request durations: 0.5 ms to about 2 s (etcd's bounds). */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048];

export interface ClientMetricsOptions {
  /** The versions `/version` reports, as labels of `etcd_server_version` and `etcd_cluster_version`. */
  readonly serverVersion: string;
  readonly clusterVersion: string;
  /** Milliseconds from any fixed origin, to time requests. Default `performance.now`. */
  readonly now?: () => number;
}

export class ClientMetrics {
  readonly registry = new Registry();
  readonly now: () => number;
  private readonly failed: Counter<'method' | 'code'>;
  readonly proposalsFailed: Counter;
  readonly healthSuccess: Counter;
  readonly healthFailures: Counter;
  private pendingProposals = 0;
  /** Counted on every request, read when `/metrics` is scraped. */
  private readonly receivedByMethod = new Map<string, number>();
  private readonly succeededByMethod = new Map<string, BucketCounts>();
  private readonly face: ServerFace;

  constructor(face: ServerFace, options: ClientMetricsOptions) {
    this.face = face;
    this.now = options.now ?? (() => performance.now());
    const registers = [this.registry];
    collectedCounter(
      this.registry,
      'etcd_http_received_total',
      'Requests received, by method (a quorum GET as QGET); watches are not counted.',
      ['method'],
      () => [...this.receivedByMethod].map(([method, n]): CollectedSample => [{ method }, n]),
    );
    this.failed = new Counter({
      name: 'etcd_http_failed_total',
      help: 'Requests answered with an error, by method and HTTP status code.',
      labelNames: ['code', 'method'],
      registers,
    });
    collectedHistogram(
      this.registry,
      {
        name: 'etcd_http_successful_duration_seconds',
        help: 'How long successful requests (watches aside) took, by method.',
        labelName: 'method',
        buckets: REQUEST_BUCKETS,
      },
      () => this.succeededByMethod,
    );
    this.proposalsFailed = new Counter({
      name: 'etcd_server_proposals_failed_total',
      help: 'Writes that could not be committed (no leader, or not in time).',
      registers,
    });
    this.healthSuccess = new Counter({
      name: 'etcd_server_health_success',
      help: 'Health checks (/health) answered healthy.',
      registers,
    });
    this.healthFailures = new Counter({
      name: 'etcd_server_health_failures',
      help: 'Health checks (/health) answered unhealthy.',
      registers,
    });
    const registry = this.registry;
    const gauge = (name: string, help: string, read: () => number): void => collectedGauge(registry, name, help, read);
    const labelled = (name: string, help: string, label: string, value: string): void => {
      new Gauge({ name, help, labelNames: [label], registers }).set({ [label]: value }, 1);
    };
    gauge('etcd_server_has_leader', 'Whether this member knows of a leader (1) or not (0).', () => (face.leaderId() === null ? 0 : 1));
    gauge('etcd_server_is_leader', 'Whether this member is the leader (1) or not (0).', () => (face.leaderId() === face.memberId ? 1 : 0));
    gauge('etcd_server_is_learner', 'Whether this member is a learner (always 0: the v2 API adds voting members only).', () => 0);
    gauge('etcd_server_proposals_committed_total', 'The Raft index this member knows to be committed.', () => face.raftIndex());
    gauge('etcd_server_proposals_applied_total', 'The Raft index this member has applied.', () => face.raftIndex());
    gauge('etcd_server_proposals_pending', 'Writes waiting to be committed.', () => this.pendingProposals);
    labelled('etcd_server_id', 'This member\'s ID, as the label (the value is always 1).', 'server_id', face.memberId);
    labelled('etcd_server_version', 'The server version `/version` reports, as the label.', 'server_version', options.serverVersion);
    labelled('etcd_cluster_version', 'The cluster version `/version` reports (major.minor), as the label.', 'cluster_version', majorMinor(options.clusterVersion));
    gauge('etcd_debugging_store_watchers', 'Watchers registered now.', () => face.store.watcherCount);
    const store = (): StoreMetricCounts => face.store.metricCounts();
    // Only the actions counted at least once are shown, as etcd shows them.
    const byAction = (counts: Readonly<Record<string, number>>): CollectedSample[] =>
      Object.entries(counts).filter(([, n]) => n > 0).map(([action, n]) => [{ action }, n]);
    collectedCounter(registry, 'etcd_debugging_store_expires_total', 'Keys and directories removed because their TTL ran out.', [], () => [[{}, store().expires]]);
    collectedCounter(registry, 'etcd_debugging_store_watch_requests_total', 'Watches asked of the store.', [], () => [[{}, store().watchRequests]]);
    collectedCounter(registry, 'etcd_debugging_store_reads_total', 'Reads of the store, failed ones included, by kind (get, getRecursive).', ['action'], () => byAction(store().reads));
    collectedCounter(registry, 'etcd_debugging_store_writes_total', 'Writes to the store, failed ones included, by action.', ['action'], () => byAction(store().writes));
    registerProcessMetrics(this.registry);
  }

  /** The text `/metrics` answers: these metrics and the server's own. */
  text(): Promise<string> {
    const own = this.face.metricsRegistry;
    return own === undefined ? this.registry.metrics() : Registry.merge([this.registry, own]).metrics();
  }

  /** The label etcd counts a request under: a quorum GET is `QGET`. */
  static methodLabel(method: string, quorum: boolean): string {
    return method === 'GET' && quorum ? 'QGET' : method;
  }

  /** Counts one received request. */
  countReceived(method: string): void {
    this.receivedByMethod.set(method, (this.receivedByMethod.get(method) ?? 0) + 1);
  }

  /** A request that was answered without error, begun at `started` (from `now`). */
  countSucceeded(method: string, started: number): void {
    let counts = this.succeededByMethod.get(method);
    if (counts === undefined) {
      counts = new BucketCounts(REQUEST_BUCKETS);
      this.succeededByMethod.set(method, counts);
    }
    counts.observe((this.now() - started) / 1000);
  }

  /** A request answered with an error of this HTTP status. */
  countFailed(method: string, status: number): void {
    this.failed.inc({ code: String(status), method });
  }

  proposalStarted(): void {
    this.pendingProposals++;
  }

  proposalEnded(): void {
    this.pendingProposals--;
  }
}

/** "3.4.0" as "3.4", the form etcd labels its cluster version with. */
function majorMinor(version: string): string {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m === null ? version : `${m[1]}.${m[2]}`;
}
