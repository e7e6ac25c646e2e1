/** The text `etcd --help` (or `-h`) prints: the flags Flotilla's etcd acts on, with their defaults. */

interface Entry {
  readonly flag: string;
  readonly what: string;
}

const GROUPS: readonly (readonly [string, readonly Entry[]])[] = [
  ['Member', [
    { flag: "--name 'default'", what: 'Name of this member, unique in its cluster.' },
    { flag: "--data-dir '${name}.etcd'", what: 'Directory holding the write-ahead log and the snapshots.' },
    { flag: "--wal-dir ''", what: 'A separate directory for the write-ahead log.' },
    { flag: "--snapshot-count '100000'", what: 'Applied entries between two snapshots of the store.' },
    { flag: "--heartbeat-interval '100'", what: "Milliseconds between the leader's heartbeats." },
    { flag: "--election-timeout '1000'", what: 'Milliseconds without a heartbeat before a follower campaigns (at least 5 heartbeats).' },
    { flag: "--initial-election-tick-advance 'true'", what: 'At start, with peers connected, campaign two ticks before the timeout.' },
    { flag: "--listen-client-urls 'http://localhost:2379,http://localhost:4001'", what: 'URLs to serve clients on.' },
    { flag: "--listen-peer-urls 'http://localhost:2380,http://localhost:7001'", what: 'URLs to serve the other members on.' },
    { flag: "--max-request-bytes '10485760'", what: 'Largest client request body accepted, in bytes.' },
    { flag: "--cors '*'", what: 'Origins allowed to make cross-origin requests, comma-separated.' },
  ]],
  ['Clustering', [
    { flag: "--advertise-client-urls 'http://localhost:2379,http://localhost:4001'", what: 'Client URLs this member announces to the cluster.' },
    { flag: "--initial-advertise-peer-urls 'http://localhost:2380,http://localhost:7001'", what: 'Peer URLs this member announces to the cluster.' },
    { flag: "--initial-cluster 'default=http://localhost:2380,default=http://localhost:7001'", what: 'The members a new cluster starts with, as name=peerURL pairs.' },
    { flag: "--initial-cluster-state 'new'", what: "'new' to start a cluster, 'existing' to join one." },
    { flag: "--initial-cluster-token 'etcd-cluster'", what: 'Token that tells this cluster apart from others started with the same members.' },
  ]],
  ['Security', [
    { flag: '--cert-file, --key-file', what: 'Certificate and key to serve clients over TLS.' },
    { flag: '--client-cert-auth', what: 'Require a client certificate signed by --trusted-ca-file.' },
    { flag: '--trusted-ca-file', what: 'CA that client certificates must be signed by.' },
    { flag: '--peer-cert-file, --peer-key-file', what: 'Certificate and key for the peer port, as server and as client.' },
    { flag: '--peer-client-cert-auth', what: 'Require a peer certificate signed by --peer-trusted-ca-file.' },
    { flag: '--peer-trusted-ca-file', what: 'CA that peer certificates must be signed by.' },
    { flag: '-ca-file, -cert-file, -key-file, -peer-ca-file, -peer-cert-file, -peer-key-file', what: 'The same files by their etcd 0.4 names (a CA file also requires client certificates).' },
  ]],
  ['etcd 0.4 (any of these switches on standby mode and the removal of peers)', [
    { flag: '-addr, -bind-addr', what: 'Advertised and listening client address (host:port).' },
    { flag: '-peer-addr, -peer-bind-addr', what: 'Advertised and listening peer address (host:port).' },
    { flag: '-peers, -peers-file', what: 'Peers to join, comma-separated or from a file.' },
    { flag: '-cluster-active-size, -cluster-remove-delay, -cluster-sync-interval', what: 'Seed values of /v2/admin/config for a new cluster.' },
  ]],
  ['Flotilla', [
    { flag: '--event-history N', what: "Events kept for watches that start in the past (default 1000, as etcd's)." },
    { flag: "--linearizable-reads 'false'", what: 'Serve every read that is not a watch as a quorum read, as if it had quorum=true.' },
  ]],
  ['Other', [
    { flag: '--version', what: 'Print the version and exit.' },
    { flag: '-h, --help', what: 'Print this text and exit.' },
    { flag: '--unsafe-no-fsync', what: 'Do not fsync the log (tests only: acknowledged writes can be lost).' },
  ]],
];

export function etcdUsage(): string {
  const lines = [
    'Usage:',
    '',
    '  etcd [flags]',
    '    Start an etcd server: the v2 keys API on the client URLs, Raft with the other members on the peer URLs.',
    '',
    'Every flag can also be given as an ETCD_* environment variable (--data-dir as ETCD_DATA_DIR).',
    'etcd 3.4 flags that Flotilla does not use (--enable-v2, --logger, ...) are accepted and ignored.',
  ];
  for (const [title, entries] of GROUPS) {
    lines.push('', `${title}:`);
    for (const e of entries) lines.push(`  ${e.flag}`, `    ${e.what}`);
  }
  return `${lines.join('\n')}\n`;
}
