/** The data shapes of etcd's v2 API as the client hands them out. */

/** One node of the v2 key tree. */
export interface EtcdNode {
  /** Absolute key; '' for the root, which the server sends without a key. */
  key: string;
  /** Present for keys (possibly ''); absent for directories and for delete/expire event nodes. */
  value?: string;
  dir: boolean;
  /** RFC 3339 expiration time, when the node has a TTL. */
  expiration?: string;
  /** Remaining seconds to live, when the node has a TTL. */
  ttl?: number;
  /** Children of a directory (absent when the directory is empty or was not listed). */
  nodes?: EtcdNode[];
  modifiedIndex: number;
  createdIndex: number;
}

export type EtcdAction =
  | 'get'
  | 'set'
  | 'create'
  | 'update'
  | 'delete'
  | 'compareAndSwap'
  | 'compareAndDelete'
  | 'expire';

/** A successful keys reply (also what a watch delivers). */
export interface EtcdResponse {
  action: EtcdAction;
  node: EtcdNode;
  prevNode?: EtcdNode;
  /** X-Etcd-Index: the store index when the reply was made. */
  etcdIndex: number;
  /** X-Raft-Index (0 when the server did not send it). */
  raftIndex: number;
  /** X-Raft-Term (0 when the server did not send it). */
  raftTerm: number;
}

/** A cluster member as /v2/members describes it. */
export interface Member {
  /** Hex member ID. */
  id: string;
  /** '' for a member that was added but has not started yet. */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

export interface VersionInfo {
  etcdserver: string;
  etcdcluster: string;
}

export interface HealthInfo {
  healthy: boolean;
}

/** JSON of /v2/stats/self, /v2/stats/leader and /v2/stats/store, as sent. */
export type StatsDocument = { [field: string]: unknown };

/** TLS material: file paths or the PEM contents themselves. */
export interface TlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Server name to verify instead of the endpoint's host name. */
  serverName?: string;
}

export interface EtcdClientOptions {
  /** Client URLs such as http://127.0.0.1:2379 (a missing scheme means http). */
  endpoints: string[];
  /** Bound on each single HTTP exchange up to the response headers (not applied to watches). Default 5000 ms; 0 = none. */
  requestTimeoutMs?: number;
  /** Default bound on a whole call across all endpoints it tries (not applied to watches). Default none. */
  totalTimeoutMs?: number;
  tls?: TlsOptions;
  /** HTTP basic authentication. */
  username?: string;
  password?: string;
  /** Called before every HTTP attempt (each endpoint tried), e.g. to log the requests. */
  onRequest?: (request: OutgoingRequest) => void;
}

/** An HTTP request as the client is about to send it. */
export interface OutgoingRequest {
  method: string;
  /** Full URL: endpoint, escaped path and query. */
  url: string;
  /** Request body, when there is one. */
  body?: string;
}

/** Options every call accepts. */
export interface CallOptions {
  /** Bound on this call across every endpoint it tries; overrides the client's totalTimeoutMs. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface GetOptions extends CallOptions {
  recursive?: boolean;
  sorted?: boolean;
  quorum?: boolean;
}

export interface SetOptions extends CallOptions {
  /** Seconds to live; absent means permanent. */
  ttl?: number;
  prevValue?: string;
  /** Compare against modifiedIndex; 0 or absent means no index condition. */
  prevIndex?: number;
  /** true: the node must exist; false: it must not. */
  prevExist?: boolean;
  dir?: boolean;
  /** Change only the TTL (value must be empty); watchers are not notified. */
  refresh?: boolean;
}

export interface TtlOptions extends CallOptions {
  ttl?: number;
}

export interface CreateInOrderOptions extends CallOptions {
  ttl?: number;
  dir?: boolean;
}

export interface DeleteOptions extends CallOptions {
  recursive?: boolean;
  dir?: boolean;
  prevValue?: string;
  prevIndex?: number;
}

export interface CompareOptions extends CallOptions {
  prevValue?: string;
  prevIndex?: number;
}

export interface CompareAndSwapOptions extends CompareOptions {
  ttl?: number;
}

export interface WatchOptions {
  recursive?: boolean;
  /** Deliver events with an index greater than this one (0 or absent: only changes from now on). */
  afterIndex?: number;
  /** Keep watching after a dropped connection or a failed endpoint (default true). */
  resumeOnError?: boolean;
  /** Upper bound on the pause between reconnection attempts (default 1000 ms). */
  maxRetryDelayMs?: number;
  signal?: AbortSignal;
  /**
   * Only changes at most this many levels below the watched key (1: its children). Flotilla
   * narrows the watch on the server (`level`); against etcd, which has no such parameter, the
   * watcher skips the other events itself. Either way the next wait index moves past them.
   */
  level?: number;
  /** Only changes with these actions (`filter` on Flotilla; skipped by the watcher against etcd). */
  actions?: readonly EtcdAction[];
  /**
   * Flotilla ends each long poll that saw no change after this many ms (its opt-in `waitTimeout`)
   * and the watcher polls again from the same index, so a connection that died unnoticed is
   * replaced within that time. etcd ignores it and holds the poll open.
   */
  pollTimeoutMs?: number;
}
