/**
 * Clients waiting for their log entries: each proposal registers under its request ID and is
 * settled when the entry is applied, or with a timeout error when the deadline passes first.
 */
export interface PendingRequest<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
  /** What was proposed under this ID, when the proposer kept it (see `payloadOf`). */
  readonly payload: unknown;
  /** The Raft term this member was in when it handed the proposal to Raft (see `markProposed`). */
  proposedIn: number | null;
}

export class RequestWaits<T> {
  private readonly pending = new Map<bigint, PendingRequest<T>>();

  get size(): number {
    return this.pending.size;
  }

  /** Registers a waiter for `id`; `onTimeout` builds the error given after `timeoutMs`. */
  register(id: bigint, timeoutMs: number, onTimeout: () => Error, payload?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer, payload, proposedIn: null });
    });
  }

  /** Records that the proposal `id` went to Raft while this member was in `term`. */
  markProposed(id: bigint, term: number): void {
    const w = this.pending.get(id);
    if (w !== undefined) w.proposedIn = term;
  }

  /**
   * Fails every waiter whose proposal went to Raft in a term before `term`, with `err` (see
   * `EtcdServer.applyEntry`).
   */
  rejectProposedBefore(term: number, err: () => Error): void {
    for (const [id, w] of this.pending) {
      if (w.proposedIn === null || w.proposedIn >= term) continue;
      this.pending.delete(id);
      clearTimeout(w.timer);
      w.reject(err());
    }
  }

  /** The payload registered with a waiting `id`, if any. */
  payloadOf(id: bigint): unknown {
    return this.pending.get(id)?.payload;
  }

  resolve(id: bigint, value: T): void {
    const w = this.pending.get(id);
    if (!w) return;
    this.pending.delete(id);
    clearTimeout(w.timer);
    w.resolve(value);
  }

  reject(id: bigint, err: Error): void {
    const w = this.pending.get(id);
    if (!w) return;
    this.pending.delete(id);
    clearTimeout(w.timer);
    w.reject(err);
  }

  rejectAll(err: Error): void {
    for (const [id, w] of this.pending) {
      clearTimeout(w.timer);
      w.reject(err);
      this.pending.delete(id);
    }
  }
}
