/** What confd needs from a backend: fetch values under keys, and wait for relevant changes. */

export interface WatchResult {
  /** The index to resume from next time (backend-specific; 0 when unknown). */
  readonly index: number;
}

export interface StoreClient {
  /** A flat map of absolute key → value for every leaf at or under each of `keys`. */
  getValues(keys: readonly string[]): Promise<FetchResult>;
  /**
   * Resolves when a key under `prefix` that starts with one of `keys` changed after `afterIndex`
   * (0: from now), with the index of that change. Rejects on backend errors; stops (resolving
   * with `{ index: afterIndex }`) when `signal` aborts.
   */
  watchPrefix(prefix: string, keys: readonly string[], afterIndex: number, signal: AbortSignal): Promise<WatchResult>;
  close(): void;
}

export interface FetchResult {
  readonly values: Map<string, string>;
  /** Lowest store index the values were read at (0 when the backend has no index). */
  readonly index: number;
}

/** A backend failure; its message is what confd logs. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  /** The store index the failure was observed at, when the backend said (etcd errors carry one). */
  readonly index: number | undefined;
  /** True when the backend could not be reached at all (worth retrying without waiting for a change). */
  readonly unreachable: boolean;
  constructor(message: string, index?: number, unreachable = false) {
    super(message);
    this.index = index;
    this.unreachable = unreachable;
  }
}
