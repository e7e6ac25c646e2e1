/**
 * The store's input and output shapes.
 *
 * `StoreRequest` is one validated write, exactly as it is written to the log and replayed: plain JSON,
 * no functions, no dates. Applying the same sequence of requests to a fresh store always gives the
 * same tree, the same indexes and the same events.
 *
 * `time` is the proposer's wall clock in milliseconds since the epoch (fractions allowed, so
 * expirations keep sub-millisecond digits). A write with `ttl` gets `expiration = time + ttl s`; the
 * node fields `ttl` of the resulting event are reckoned against the same `time`.
 */

interface WriteBase {
  /** Cleaned absolute key path, e.g. `/a/b`. */
  readonly key: string;
  /** Proposer's clock, ms since the epoch. */
  readonly time: number;
}

interface TtlFields {
  /** Seconds to live; null means permanent (a write without ttl makes the node permanent). */
  readonly ttl: number | null;
  /** Keep the current value and only change the TTL; watchers are not woken. */
  readonly refresh?: boolean;
}

/** PUT without conditions: create or replace a key, or create a directory. */
export interface SetRequest extends WriteBase, TtlFields {
  readonly op: 'set';
  readonly value: string;
  readonly dir: boolean;
}

/** PUT prevExist=false, or POST (`unique`: the new node is named after its own index). */
export interface CreateRequest extends WriteBase {
  readonly op: 'create';
  readonly value: string;
  readonly dir: boolean;
  readonly unique: boolean;
  readonly ttl: number | null;
}

/** PUT prevExist=true without other conditions. */
export interface UpdateRequest extends WriteBase, TtlFields {
  readonly op: 'update';
  readonly value: string;
}

export interface CompareAndSwapRequest extends WriteBase, TtlFields {
  readonly op: 'compareAndSwap';
  readonly value: string;
  /** '' means no value condition. */
  readonly prevValue: string;
  /** 0 means no index condition. */
  readonly prevIndex: number;
}

export interface DeleteRequest extends WriteBase {
  readonly op: 'delete';
  readonly dir: boolean;
  readonly recursive: boolean;
}

export interface CompareAndDeleteRequest extends WriteBase {
  readonly op: 'compareAndDelete';
  readonly prevValue: string;
  readonly prevIndex: number;
}

/** Expire every node whose expiration is at or before `time`. */
export interface SyncRequest {
  readonly op: 'sync';
  readonly time: number;
}

export type StoreRequest =
  | SetRequest
  | CreateRequest
  | UpdateRequest
  | CompareAndSwapRequest
  | DeleteRequest
  | CompareAndDeleteRequest
  | SyncRequest;

export type StoreAction =
  | 'get'
  | 'set'
  | 'create'
  | 'update'
  | 'compareAndSwap'
  | 'delete'
  | 'compareAndDelete'
  | 'expire';

/** A node as the v2 API shows it; fields are written in this order, absent ones left out. */
export interface NodeJSON {
  /** Absent only for the root. */
  key?: string;
  /** Present for keys (even when ''), absent for directories and removal events. */
  value?: string;
  dir?: true;
  /** RFC 3339 with nanoseconds, UTC. */
  expiration?: string;
  /** Remaining seconds, rounded up; absent when 0. */
  ttl?: number;
  /** Visible children of a directory in a get; absent when there are none. */
  nodes?: NodeJSON[];
  /** Absent when 0 (the root). */
  modifiedIndex?: number;
  createdIndex?: number;
}

export interface StoreEvent {
  readonly action: StoreAction;
  readonly node: NodeJSON;
  readonly prevNode?: NodeJSON;
  /**
   * The etcd index this event is reported with: for a write the index it got, for a get the store's
   * current index.
   */
  readonly index: number;
  /** A TTL refresh: kept in the history for index bookkeeping, never delivered to watchers. */
  readonly refresh?: boolean;
}

/** Every request that is not the expiry sweep. */
export type WriteRequest = Exclude<StoreRequest, SyncRequest>;
