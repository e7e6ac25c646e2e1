/**
 * Clients waiting for their log entries: each proposal registers under its request ID and is
 * settled when the entry is applied, or with a timeout error once its deadline has passed.
 *
 * Deadlines are checked by one sweep every `sweepMs` while anything waits, rather than by a timer
 * per request: a write then costs no timer to arm and disarm, and a waiter fails at most `sweepMs`
 * after its deadline.
 */
export interface PendingRequest<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (err: Error) => void;
  /** When the waiter fails with `onTimeout()`, on the clock given to `RequestWaits`. */
  readonly deadline: number;
  readonly onTimeout: () => Error;
  /** What was proposed under this ID, when the proposer kept it (see `payloadOf`). */
  readonly payload: unknown;
  /** The Raft term this member was in when it handed the proposal to Raft (see `markProposed`). */
  proposedIn: number | null;
}

/** How the waits learn the time and check deadlines; injected for tests. */
export interface WaitTimer {
  /** Milliseconds from any fixed origin. */
  now(): number;
  /** Calls `sweep` every `ms` until the returned function is called. */
  every(ms: number, sweep: () => void): () => void;
}

const realWaitTimer: WaitTimer = {
  now: () => performance.now(),
  every(ms, sweep) {
    const interval = setInterval(sweep, ms);
    interval.unref();
    return () => clearInterval(interval);
  },
};

/** How often deadlines are checked while requests wait. */
const SWEEP_MS = 100;

export class RequestWaits<T> {
  private readonly pending = new Map<bigint, PendingRequest<T>>();
  private stopSweeping: (() => void) | null = null;

  constructor(
    private readonly timer: WaitTimer = realWaitTimer,
    private readonly sweepMs = SWEEP_MS,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Registers a waiter for `id`; `onTimeout` builds the error given once `timeoutMs` have passed. */
  register(id: bigint, timeoutMs: number, onTimeout: () => Error, payload?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: this.timer.now() + timeoutMs, onTimeout, payload, proposedIn: null });
      if (this.stopSweeping === null) this.stopSweeping = this.timer.every(this.sweepMs, () => this.sweep());
    });
  }

  /** Fails every waiter whose deadline has passed; stops sweeping once nothing waits. */
  sweep(): void {
    const now = this.timer.now();
    this.failWhere((w) => w.deadline <= now, (w) => w.onTimeout());
  }

  /** Records that the proposal `id` went to Raft while this member was in `term`. */
  markProposed(id: bigint, term: number): void {
    const w = this.pending.get(id);
    if (w !== undefined) w.proposedIn = term;
  }

  /**
   * Fails every waiter whose proposal went to Raft in a term before `term`, with `err` (see
   * `EtcdServer.applyEntryNow`).
   */
  rejectProposedBefore(term: number, err: () => Error): void {
    this.failWhere((w) => w.proposedIn !== null && w.proposedIn < term, err);
  }

  /** The payload registered with a waiting `id`, if any. */
  payloadOf(id: bigint): unknown {
    return this.pending.get(id)?.payload;
  }

  resolve(id: bigint, value: T): void {
    const w = this.pending.get(id);
    if (!w) return;
    this.pending.delete(id);
    w.resolve(value);
  }

  reject(id: bigint, err: Error): void {
    const w = this.pending.get(id);
    if (!w) return;
    this.pending.delete(id);
    w.reject(err);
  }

  rejectAll(err: Error): void {
    this.failWhere(() => true, () => err);
  }

  /** Rejects and forgets every waiter `matches` picks; stops sweeping once nothing waits. */
  private failWhere(matches: (w: PendingRequest<T>) => boolean, err: (w: PendingRequest<T>) => Error): void {
    for (const [id, w] of this.pending) {
      if (!matches(w)) continue;
      this.pending.delete(id);
      w.reject(err(w));
    }
    if (this.pending.size === 0 && this.stopSweeping !== null) {
      this.stopSweeping();
      this.stopSweeping = null;
    }
  }
}
