/**
 * Prometheus metrics of one client handler, in a private registry (never the process-global one):
 * HTTP request counts and etcd_server_* style gauges filled from the server face.
 */
import { Counter, Gauge, Registry } from 'prom-client';

import type { ServerFace } from './server-face.js';

export class ClientMetrics {
  readonly registry = new Registry();
  readonly received: Counter<'method'>;
  readonly failed: Counter<'method' | 'code'>;
  readonly proposalsFailed: Counter;
  private pendingProposals = 0;
  private readonly receivedByMethod = new Map<string, { inc(): void }>();

  constructor(face: ServerFace) {
    const registers = [this.registry];
    this.received = new Counter({
      name: 'etcd_http_received_total',
      help: 'Counter of requests received into the system (successfully parsed and authd).',
      labelNames: ['method'],
      registers,
    });
    this.failed = new Counter({
      name: 'etcd_http_failed_total',
      help: 'Counter of handle failures of requests (non-watches), by method (GET/PUT etc.) and code (400, 500 etc.).',
      labelNames: ['method', 'code'],
      registers,
    });
    this.proposalsFailed = new Counter({
      name: 'etcd_server_proposals_failed_total',
      help: 'The total number of failed proposals seen.',
      registers,
    });
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    gauge('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', () =>
      face.leaderId() === null ? 0 : 1,
    );
    gauge('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', () =>
      face.leaderId() === face.memberId ? 1 : 0,
    );
    gauge('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', () =>
      face.raftIndex(),
    );
    gauge('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', () =>
      face.raftIndex(),
    );
    gauge('etcd_server_proposals_pending', 'The current number of pending proposals to commit.', () => this.pendingProposals);
    gauge('etcd_debugging_store_watchers', 'Count of currently active watchers.', () => face.store.watcherCount);
    gauge('etcd_debugging_store_expires_total', 'Total number of expired keys.', () => face.store.stats().expireCount);
    gauge('etcd_debugging_store_index', 'Current etcd v2 store index.', () => face.store.index);
  }

  /** Counts one received request (label children are cached per method). */
  countReceived(method: string): void {
    let child = this.receivedByMethod.get(method);
    if (child === undefined) {
      child = this.received.labels(method);
      this.receivedByMethod.set(method, child);
    }
    child.inc();
  }

  proposalStarted(): void {
    this.pendingProposals++;
  }

  proposalEnded(): void {
    this.pendingProposals--;
  }
}
