/**
 * Operation counters behind `GET /v2/stats/store`, counted the way etcd 3.4's v2 store counts them,
 * quirks included:
 * - reads (`getsSuccess`/`getsFail`) count only gets served by this store; etcd additionally counts
 *   its own internal look-ups (auth checks, membership), which inflates its `getsFail` — not here;
 * - a create or set whose parent walk hits a key (104) counts `setsFail` once more on top of its own
 *   failure counter;
 * - refusals that etcd returns without recording them count as successes: update/compareAndSwap/
 *   delete on the root (107), update of a directory with a value (102), and compareAndDelete on a
 *   directory (102) or with a failed comparison (101);
 * - `expireCount` counts every expired node (not subtree members); `watchers` is the number of live
 *   registered watchers at the time of the call.
 * Counters live in memory only and start from zero after a restart or snapshot restore.
 */
export interface StoreStatsJSON {
  getsSuccess: number;
  getsFail: number;
  setsSuccess: number;
  setsFail: number;
  deleteSuccess: number;
  deleteFail: number;
  updateSuccess: number;
  updateFail: number;
  createSuccess: number;
  createFail: number;
  compareAndSwapSuccess: number;
  compareAndSwapFail: number;
  compareAndDeleteSuccess: number;
  compareAndDeleteFail: number;
  expireCount: number;
  watchers: number;
}

export type StoreCounter = Exclude<keyof StoreStatsJSON, 'watchers'>;

export function emptyStoreStats(): StoreStatsJSON {
  return {
    getsSuccess: 0,
    getsFail: 0,
    setsSuccess: 0,
    setsFail: 0,
    deleteSuccess: 0,
    deleteFail: 0,
    updateSuccess: 0,
    updateFail: 0,
    createSuccess: 0,
    createFail: 0,
    compareAndSwapSuccess: 0,
    compareAndSwapFail: 0,
    compareAndDeleteSuccess: 0,
    compareAndDeleteFail: 0,
    expireCount: 0,
    watchers: 0,
  };
}

/** What the store counts for its Prometheus metrics, failed attempts included (see `Store.metricCounts`). */
export interface StoreMetricCounts {
  readonly reads: { readonly get: number; readonly getRecursive: number };
  readonly writes: {
    readonly set: number;
    readonly create: number;
    readonly update: number;
    readonly delete: number;
    readonly compareAndSwap: number;
    readonly compareAndDelete: number;
  };
  readonly watchRequests: number;
  readonly expires: number;
}
