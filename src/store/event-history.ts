import { EtcdError, ErrorCode } from './errors.js';
import type { StoreEvent } from './request.js';

function emptyRing(capacity: number): (StoreEvent | undefined)[] {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`event history capacity must be a positive integer, not ${capacity}`);
  return new Array<StoreEvent | undefined>(capacity);
}

/**
 * Ring buffer of the most recent events (1000 by default), used to answer watches that start in the
 * past. Every index increment of the store appends exactly one event, so an index is found by its
 * offset from the oldest retained one.
 */
export class EventHistory {
  /** Its length is the capacity. */
  private ring: (StoreEvent | undefined)[];
  /** Slot of the oldest event. */
  private front = 0;
  private count = 0;
  /** Index of the oldest retained event (0 while empty). */
  startIndex = 0;
  /** Index of the newest event (0 while empty). */
  lastIndex = 0;

  constructor(capacity = 1000) {
    this.ring = emptyRing(capacity);
  }

  get capacity(): number {
    return this.ring.length;
  }

  /** Keeps the newest `capacity` events (all of them when they fit) in a ring of that size. */
  resize(capacity: number): void {
    const keep = Math.min(this.count, capacity);
    const ring = emptyRing(capacity);
    for (let i = 0; i < keep; i++) ring[i] = this.ring[(this.front + this.count - keep + i) % this.ring.length];
    this.ring = ring;
    this.front = 0;
    this.count = keep;
    this.startIndex = keep === 0 ? 0 : ring[0]!.index;
  }

  add(event: StoreEvent): void {
    if (this.count < this.ring.length) {
      this.ring[(this.front + this.count) % this.ring.length] = event;
      this.count++;
    } else {
      this.ring[this.front] = event;
      this.front = (this.front + 1) % this.ring.length;
    }
    this.lastIndex = event.index;
    this.startIndex = this.ring[this.front]!.index;
  }

  /**
   * The first event at or after `index` that a watcher on `key` would see, or null when none has
   * happened yet. Throws 401 when `index` is older than the retained window (the error's index is
   * left 0 for the caller to fill in).
   */
  scan(key: string, recursive: boolean, index: number, accept?: (e: StoreEvent) => boolean): StoreEvent | null {
    if (index < this.startIndex) {
      throw new EtcdError(
        ErrorCode.EventIndexCleared,
        `the requested history has been cleared [${this.startIndex}/${index}]`,
        0,
      );
    }
    if (index > this.lastIndex || this.count === 0) return null;
    const prefix = key.endsWith('/') ? key : `${key}/`;
    let offset = index - this.startIndex;
    for (; offset < this.count; offset++) {
      const e = this.ring[(this.front + offset) % this.ring.length]!;
      if (e.refresh === true) continue;
      const eventKey = e.node.key ?? '/';
      let ok = eventKey === key;
      if (!ok && recursive) ok = eventKey.startsWith(prefix);
      if (!ok && (e.action === 'delete' || e.action === 'expire') && e.prevNode?.dir === true) {
        // etcd matches a removed directory by plain string prefix, without a '/' boundary.
        ok = key.startsWith(e.prevNode.key ?? '/');
      }
      if (ok && (accept === undefined || accept(e))) return e;
    }
    return null;
  }

  /** Every event `scan` would find from `index` on, in index order (401 when `index` was cleared). */
  scanAll(key: string, recursive: boolean, index: number, accept?: (e: StoreEvent) => boolean): StoreEvent[] {
    const found: StoreEvent[] = [];
    for (let e = this.scan(key, recursive, index, accept); e !== null; e = this.scan(key, recursive, e.index + 1, accept)) found.push(e);
    return found;
  }

  /** Drops every event (used after a snapshot restore, where history is not kept). */
  clear(): void {
    this.ring.fill(undefined);
    this.front = 0;
    this.count = 0;
    this.startIndex = 0;
    this.lastIndex = 0;
  }
}
