/** The etcd server's configuration, after flags, environment and defaults have been resolved. */

export interface TlsFiles {
  readonly certFile?: string;
  readonly keyFile?: string;
  /** CA that client (or peer) certificates must chain to. */
  readonly trustedCaFile?: string;
  /** Require and verify a certificate from every client (or peer). */
  readonly clientCertAuth: boolean;
}

export interface ServerConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly walDir?: string;
  readonly snapshotCount: number;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  readonly listenClientUrls: readonly URL[];
  readonly advertiseClientUrls: readonly URL[];
  readonly listenPeerUrls: readonly URL[];
  readonly initialAdvertisePeerUrls: readonly URL[];
  /** Members of the initial cluster: name → peer URLs. */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  /**
   * 0.4's `-peers`: when joining (`initialClusterState` existing), a member the cluster does not
   * list yet asks it to add this member first (POST /v2/members on a member's client URL).
   */
  readonly joinByPeers?: boolean;
  /** CORS origins allowed on the client port (`*` for any); empty = no CORS headers. */
  readonly cors: readonly string[];
  readonly clientTls: TlsFiles;
  readonly peerTls: TlsFiles;
  /**
   * Largest accepted client request body, in bytes, when `--max-request-bytes` is given; otherwise
   * the HTTP layer's default (10 MiB, the form limit etcd 3.4's v2 API applies).
   */
  readonly maxRequestBytes?: number;
  /**
   * `--initial-election-tick-advance` (default true): once connected to its peers at start, a member
   * fast-forwards its election clock to two ticks short of the election timeout, so a fresh cluster
   * elects its first leader without waiting out a whole timeout.
   */
  readonly initialElectionTickAdvance?: boolean;
  /**
   * Flotilla's `--event-history`: how many of the latest events a watch can start from (`waitIndex`)
   * before it gets 401 "event index cleared". etcd keeps 1000, the default.
   */
  readonly eventHistory?: number;
  /** Flotilla's `--linearizable-reads`: every read that is not a watch goes through a quorum read. */
  readonly linearizableReads?: boolean;
  /** Skip fsync of the write-ahead log (unsafe; for tests only, as etcd's --unsafe-no-fsync). */
  readonly unsafeNoFsync: boolean;
}
