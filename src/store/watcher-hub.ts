import { EventHistory } from './event-history.js';
import { passesFilter, type WatchFilter } from './watch-filter.js';
import type { StoreEvent } from './request.js';
import { Watcher, type WatcherRegistry } from './watcher.js';

/**
 * Live watchers by watched path, plus the event history. Notifying an event walks the changed key's
 * ancestors (`/`, `/a`, `/a/b`, ...) and wakes the watchers registered on each of them that match.
 */
export class WatcherHub implements WatcherRegistry {
  readonly history: EventHistory;
  private readonly byPath = new Map<string, Set<Watcher>>();
  /** Number of registered live watchers. */
  count = 0;

  constructor(historyCapacity = 1000) {
    this.history = new EventHistory(historyCapacity);
  }

  get hasWatchers(): boolean {
    return this.byPath.size > 0;
  }

  /**
   * A watcher on `key`. When a matching event at or after `sinceIndex` is in the history, the watcher
   * already holds it and is not registered. Throws 401 (index to be filled by the caller) when
   * `sinceIndex` is older than the history window. With `replay`, a stream watcher is handed every
   * matching event of the history from `sinceIndex` on and stays registered for the ones to come
   * (etcd hands a stream only the first past event, and no later ones).
   */
  watch(
    key: string,
    recursive: boolean,
    stream: boolean,
    sinceIndex: number,
    storeIndex: number,
    replay = false,
    filter: WatchFilter | null = null,
  ): Watcher {
    const accept = filter === null ? undefined : (e: StoreEvent): boolean => passesFilter(filter, key, e);
    if (stream && replay) {
      // Every past event, then the live ones: the past ones all precede storeIndex, the live ones follow it.
      const past = this.history.scanAll(key, recursive, sinceIndex, accept);
      const w = this.register(new Watcher(key, recursive, stream, sinceIndex, storeIndex, this, filter));
      w.preload(past);
      return w;
    }
    const past = this.history.scan(key, recursive, sinceIndex, accept);
    if (past !== null) {
      const w = new Watcher(key, recursive, stream, sinceIndex, storeIndex, null, filter);
      w.deliver(past);
      w.detach();
      return w;
    }
    return this.register(new Watcher(key, recursive, stream, sinceIndex, storeIndex, this, filter));
  }

  private register(w: Watcher): Watcher {
    const key = w.key;
    let set = this.byPath.get(key);
    if (set === undefined) {
      set = new Set();
      this.byPath.set(key, set);
    }
    set.add(w);
    this.count++;
    return w;
  }

  unregister(watcher: Watcher): void {
    const set = this.byPath.get(watcher.key);
    if (set === undefined || !set.delete(watcher)) return;
    this.count--;
    if (set.size === 0) this.byPath.delete(watcher.key);
  }

  /** Records the event and wakes the watchers on the changed key and its ancestors. */
  notify(event: StoreEvent): void {
    this.history.add(event);
    if (this.byPath.size === 0) return;
    const key = event.node.key ?? '/';
    this.notifyPath(event, '/', false);
    let slash = key.indexOf('/', 1);
    while (slash !== -1) {
      this.notifyPath(event, key.slice(0, slash), false);
      slash = key.indexOf('/', slash + 1);
    }
    if (key !== '/') this.notifyPath(event, key, false);
  }

  /** Records a TTL refresh: it takes an index in the history but wakes nobody. */
  record(event: StoreEvent): void {
    this.history.add(event);
  }

  /** Wakes the watchers registered exactly on `path`, a node removed by `event`. */
  notifyRemoved(event: StoreEvent, path: string): void {
    if (this.byPath.size !== 0) this.notifyPath(event, path, true);
  }

  private notifyPath(event: StoreEvent, path: string, removed: boolean): void {
    const set = this.byPath.get(path);
    if (set === undefined) return;
    const key = event.node.key ?? '/';
    const exact = key === path;
    if (!exact && isHiddenBelow(path, key)) return;
    for (const w of set) {
      if (!(w.recursive || exact || removed) || event.index < w.sinceIndex) continue;
      if (w.filter !== null && !passesFilter(w.filter, w.key, event)) continue;
      if (!w.stream) {
        set.delete(w);
        this.count--;
        w.detach();
        w.deliver(event);
      } else {
        w.deliver(event); // a stream watcher that falls behind unregisters itself
      }
    }
    if (set.size === 0 && this.byPath.get(path) === set) this.byPath.delete(path);
  }
}

/** True when a path component of `key` below the watched `path` starts with `_`. */
function isHiddenBelow(path: string, key: string): boolean {
  if (path.length > key.length) return false;
  return key.indexOf('/_', path.length - 1) !== -1;
}
