/**
 * The etcd v2 store: a tree of keys and directories with one global index, changed only by `apply`.
 *
 * Pure and deterministic: no clock (each request carries its time, reads pass `now`), no timers, no
 * I/O. Applying the same requests in the same order to a fresh store gives the same tree, indexes
 * and events on every replica.
 */
import { EtcdError, ErrorCode } from './errors.js';
import { expirationFor, formatExpiration, remainingTtl } from './expiration.js';
import { StoreNode } from './node.js';
import { childPath, cleanPath } from './path.js';
import type {
  CompareAndDeleteRequest,
  CompareAndSwapRequest,
  CreateRequest,
  DeleteRequest,
  NodeJSON,
  SetRequest,
  StoreAction,
  StoreEvent,
  StoreRequest,
  SyncRequest,
  UpdateRequest,
  WriteRequest,
} from './request.js';
import { decodeSnapshot, SnapshotWriter, type NodeImage, type NodeImageSource, type SnapshotChunks } from './snapshot-codec.js';
import { emptyStoreStats, type StoreCounter, type StoreMetricCounts, type StoreStatsJSON } from './store-stats.js';
import { TtlHeap } from './ttl-heap.js';
import type { Watcher } from './watcher.js';
import type { WatchFilter } from './watch-filter.js';
import { WatcherHub } from './watcher-hub.js';

export interface GetOptions {
  readonly recursive?: boolean;
  readonly sorted?: boolean;
  /** Clock used for the reported `ttl` of nodes, ms since the epoch. */
  readonly now: number;
}

export interface WatchOptions {
  readonly recursive?: boolean;
  readonly stream?: boolean;
  /** First index of interest; 0 or absent means "the next write". */
  readonly sinceIndex?: number;
  /** A stream gets every matching past event from `sinceIndex` on, not only the first (see `WatcherHub.watch`). */
  readonly replay?: boolean;
  /** Opt-in narrowing by depth and action (see `WatchFilter`). */
  readonly filter?: WatchFilter | null;
}

export class Store {
  private root: StoreNode;
  private currentIndex = 0;
  private readonly hub: WatcherHub;
  private readonly ttlHeap = new TtlHeap();
  private readonly counters = emptyStoreStats();
  /** Gets (failed ones included) split as etcd's `etcd_debugging_store_reads_total` splits them, and watches asked for. */
  private readonly readCounts = { get: 0, getRecursive: 0, watchRequests: 0 };
  /** Number of the newest save; nodes created since carry it, as no running save can reach them. */
  private saveEpoch = 0;
  /** The save in progress, which needs the earlier image of every node changed before it got there. */
  private saving: SaveInProgress | null = null;
  /** The chunks of the last finished save, which the next one reuses where nothing changed. */
  private lastSaveChunks: SnapshotChunks | null = null;

  constructor(historyCapacity = 1000) {
    this.root = new StoreNode('/', '', null, 0, 0, '', true, 0);
    this.hub = new WatcherHub(historyCapacity);
  }

  /** The current etcd index (index of the last successful write). */
  get index(): number {
    return this.currentIndex;
  }

  /** How many of the latest events watches can start from (etcd: 1000). */
  get historyCapacity(): number {
    return this.hub.history.capacity;
  }

  /** Changes how many events are kept for watches, keeping the newest ones already there. */
  setHistoryCapacity(capacity: number): void {
    this.hub.history.resize(capacity);
  }

  /** Number of live watchers. */
  get watcherCount(): number {
    return this.hub.count;
  }

  /** Earliest expiration time among nodes with a TTL, or null when there are none. */
  nextExpiration(): number | null {
    const top = this.ttlHeap.top();
    return top === null ? null : top.expireTime;
  }

  /** Counters for `/v2/stats/store` (a fresh object). */
  stats(): StoreStatsJSON {
    return { ...this.counters, watchers: this.hub.count };
  }

  /**
   * Counters behind the `etcd_debugging_store_*` metrics (a fresh object). As in etcd 3.4, reads
   * and writes count attempts, failed ones included: reads by kind, writes by action (as
   * `/v2/stats/store` counts their successes and failures), and watch requests.
   */
  metricCounts(): StoreMetricCounts {
    const c = this.counters;
    return {
      reads: { get: this.readCounts.get, getRecursive: this.readCounts.getRecursive },
      writes: {
        set: c.setsSuccess + c.setsFail,
        create: c.createSuccess + c.createFail,
        update: c.updateSuccess + c.updateFail,
        delete: c.deleteSuccess + c.deleteFail,
        compareAndSwap: c.compareAndSwapSuccess + c.compareAndSwapFail,
        compareAndDelete: c.compareAndDeleteSuccess + c.compareAndDeleteFail,
      },
      watchRequests: this.readCounts.watchRequests,
      expires: c.expireCount,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /**
   * Applies one write. Throws `EtcdError` for a refused write, which leaves the index unchanged.
   * A sync request returns the expire events it produced (possibly none).
   */
  apply(req: SyncRequest): StoreEvent[];
  apply(req: WriteRequest): StoreEvent;
  apply(req: StoreRequest): StoreEvent | StoreEvent[];
  apply(req: StoreRequest): StoreEvent | StoreEvent[] {
    switch (req.op) {
      case 'set':
        return this.set(req);
      case 'create':
        return this.create(req);
      case 'update':
        return this.update(req);
      case 'compareAndSwap':
        return this.compareAndSwap(req);
      case 'delete':
        return this.delete(req);
      case 'compareAndDelete':
        return this.compareAndDelete(req);
      case 'sync':
        return this.expireUntil(req.time);
      default: {
        const never: never = req;
        throw new EtcdError(ErrorCode.InvalidField, `unknown operation ${String((never as { op: unknown }).op)}`, 0);
      }
    }
  }

  private set(req: SetRequest): StoreEvent {
    const key = cleanPath(req.key);
    let value = req.value;
    if (req.refresh === true) {
      try {
        value = (this.find(key) ?? this.internalGet(key)).value; // internalGet throws the 100 error
      } catch (err) {
        this.count('setsFail');
        throw err;
      }
    }
    let event: StoreEvent;
    try {
      // A plain set does not look its key up first: the walk to the parent fails (104) where the
      // lookup would have, and is counted once, here.
      event = this.internalCreate(key, req.dir, value, false, true, expirationFor(req.time, req.ttl), 'set', req.time, false);
    } catch (err) {
      this.count('setsFail');
      throw err;
    }
    this.count('setsSuccess');
    return this.publish(event, req.refresh === true);
  }

  private create(req: CreateRequest): StoreEvent {
    let event: StoreEvent;
    try {
      event = this.internalCreate(
        cleanPath(req.key),
        req.dir,
        req.value,
        req.unique,
        false,
        expirationFor(req.time, req.ttl),
        'create',
        req.time,
      );
    } catch (err) {
      this.count('createFail');
      throw err;
    }
    this.count('createSuccess');
    return this.publish(event, false);
  }

  private update(req: UpdateRequest): StoreEvent {
    const key = cleanPath(req.key);
    // etcd counts these two refusals as successes; kept for stats parity.
    if (key === '/') {
      this.count('updateSuccess');
      throw new EtcdError(ErrorCode.RootReadOnly, '/', this.currentIndex);
    }
    let n: StoreNode;
    try {
      n = this.internalGet(key);
    } catch (err) {
      this.count('updateFail');
      throw err;
    }
    if (n.isDir && req.value.length !== 0) {
      this.count('updateSuccess');
      throw new EtcdError(ErrorCode.NotFile, key, this.currentIndex);
    }
    const next = this.currentIndex + 1;
    const newValue = req.refresh === true ? n.value : req.value;
    const prevNode = this.repr(n, false, false, req.time);
    if (!n.isDir) {
      this.beforeChange(n);
      n.value = newValue;
      n.modifiedIndex = next; // a directory keeps its modifiedIndex (etcd quirk)
    }
    this.updateTtl(n, expirationFor(req.time, req.ttl));
    const node: NodeJSON = { key };
    if (n.isDir) node.dir = true;
    else node.value = newValue;
    this.addExpiration(node, n, req.time);
    node.modifiedIndex = next;
    node.createdIndex = n.createdIndex;
    this.currentIndex = next;
    this.count('updateSuccess');
    return this.publish({ action: 'update', node, prevNode, index: next }, req.refresh === true);
  }

  private compareAndSwap(req: CompareAndSwapRequest): StoreEvent {
    const key = cleanPath(req.key);
    if (key === '/') {
      this.count('compareAndSwapSuccess'); // etcd quirk, see update()
      throw new EtcdError(ErrorCode.RootReadOnly, '/', this.currentIndex);
    }
    let n: StoreNode;
    try {
      n = this.internalGet(key);
      if (n.isDir) throw new EtcdError(ErrorCode.NotFile, key, this.currentIndex);
      const cause = compareFailure(n, req.prevValue, req.prevIndex);
      if (cause !== null) throw new EtcdError(ErrorCode.TestFailed, cause, this.currentIndex);
    } catch (err) {
      this.count('compareAndSwapFail');
      throw err;
    }
    const next = this.currentIndex + 1;
    this.currentIndex = next;
    const prevNode = this.repr(n, false, false, req.time);
    const value = req.refresh === true ? n.value : req.value;
    this.beforeChange(n);
    n.value = value;
    n.modifiedIndex = next;
    this.updateTtl(n, expirationFor(req.time, req.ttl));
    const node: NodeJSON = { key, value };
    this.addExpiration(node, n, req.time);
    node.modifiedIndex = next;
    node.createdIndex = n.createdIndex;
    this.count('compareAndSwapSuccess');
    return this.publish({ action: 'compareAndSwap', node, prevNode, index: next }, req.refresh === true);
  }

  private delete(req: DeleteRequest): StoreEvent {
    const key = cleanPath(req.key);
    if (key === '/') {
      this.count('deleteSuccess'); // etcd quirk, see update()
      throw new EtcdError(ErrorCode.RootReadOnly, '/', this.currentIndex);
    }
    const dir = req.dir || req.recursive;
    let n: StoreNode;
    try {
      n = this.internalGet(key);
      if (n.isDir) {
        if (!dir) throw new EtcdError(ErrorCode.NotFile, key, this.currentIndex);
        if (n.children!.size !== 0 && !req.recursive) {
          throw new EtcdError(ErrorCode.DirNotEmpty, key, this.currentIndex);
        }
      }
    } catch (err) {
      this.count('deleteFail');
      throw err;
    }
    const next = this.currentIndex + 1;
    const node: NodeJSON = n.isDir
      ? { key, dir: true, modifiedIndex: next, createdIndex: n.createdIndex }
      : { key, modifiedIndex: next, createdIndex: n.createdIndex };
    const event: StoreEvent = { action: 'delete', node, prevNode: this.repr(n, false, false, req.time), index: next };
    this.removeSubtree(n, event);
    this.currentIndex = next;
    this.count('deleteSuccess');
    return this.publish(event, false);
  }

  private compareAndDelete(req: CompareAndDeleteRequest): StoreEvent {
    const key = cleanPath(req.key);
    let n: StoreNode;
    try {
      n = this.internalGet(key);
    } catch (err) {
      this.count('compareAndDeleteFail');
      throw err;
    }
    // etcd counts the next two refusals as successes; kept for stats parity.
    if (n.isDir) {
      this.count('compareAndDeleteSuccess');
      // For the root the cause is empty (etcd shows the keys-root-relative path).
      throw new EtcdError(ErrorCode.NotFile, key === '/' ? '' : key, this.currentIndex);
    }
    const cause = compareFailure(n, req.prevValue, req.prevIndex);
    if (cause !== null) {
      this.count('compareAndDeleteSuccess');
      throw new EtcdError(ErrorCode.TestFailed, cause, this.currentIndex);
    }
    const next = this.currentIndex + 1;
    this.currentIndex = next;
    const event: StoreEvent = {
      action: 'compareAndDelete',
      node: { key, modifiedIndex: next, createdIndex: n.createdIndex },
      prevNode: this.repr(n, false, false, req.time),
      index: next,
    };
    this.removeSubtree(n, event);
    this.count('compareAndDeleteSuccess');
    return this.publish(event, false);
  }

  /** Expires, in expiration order, every node whose expiration is at or before `time`. */
  private expireUntil(time: number): StoreEvent[] {
    const events: StoreEvent[] = [];
    for (;;) {
      const n = this.ttlHeap.top();
      if (n === null || n.expireTime > time) break;
      const next = this.currentIndex + 1;
      this.currentIndex = next;
      const node: NodeJSON = n.isDir
        ? { key: n.path, dir: true, modifiedIndex: next, createdIndex: n.createdIndex }
        : { key: n.path, modifiedIndex: next, createdIndex: n.createdIndex };
      const event: StoreEvent = { action: 'expire', node, prevNode: this.repr(n, false, false, time), index: next };
      this.ttlHeap.pop();
      this.removeSubtree(n, event);
      this.counters.expireCount++;
      this.hub.notify(event);
      events.push(event);
    }
    return events;
  }

  private internalCreate(
    path: string,
    dir: boolean,
    value: string,
    unique: boolean,
    replace: boolean,
    expireTime: number,
    action: StoreAction,
    now: number,
    countWalkFailure = true,
  ): StoreEvent {
    const cur = this.currentIndex;
    const next = cur + 1;
    if (unique) path = childPath(path, String(next).padStart(20, '0'));
    if (path === '/') throw new EtcdError(ErrorCode.RootReadOnly, '/', cur);
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    let parent: StoreNode;
    try {
      parent = this.walkCreatingDirs(path, slash);
    } catch (err) {
      if (countWalkFailure) this.count('setsFail'); // etcd counts a failed parent walk as a failed set as well
      throw err;
    }
    let prevNode: NodeJSON | undefined;
    const existing = parent.children!.get(name);
    if (existing !== undefined) {
      if (!replace) throw new EtcdError(ErrorCode.NodeExist, path, cur);
      if (existing.isDir) throw new EtcdError(ErrorCode.NotFile, path, cur);
      prevNode = this.repr(existing, false, false, now);
      this.beforeChange(parent);
      parent.children!.delete(name);
      if (existing.heapIndex >= 0) this.ttlHeap.remove(existing);
    }
    const n = new StoreNode(path, name, parent, next, next, dir ? '' : value, dir, expireTime);
    n.saveEpoch = this.saveEpoch;
    this.beforeChange(parent);
    parent.children!.set(name, n);
    const node: NodeJSON = dir ? { key: path, dir: true } : { key: path, value };
    if (expireTime !== 0) {
      this.ttlHeap.push(n);
      node.expiration = formatExpiration(expireTime);
      const ttl = remainingTtl(expireTime, now);
      if (ttl !== 0) node.ttl = ttl;
    }
    node.modifiedIndex = next;
    node.createdIndex = next;
    this.currentIndex = next;
    return prevNode === undefined ? { action, node, index: next } : { action, node, prevNode, index: next };
  }

  /** Walks to the parent directory of `path` (whose last `/` is at `slash`), creating missing dirs. */
  private walkCreatingDirs(path: string, slash: number): StoreNode {
    let cur = this.root;
    let start = 1;
    while (start <= slash) {
      const end = path.indexOf('/', start);
      const name = path.slice(start, end);
      let child = cur.children!.get(name);
      if (child === undefined) {
        child = new StoreNode(path.slice(0, end), name, cur, this.currentIndex + 1, this.currentIndex + 1, '', true, 0);
        child.saveEpoch = this.saveEpoch;
        this.beforeChange(cur);
        cur.children!.set(name, child);
      } else if (!child.isDir) {
        throw new EtcdError(ErrorCode.NotDir, child.path, this.currentIndex);
      }
      cur = child;
      start = end + 1;
    }
    return cur;
  }

  /** Detaches `n` (and its subtree) and wakes the watchers on every removed path. */
  private removeSubtree(n: StoreNode, event: StoreEvent): void {
    const parent = n.parent;
    if (parent !== null && parent.children!.get(n.name) === n) {
      this.beforeChange(parent);
      parent.children!.delete(n.name);
    }
    if (this.hub.hasWatchers || this.ttlHeap.size > 0) this.forgetRemoved(n, event);
    n.parent = null;
  }

  private forgetRemoved(n: StoreNode, event: StoreEvent): void {
    if (n.children !== null) for (const child of n.children.values()) this.forgetRemoved(child, event);
    this.hub.notifyRemoved(event, n.path);
    if (n.heapIndex >= 0) this.ttlHeap.remove(n);
  }

  private updateTtl(n: StoreNode, expireTime: number): void {
    if (expireTime !== n.expireTime) this.beforeChange(n);
    if (!n.isPermanent) {
      n.expireTime = expireTime;
      if (expireTime === 0) this.ttlHeap.remove(n);
      else this.ttlHeap.update(n);
      return;
    }
    if (expireTime === 0) return;
    n.expireTime = expireTime;
    this.ttlHeap.push(n);
  }

  private publish(event: StoreEvent, refresh: boolean): StoreEvent {
    if (refresh) {
      const refreshed: StoreEvent = { ...event, refresh: true };
      this.hub.record(refreshed);
      return refreshed;
    }
    this.hub.notify(event);
    return event;
  }

  private count(counter: StoreCounter): void {
    this.counters[counter]++;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /** A get: the node (and its children) at `key`. Throws 100/104 like etcd. */
  get(key: string, opts: GetOptions): StoreEvent {
    if (opts.recursive === true) this.readCounts.getRecursive++;
    else this.readCounts.get++;
    const path = cleanPath(key);
    let n: StoreNode;
    try {
      n = this.internalGet(path);
    } catch (err) {
      this.counters.getsFail++;
      throw err;
    }
    this.counters.getsSuccess++;
    const recursive = opts.recursive === true;
    const sorted = opts.sorted === true;
    const node: NodeJSON = {};
    if (path !== '/') node.key = path;
    if (n.children !== null) {
      node.dir = true;
      const nodes = this.listChildren(n, recursive, sorted, opts.now);
      this.addExpiration(node, n, opts.now);
      if (nodes.length > 0) node.nodes = nodes;
    } else {
      node.value = n.value;
      this.addExpiration(node, n, opts.now);
    }
    if (n.modifiedIndex !== 0) node.modifiedIndex = n.modifiedIndex;
    if (n.createdIndex !== 0) node.createdIndex = n.createdIndex;
    return { action: 'get', node, index: this.currentIndex };
  }

  /**
   * A watcher on `key`. Answered from the history when a matching event at or after `sinceIndex` is
   * still there; throws 401 when `sinceIndex` is older than the history window.
   */
  watch(key: string, opts: WatchOptions = {}): Watcher {
    this.readCounts.watchRequests++;
    const path = cleanPath(key);
    const since = opts.sinceIndex !== undefined && opts.sinceIndex > 0 ? opts.sinceIndex : this.currentIndex + 1;
    try {
      return this.hub.watch(path, opts.recursive === true, opts.stream === true, since, this.currentIndex, opts.replay === true, opts.filter ?? null);
    } catch (err) {
      if (err instanceof EtcdError) err.index = this.currentIndex;
      throw err;
    }
  }

  /** The node at `path`, or null when it is missing; throws 104 when a key is used as a directory. */
  private find(path: string): StoreNode | null {
    let cur = this.root;
    if (path === '/') return cur;
    let start = 1;
    for (;;) {
      const end = path.indexOf('/', start);
      const children = cur.children;
      if (children === null) throw new EtcdError(ErrorCode.NotDir, cur.path, this.currentIndex);
      const child = children.get(end === -1 ? path.slice(start) : path.slice(start, end));
      if (child === undefined) return null;
      cur = child;
      if (end === -1) return cur;
      start = end + 1;
    }
  }

  /** The node at `path`: 100 at the first missing component, 104 when a key is used as a directory. */
  private internalGet(path: string): StoreNode {
    let cur = this.root;
    if (path === '/') return cur;
    let start = 1;
    for (;;) {
      const end = path.indexOf('/', start);
      const name = end === -1 ? path.slice(start) : path.slice(start, end);
      const children = cur.children;
      if (children === null) throw new EtcdError(ErrorCode.NotDir, cur.path, this.currentIndex);
      const child = children.get(name);
      if (child === undefined) {
        throw new EtcdError(ErrorCode.KeyNotFound, childPath(cur.path, name), this.currentIndex);
      }
      cur = child;
      if (end === -1) return cur;
      start = end + 1;
    }
  }

  /** The API representation of `n` (children only with `recursive`), as etcd's Repr. */
  private repr(n: StoreNode, recursive: boolean, sorted: boolean, now: number): NodeJSON {
    if (n.children !== null) {
      const node: NodeJSON = { key: n.path, dir: true };
      this.addExpiration(node, n, now);
      if (recursive) {
        const nodes = this.listChildren(n, true, sorted, now);
        if (nodes.length > 0) node.nodes = nodes;
      }
      node.modifiedIndex = n.modifiedIndex;
      node.createdIndex = n.createdIndex;
      return node;
    }
    const node: NodeJSON = { key: n.path, value: n.value };
    this.addExpiration(node, n, now);
    node.modifiedIndex = n.modifiedIndex;
    node.createdIndex = n.createdIndex;
    return node;
  }

  private listChildren(dir: StoreNode, recursive: boolean, sorted: boolean, now: number): NodeJSON[] {
    const out: NodeJSON[] = [];
    for (const child of dir.children!.values()) {
      if (child.isHidden) continue;
      out.push(this.repr(child, recursive, sorted, now));
    }
    if (sorted) out.sort(byKey);
    return out;
  }

  private addExpiration(node: NodeJSON, n: StoreNode, now: number): void {
    if (n.expireTime === 0) return;
    node.expiration = formatExpiration(n.expireTime);
    const ttl = remainingTtl(n.expireTime, now);
    if (ttl !== 0) node.ttl = ttl;
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots

  /** The whole tree, index and TTLs in a compact binary form (history and watchers are not kept). */
  save(): Uint8Array {
    const job = this.beginSave();
    job.step(Infinity);
    return job.result();
  }

  /**
   * Starts a save of the store as it is now, to be encoded a slice at a time with `step` while the
   * store keeps taking writes: a node changed before the save reached it keeps its earlier image
   * until then. The output is the same as `save()` at this moment would give. Starting a new save
   * abandons one still running.
   */
  beginSave(): StoreSave {
    if (this.saving !== null) this.saving.abandoned = true;
    const epoch = ++this.saveEpoch;
    const saving = new SaveInProgress(epoch);
    this.saving = saving;
    const writer = new SnapshotWriter(this.root, this.currentIndex, saving, this.lastSaveChunks);
    return {
      step: (budget: number): boolean => {
        if (saving.abandoned) throw new Error('store save abandoned by a newer one');
        const done = writer.step(budget);
        if (done) {
          this.lastSaveChunks = writer.chunks();
          if (this.saving === saving) this.saving = null;
        }
        return done;
      },
      result: () => writer.result(),
      parts: () => writer.parts(),
    };
  }

  /** Keeps the image of `n` for a running save that has not reached it yet. */
  private beforeChange(n: StoreNode): void {
    const saving = this.saving;
    if (saving !== null && n.saveEpoch !== saving.epoch) saving.keep(n);
  }

  /** A store rebuilt from `save()` output. */
  static recover(data: Uint8Array, historyCapacity = 1000): Store {
    const store = new Store(historyCapacity);
    const { root, index } = decodeSnapshot(data);
    store.root = root;
    store.currentIndex = index;
    store.rebuildTtlHeap(root);
    return store;
  }

  private rebuildTtlHeap(root: StoreNode): void {
    const stack: StoreNode[] = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.expireTime !== 0) this.ttlHeap.push(n);
      if (n.children !== null) for (const c of n.children.values()) stack.push(c);
    }
  }
}

/** A store save in progress (see `Store.beginSave`). */
export interface StoreSave {
  /** Encodes up to `budget` more nodes; true once done. */
  step(budget: number): boolean;
  /** The encoded store, once `step` returned true. */
  result(): Uint8Array;
  /** The same bytes as consecutive parts, without copying them into one buffer. */
  parts(): readonly Uint8Array[];
}

/** The images a running save needs of nodes changed before it reached them. */
class SaveInProgress implements NodeImageSource {
  private readonly kept = new Map<StoreNode, NodeImage>();
  abandoned = false;

  constructor(readonly epoch: number) {}

  keep(n: StoreNode): void {
    n.saveEpoch = this.epoch;
    this.kept.set(n, {
      createdIndex: n.createdIndex,
      modifiedIndex: n.modifiedIndex,
      expireTime: n.expireTime,
      value: n.value,
      children: n.children === null ? null : [...n.children.values()],
    });
  }

  image(n: StoreNode): NodeImage | null {
    if (n.saveEpoch !== this.epoch) {
      // Reached before any change: encoded as it is, and changes from now on need no copy.
      n.saveEpoch = this.epoch;
      return null;
    }
    return this.kept.get(n) ?? null;
  }
}

function byKey(a: NodeJSON, b: NodeJSON): number {
  return compareUtf8(a.key ?? '', b.key ?? '');
}

/** Orders strings by their UTF-8 bytes (as Go compares strings), not by UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral characters) sort after U+E000..U+FFFF in UTF-8.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** etcd's compare-failure cause, or null when the conditions hold. */
function compareFailure(n: StoreNode, prevValue: string, prevIndex: number): string | null {
  const indexMatch = prevIndex === 0 || n.modifiedIndex === prevIndex;
  const valueMatch = prevValue === '' || n.value === prevValue;
  if (indexMatch && valueMatch) return null;
  if (indexMatch) return `[${prevValue} != ${n.value}]`;
  if (valueMatch) return `[${prevIndex} != ${n.modifiedIndex}]`;
  return `[${prevValue} != ${n.value}] [${prevIndex} != ${n.modifiedIndex}]`;
}
