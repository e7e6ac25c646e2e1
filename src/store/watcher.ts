import type { StoreEvent } from './request.js';
import type { WatchFilter } from './watch-filter.js';

export type WatchListener = (event: StoreEvent) => void;

/** Events a watcher holds while nobody listens yet; beyond that it is dropped (as etcd does). */
const QUEUE_LIMIT = 100;

/** What a watcher needs from the hub that registered it. */
export interface WatcherRegistry {
  unregister(watcher: Watcher): void;
}

/**
 * One watch: delivers matching events to its listener, in index order. A long-poll watcher is
 * finished after its first event; a stream watcher stays until removed. The HTTP layer calls
 * `remove()` when the client goes away.
 */
export class Watcher {
  readonly key: string;
  readonly recursive: boolean;
  readonly stream: boolean;
  /** Only events with an index at or above this one are delivered. */
  readonly sinceIndex: number;
  /** The store index when the watch was made (reported as X-Etcd-Index). */
  readonly startIndex: number;
  /** Opt-in narrowing: events it rejects are not this watcher's (see `WatchFilter`). */
  readonly filter: WatchFilter | null;
  /** True once the watcher no longer receives events (finished, removed or dropped). */
  removed = false;
  /** True when the watcher was dropped because events piled up undelivered. */
  dropped = false;
  private listener: WatchListener | null = null;
  private onDrop: (() => void) | null = null;
  private queue: StoreEvent[] | null = null;
  /** How many events may wait for a listener: `QUEUE_LIMIT` new ones beyond any preloaded. */
  private queueLimit = QUEUE_LIMIT;
  private registry: WatcherRegistry | null;

  constructor(
    key: string,
    recursive: boolean,
    stream: boolean,
    sinceIndex: number,
    startIndex: number,
    registry: WatcherRegistry | null,
    filter: WatchFilter | null = null,
  ) {
    this.key = key;
    this.recursive = recursive;
    this.stream = stream;
    this.sinceIndex = sinceIndex;
    this.startIndex = startIndex;
    this.registry = registry;
    this.filter = filter;
  }

  /**
   * Starts delivery: events that arrived before are handed over at once, later ones as they happen.
   * `onDrop` is called if the watcher is dropped for falling behind.
   */
  listen(listener: WatchListener, onDrop?: () => void): void {
    this.listener = listener;
    this.onDrop = onDrop ?? null;
    const queued = this.queue;
    this.queue = null;
    if (queued !== null) for (const e of queued) listener(e);
    if (this.dropped && this.onDrop !== null) this.onDrop();
  }

  /** Unregisters the watcher; safe to call any number of times. */
  remove(): void {
    this.removed = true;
    this.listener = null;
    this.onDrop = null;
    this.queue = null;
    const registry = this.registry;
    if (registry !== null) {
      this.registry = null;
      registry.unregister(this);
    }
  }

  /** Hub side: hand over one event. */
  deliver(event: StoreEvent): void {
    const listener = this.listener;
    if (listener !== null) {
      try {
        listener(event);
      } catch {
        // A failing listener must not disturb the write that woke it; it just stops listening.
        this.remove();
      }
      return;
    }
    if (this.dropped) return;
    const queue = (this.queue ??= []);
    if (queue.length < this.queueLimit) {
      queue.push(event);
      return;
    }
    this.dropped = true;
    this.remove();
  }

  /**
   * Hub side, before anyone listens: events from the history that `listen` hands over first. Not
   * bound by the queue's limit: the history's size bounds them.
   */
  preload(events: readonly StoreEvent[]): void {
    if (events.length === 0) return;
    this.queue = [...events, ...(this.queue ?? [])];
    this.queueLimit += events.length;
  }

  /** Hub side: the hub already dropped its reference. */
  detach(): void {
    this.registry = null;
    this.removed = true;
  }
}
