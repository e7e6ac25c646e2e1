/**
 * A watch on a key or a subtree as an async iterator of events. Each event moves the next wait index
 * to the event's modifiedIndex + 1, so a dropped connection resumes exactly where it left off: no
 * event is lost or repeated. A start index that has left the server's history surfaces as
 * WatchIndexClearedError.
 */
import type { EtcdResponse, WatchOptions } from './types.js';
import { CallAbortedError, ClusterUnavailableError, EndpointError, TotalTimeoutError } from './errors.js';

/** One long poll: resolves with the event, or null when the server ended the poll without one. */
export type LongPoll = (
  waitIndex: number | undefined,
  signal: AbortSignal,
  onRegisteredAt: (etcdIndex: number) => void,
) => Promise<EtcdResponse | null>;

export class Watcher implements AsyncIterableIterator<EtcdResponse> {
  private nextWaitIndex: number | undefined;
  private readonly controller = new AbortController();
  private readonly resumeOnError: boolean;
  private readonly maxRetryDelayMs: number;
  private stopped = false;
  private readonly detachOuter: () => void;

  /**
   * @param accept events it rejects are skipped (the wait index still moves past them): the
   *   client-side half of `level` and `actions`, for servers that do not narrow watches.
   */
  constructor(
    private readonly poll: LongPoll,
    options: WatchOptions = {},
    private readonly accept: ((event: EtcdResponse) => boolean) | null = null,
  ) {
    this.nextWaitIndex = options.afterIndex !== undefined && options.afterIndex > 0 ? options.afterIndex + 1 : undefined;
    this.resumeOnError = options.resumeOnError ?? true;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 1000;
    const outer = options.signal;
    const onAbort = (): void => this.stop();
    this.detachOuter = () => outer?.removeEventListener('abort', onAbort);
    outer?.addEventListener('abort', onAbort);
    if (outer?.aborted) this.stop();
  }

  /** The index the next long poll will wait from (undefined: from whatever is current). */
  get waitIndex(): number | undefined {
    return this.nextWaitIndex;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EtcdResponse> {
    return this;
  }

  async next(): Promise<IteratorResult<EtcdResponse>> {
    let delay = 25;
    while (!this.stopped) {
      try {
        const event = await this.poll(this.nextWaitIndex, this.controller.signal, (registeredAt) => {
          if (this.nextWaitIndex === undefined) this.nextWaitIndex = registeredAt + 1;
        });
        if (event === null) continue;
        this.nextWaitIndex = event.node.modifiedIndex + 1;
        if (this.accept !== null && !this.accept(event)) continue;
        return { value: event, done: false };
      } catch (err) {
        if (this.stopped || err instanceof CallAbortedError) break;
        const transient =
          err instanceof ClusterUnavailableError || err instanceof EndpointError || err instanceof TotalTimeoutError;
        if (!transient || !this.resumeOnError) {
          this.stop();
          throw err;
        }
        await this.pause(delay);
        delay = Math.min(delay * 2, this.maxRetryDelayMs);
      }
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<EtcdResponse>> {
    this.stop();
    return { value: undefined, done: true };
  }

  /** Ends the watch; a pending next() resolves as done. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.controller.abort();
    this.detachOuter();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.controller.signal;
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}
