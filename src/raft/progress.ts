import { Inflights } from './inflights.js';

export const ProgressState = { Probe: 0, Replicate: 1, Snapshot: 2 } as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];
export const progressStateNames = ['Probe', 'Replicate', 'Snapshot'] as const;

/**
 * The leader's view of one follower.
 * - Probe: the leader does not know where the follower's log ends; it sends one append per
 *   heartbeat interval and waits for the answer.
 * - Replicate: the follower is caught up; appends are pipelined (next advanced optimistically),
 *   bounded by the inflight window.
 * - Snapshot: a snapshot is being sent; nothing else until it is acknowledged or reported failed.
 */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = ProgressState.Probe;
  /** Index of the snapshot in flight while in Snapshot state. */
  pendingSnapshot = 0;
  /** Heard from during the current election timeout (CheckQuorum). */
  recentActive = false;
  /** In Probe state: an append was sent and its answer is awaited. */
  probeSent = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(next: number, maxInflight: number, isLearner = false) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === ProgressState.Snapshot) {
      const pending = this.pendingSnapshot;
      this.resetState(ProgressState.Probe);
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState(ProgressState.Probe);
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState(ProgressState.Replicate);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
  }

  /** Records an acknowledgement up to `n`; false if it was stale. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    if (this.next < n + 1) this.next = n + 1;
    return updated;
  }

  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /**
   * Handles a rejection of the append at `rejected`; `matchHint` is the follower's guess of where
   * the logs agree. Returns false if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.probeSent;
      case ProgressState.Replicate:
        return this.inflights.full();
      default:
        return true;
    }
  }

  toString(): string {
    return `${progressStateNames[this.state]} match=${this.match} next=${this.next}${this.isLearner ? ' learner' : ''}${
      this.state === ProgressState.Snapshot ? ` pendingSnap=${this.pendingSnapshot}` : ''
    } inflight=${this.inflights.length()}`;
  }
}
