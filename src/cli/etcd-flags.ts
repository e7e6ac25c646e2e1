/**
 * etcd's command line: the 2.x/3.4 flags (`--name`, `--listen-client-urls`, ...), the 0.4 flags
 * (`-addr`, `-peer-addr`, `-peers`, ...), their `ETCD_*` environment variables, and the defaults.
 */
import { readFileSync } from 'node:fs';
import { FlagError, FlagSet, type FlagDef, type FlagKind, type ParsedFlags } from '../go/flags.js';
import type { ServerConfig } from '../etcdserver/config.js';
import type { AdminConfigUpdate } from '../etcdserver/admin-config.js';

function envName(flag: string): string {
  return 'ETCD_' + flag.toUpperCase().replace(/-/g, '_');
}

function flag(name: string, kind: FlagKind, extra: { aliases?: string[]; env?: string | null; default?: boolean } = {}): FlagDef {
  const env = extra.env === null ? undefined : (extra.env ?? envName(name));
  return { name, kind, aliases: extra.aliases, env, default: extra.default };
}

/** Flags that Flotilla acts on. */
const USED: FlagDef[] = [
  flag('name', 'string', { aliases: ['n'] }),
  flag('data-dir', 'string', { aliases: ['d'] }),
  flag('wal-dir', 'string'),
  flag('snapshot-count', 'uint', { aliases: ['snapshotCount'] }),
  flag('heartbeat-interval', 'uint', { aliases: ['peer-heartbeat-interval', 'peer-heartbeat-timeout'] }),
  flag('election-timeout', 'uint', { aliases: ['peer-election-timeout'] }),
  flag('listen-client-urls', 'string'),
  flag('advertise-client-urls', 'string'),
  flag('listen-peer-urls', 'string'),
  flag('initial-advertise-peer-urls', 'string'),
  flag('initial-cluster', 'string'),
  flag('initial-cluster-state', 'string'),
  flag('initial-cluster-token', 'string'),
  flag('cors', 'string', { env: 'ETCD_CORS' }),
  flag('cert-file', 'string', { aliases: ['serverCert'] }),
  flag('key-file', 'string', { aliases: ['serverKey'] }),
  flag('client-cert-auth', 'bool'),
  flag('trusted-ca-file', 'string'),
  flag('ca-file', 'string', { aliases: ['serverCAFile'] }),
  flag('peer-cert-file', 'string', { aliases: ['clientCert'] }),
  flag('peer-key-file', 'string', { aliases: ['clientKey'] }),
  flag('peer-client-cert-auth', 'bool'),
  flag('peer-trusted-ca-file', 'string'),
  flag('peer-ca-file', 'string', { aliases: ['clientCAFile'] }),
  flag('max-request-bytes', 'uint'),
  flag('event-history', 'uint'),
  flag('linearizable-reads', 'bool'),
  flag('unsafe-no-fsync', 'bool'),
  flag('initial-election-tick-advance', 'bool', { default: true }),
  flag('version', 'bool'),
  flag('help', 'bool', { aliases: ['h'], env: null }),
  // 0.4 addressing
  flag('addr', 'string', { aliases: ['c'] }),
  flag('bind-addr', 'string', { aliases: ['cl'] }),
  flag('peer-addr', 'string', { aliases: ['s'] }),
  flag('peer-bind-addr', 'string', { aliases: ['sl'] }),
  flag('peers', 'string', { aliases: ['C'] }),
  flag('peers-file', 'string', { aliases: ['CF'] }),
  // 0.4 cluster configuration, seeded once into a new cluster's admin configuration
  flag('cluster-active-size', 'int'),
  flag('cluster-remove-delay', 'string'),
  flag('cluster-sync-interval', 'string'),
];

/**
 * Flags only etcd 0.4 had (etcd 3.4 rejects every one of them). Any of them on the command line, or
 * its `ETCD_*` variable in the environment, switches on 0.4 mode: standby mode and the leader's
 * removal of peers. A 3.4 command line never does.
 */
export const LEGACY_MODE_FLAGS: readonly string[] = [
  'addr', 'bind-addr', 'peer-addr', 'peer-bind-addr', 'peers', 'peers-file',
  'cluster-active-size', 'cluster-remove-delay', 'cluster-sync-interval',
];

const IGNORED_STRING = [
  'listen-metrics-urls', 'quota-backend-bytes', 'backend-batch-limit', 'backend-batch-interval',
  'backend-bbolt-freelist-type', 'max-txn-ops', 'grpc-keepalive-min-time', 'grpc-keepalive-interval',
  'grpc-keepalive-timeout', 'discovery', 'discovery-fallback', 'discovery-proxy', 'discovery-srv',
  'discovery-srv-name', 'auto-compaction-retention', 'auto-compaction-mode', 'proxy',
  'proxy-failure-wait', 'proxy-refresh-interval', 'proxy-dial-timeout', 'proxy-write-timeout',
  'proxy-read-timeout', 'client-crl-file', 'client-cert-allowed-hostname', 'peer-crl-file',
  'peer-cert-allowed-cn', 'peer-cert-allowed-hostname', 'cipher-suites', 'host-whitelist',
  'auth-token', 'bcrypt-cost', 'logger', 'log-outputs', 'log-level', 'log-package-levels',
  'config-file', 'config', 'max-snapshots', 'max-wals',
  'self-signed-cert-validity', 'tls-min-version', 'tls-max-version',
  'experimental-corrupt-check-time', 'experimental-compaction-batch-limit',
  'experimental-watch-progress-notify-interval', 'experimental-backend-bbolt-freelist-type',
  'experimental-warning-apply-duration', 'experimental-memory-mlock', 'experimental-txn-mode-write-with-shared-buffer',
  'experimental-bootstrap-defrag-threshold-megabytes', 'experimental-snapshot-catchup-entries',
  'experimental-compact-hash-check-time', 'experimental-downgrade-check-time',
  'experimental-distributed-tracing-address', 'experimental-distributed-tracing-service-name',
  'experimental-distributed-tracing-instance-id', 'experimental-distributed-tracing-sampling-rate',
  'experimental-max-learners', 'experimental-wait-cluster-ready-timeout',
  // 0.4 settings accepted for compatibility
  'max-result-buffer',
  'max-retry-attempts', 'retry-interval', 'http-read-timeout', 'http-write-timeout', 'cpuprofile',
  'graphite-host', 'max-cluster-size', 'maxsize', 'r', 'm',
];
const IGNORED_BOOL = [
  'enable-v2', 'enable-v2v3', 'strict-reconfig-check', 'pre-vote', 'auto-tls', 'peer-auto-tls',
  'enable-pprof', 'metrics', 'debug', 'force-new-cluster', 'enable-grpc-gateway', 'socket-reuse-port',
  'socket-reuse-address', 'experimental-initial-corrupt-check', 'experimental-enable-v2v3',
  'experimental-enable-lease-checkpoint', 'experimental-peer-skip-client-san-verification',
  'experimental-enable-distributed-tracing', 'experimental-compact-hash-check-enabled',
  'experimental-enable-lease-checkpoint-persist', 'experimental-stop-grpc-service-on-defrag',
  'snapshot', 'v', 'vv', 'force', 'f', 'trace',
];

export const ETCD_FLAGS = new FlagSet([
  ...USED,
  ...IGNORED_STRING.map((n) => flag(n, 'string', { env: null })),
  ...IGNORED_BOOL.map((n) => flag(n, 'bool', { env: null })),
]);

/** Defaults of etcd 2.x, which still listened on the 0.4 ports too. */
const DEFAULT_CLIENT_URLS = 'http://localhost:2379,http://localhost:4001';
const DEFAULT_PEER_URLS = 'http://localhost:2380,http://localhost:7001';
/**
 * Applied entries between two snapshots: etcd 3.4's default. (etcd 2.x and 0.4 snapshotted every
 * 10,000; under a steady write load that is a whole-store snapshot on every member each second or
 * so, and etcd raised it in 3.2.)
 */
const DEFAULT_SNAPSHOT_COUNT = 100_000;
/** The largest `--event-history` (a million small events take a few hundred MiB). */
const MAX_EVENT_HISTORY = 1_000_000;

/** etcd 0.4's cluster behaviour, on only when the command line asks for it the 0.4 way. */
export interface LegacyMode {
  /** Standby mode and the leader's removal of peers run only when true. */
  readonly enabled: boolean;
  /** The 0.4 flags that switched it on (empty when off). */
  readonly because: readonly string[];
  /** `-cluster-*` values to put into the admin configuration of a new cluster (empty when none). */
  readonly seed: AdminConfigUpdate;
  /** Peer URLs from `-peers`/`-peers-file` other than this machine's own. */
  readonly seedPeerURLs: readonly string[];
}

export type EtcdCommand =
  | { readonly kind: 'version' }
  | { readonly kind: 'help' }
  | { readonly kind: 'serve'; readonly config: ServerConfig; readonly legacy: LegacyMode; readonly warnings: readonly string[] };

/** A string flag's value when given (command line or environment). */
function str(flags: ParsedFlags, name: string): string | undefined {
  return flags.isSet(name) ? flags.string(name) : undefined;
}
/** A number flag's value when given (command line or environment). */
function num(flags: ParsedFlags, name: string): number | undefined {
  return flags.isSet(name) ? flags.number(name) : undefined;
}
function bool(flags: ParsedFlags, name: string): boolean {
  return flags.bool(name);
}

function parseUrls(text: string, flagName: string): URL[] {
  const urls: URL[] = [];
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new FlagError(`invalid value "${text}" for flag -${flagName}: URL "${trimmed}" is not valid`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FlagError(`invalid value "${text}" for flag -${flagName}: URL scheme must be http or https: ${trimmed}`);
    }
    if (url.port === '') {
      throw new FlagError(`invalid value "${text}" for flag -${flagName}: URL address does not have the form "host:port": ${trimmed}`);
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
      throw new FlagError(`invalid value "${text}" for flag -${flagName}: URL must not contain a path: ${trimmed}`);
    }
    urls.push(url);
  }
  if (urls.length === 0) throw new FlagError(`invalid value "${text}" for flag -${flagName}: no URL given`);
  return urls;
}

/** `host:port` (0.4 style) → a URL with the given scheme. */
function hostPortUrl(hostPort: string, scheme: string, flagName: string): URL {
  const text = hostPort.includes('://') ? hostPort : `${scheme}://${hostPort}`;
  return parseUrls(text, flagName)[0]!;
}

function parseInitialCluster(text: string): Map<string, string[]> {
  const cluster = new Map<string, string[]>();
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`invalid value "${text}" for flag -initial-cluster: "${part}" is not name=url`);
    const name = part.slice(0, eq).trim();
    const url = parseUrls(part.slice(eq + 1), 'initial-cluster')[0]!;
    const list = cluster.get(name) ?? [];
    list.push(url.toString().replace(/\/$/, ''));
    cluster.set(name, list);
  }
  return cluster;
}

/** Resolves argv and the environment into a command, throwing FlagError on any bad input. */
export function parseEtcdCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): EtcdCommand {
  const parsed = ETCD_FLAGS.parse(argv, env);
  if (parsed.rest.length > 0) throw new FlagError(`'${parsed.rest[0]}' is not a valid flag`);
  const v = parsed;
  if (bool(v, 'help')) return { kind: 'help' };
  if (bool(v, 'version')) return { kind: 'version' };
  const warnings: string[] = [];

  const name = str(v, 'name') ?? 'default';
  if (name === '') throw new FlagError('invalid value "" for flag -name: the name must not be empty');
  const dataDir = str(v, 'data-dir') || `${name}.etcd`;

  const certFile = str(v, 'cert-file');
  const keyFile = str(v, 'key-file');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new FlagError('both -cert-file and -key-file must be given to serve TLS on the client port');
  }
  const peerCertFile = str(v, 'peer-cert-file');
  const peerKeyFile = str(v, 'peer-key-file');
  if ((peerCertFile === undefined) !== (peerKeyFile === undefined)) {
    throw new FlagError('both -peer-cert-file and -peer-key-file must be given to serve TLS on the peer port');
  }
  const caFile = str(v, 'ca-file');
  const trustedCa = str(v, 'trusted-ca-file') ?? caFile;
  const clientCertAuth = bool(v, 'client-cert-auth') || caFile !== undefined;
  if (clientCertAuth && trustedCa === undefined) {
    throw new FlagError('-client-cert-auth needs -trusted-ca-file');
  }
  const peerCaFile = str(v, 'peer-ca-file');
  const peerTrustedCa = str(v, 'peer-trusted-ca-file') ?? peerCaFile;
  const peerClientCertAuth = bool(v, 'peer-client-cert-auth') || peerCaFile !== undefined;
  if (peerClientCertAuth && peerTrustedCa === undefined) {
    throw new FlagError('-peer-client-cert-auth needs -peer-trusted-ca-file');
  }
  const clientScheme = certFile ? 'https' : 'http';
  const peerScheme = peerCertFile ? 'https' : 'http';

  // Client URLs: 2.x flags first, then the 0.4 -addr/-bind-addr pair, then the defaults.
  let listenClientUrls: URL[];
  let advertiseClientUrls: URL[];
  const lcu = str(v, 'listen-client-urls');
  const acu = str(v, 'advertise-client-urls');
  const addr = str(v, 'addr');
  const bindAddr = str(v, 'bind-addr');
  if (lcu !== undefined) {
    if (addr !== undefined || bindAddr !== undefined) {
      throw new FlagError('-addr and -bind-addr cannot be combined with -listen-client-urls');
    }
    listenClientUrls = parseUrls(lcu, 'listen-client-urls');
    if (acu === undefined) {
      throw new FlagError('-advertise-client-urls is required when -listen-client-urls is set explicitly');
    }
    advertiseClientUrls = parseUrls(acu, 'advertise-client-urls');
  } else if (addr !== undefined || bindAddr !== undefined) {
    const advertised = hostPortUrl(addr ?? '127.0.0.1:4001', clientScheme, 'addr');
    const bind = bindAddr === undefined ? advertised : bindAddr.includes(':')
      ? hostPortUrl(bindAddr, clientScheme, 'bind-addr')
      : hostPortUrl(`${bindAddr}:${advertised.port}`, clientScheme, 'bind-addr');
    listenClientUrls = [bind];
    advertiseClientUrls = acu !== undefined ? parseUrls(acu, 'advertise-client-urls') : [advertised];
  } else {
    const defaults = DEFAULT_CLIENT_URLS.replace(/http:/g, `${clientScheme}:`);
    listenClientUrls = parseUrls(defaults, 'listen-client-urls');
    advertiseClientUrls = acu !== undefined ? parseUrls(acu, 'advertise-client-urls') : parseUrls(defaults, 'advertise-client-urls');
  }

  let listenPeerUrls: URL[];
  let initialAdvertisePeerUrls: URL[];
  const lpu = str(v, 'listen-peer-urls');
  const iapu = str(v, 'initial-advertise-peer-urls');
  const peerAddr = str(v, 'peer-addr');
  const peerBindAddr = str(v, 'peer-bind-addr');
  if (lpu !== undefined) {
    listenPeerUrls = parseUrls(lpu, 'listen-peer-urls');
    initialAdvertisePeerUrls = iapu !== undefined ? parseUrls(iapu, 'initial-advertise-peer-urls') : listenPeerUrls;
  } else if (peerAddr !== undefined || peerBindAddr !== undefined) {
    const advertised = hostPortUrl(peerAddr ?? '127.0.0.1:7001', peerScheme, 'peer-addr');
    const bind = peerBindAddr === undefined ? advertised : peerBindAddr.includes(':')
      ? hostPortUrl(peerBindAddr, peerScheme, 'peer-bind-addr')
      : hostPortUrl(`${peerBindAddr}:${advertised.port}`, peerScheme, 'peer-bind-addr');
    listenPeerUrls = [bind];
    initialAdvertisePeerUrls = iapu !== undefined ? parseUrls(iapu, 'initial-advertise-peer-urls') : [advertised];
  } else {
    const defaults = DEFAULT_PEER_URLS.replace(/http:/g, `${peerScheme}:`);
    listenPeerUrls = parseUrls(defaults, 'listen-peer-urls');
    initialAdvertisePeerUrls = iapu !== undefined ? parseUrls(iapu, 'initial-advertise-peer-urls') : parseUrls(defaults, 'initial-advertise-peer-urls');
  }

  const ic = str(v, 'initial-cluster');
  const initialCluster = ic !== undefined
    ? parseInitialCluster(ic)
    : new Map([[name, initialAdvertisePeerUrls.map((u) => u.toString().replace(/\/$/, ''))]]);
  if (!initialCluster.has(name)) {
    throw new FlagError(`couldn't find local name "${name}" in the initial cluster configuration`);
  }

  // 0.4: a machine started with -peers joins the cluster those peers form (it asks them to add it).
  const peersText = str(v, 'peers') ?? (str(v, 'peers-file') !== undefined ? readPeersFile(str(v, 'peers-file')!) : undefined);
  let joinByPeers = false;
  const seedPeerURLs: string[] = [];
  if (peersText !== undefined && peersText.trim() !== '') {
    const own = new Set(initialAdvertisePeerUrls.map((u) => u.toString().replace(/\/$/, '')));
    for (const p of peersText.split(',')) {
      if (p.trim() === '') continue;
      const url = hostPortUrl(p.trim(), peerScheme, 'peers').toString().replace(/\/$/, '');
      if (own.has(url)) continue;
      if (!seedPeerURLs.includes(url)) seedPeerURLs.push(url);
      const key = `peer-${url}`;
      if (!initialCluster.has(key)) initialCluster.set(key, [url]);
      joinByPeers = true;
    }
  }

  const state = str(v, 'initial-cluster-state') ?? (joinByPeers ? 'existing' : 'new');
  if (state !== 'new' && state !== 'existing') {
    throw new FlagError(`invalid value "${state}" for flag -initial-cluster-state: valid values include new,existing`);
  }

  const heartbeatMs = num(v, 'heartbeat-interval') ?? 100;
  const electionMs = num(v, 'election-timeout') ?? 1000;
  if (heartbeatMs <= 0) throw new FlagError('-heartbeat-interval must be greater than zero');
  if (electionMs < 5 * heartbeatMs) {
    throw new FlagError(`-election-timeout[${electionMs}ms] should be at least as 5 times as -heartbeat-interval[${heartbeatMs}ms]`);
  }

  const eventHistory = num(v, 'event-history');
  if (eventHistory !== undefined && (eventHistory < 1 || eventHistory > MAX_EVENT_HISTORY)) {
    throw new FlagError(`-event-history must be between 1 and ${MAX_EVENT_HISTORY}, not ${eventHistory}`);
  }

  const seed: { activeSize?: number; removeDelay?: number; syncInterval?: number } = {};
  const activeSize = num(v, 'cluster-active-size');
  if (activeSize !== undefined) seed.activeSize = activeSize;
  const removeDelay = seconds(str(v, 'cluster-remove-delay'), 'cluster-remove-delay');
  if (removeDelay !== undefined) seed.removeDelay = removeDelay;
  const syncInterval = seconds(str(v, 'cluster-sync-interval'), 'cluster-sync-interval');
  if (syncInterval !== undefined) seed.syncInterval = syncInterval;
  const because = LEGACY_MODE_FLAGS.filter((f) => v.isSet(f));
  const legacy: LegacyMode = { enabled: because.length > 0, because, seed, seedPeerURLs };

  // etcd 3.4 allows every origin unless --cors names some.
  const cors = (str(v, 'cors') ?? '*').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    kind: 'serve',
    warnings,
    legacy,
    config: {
      name,
      dataDir,
      walDir: str(v, 'wal-dir') || undefined,
      snapshotCount: num(v, 'snapshot-count') ?? DEFAULT_SNAPSHOT_COUNT,
      heartbeatMs,
      electionMs,
      listenClientUrls,
      advertiseClientUrls,
      listenPeerUrls,
      initialAdvertisePeerUrls,
      initialCluster,
      initialClusterState: state,
      joinByPeers,
      initialClusterToken: str(v, 'initial-cluster-token') ?? 'etcd-cluster',
      cors,
      clientTls: { certFile, keyFile, trustedCaFile: trustedCa, clientCertAuth },
      peerTls: { certFile: peerCertFile, keyFile: peerKeyFile, trustedCaFile: peerTrustedCa, clientCertAuth: peerClientCertAuth },
      maxRequestBytes: num(v, 'max-request-bytes'),
      eventHistory,
      linearizableReads: bool(v, 'linearizable-reads'),
      unsafeNoFsync: bool(v, 'unsafe-no-fsync'),
      initialElectionTickAdvance: bool(v, 'initial-election-tick-advance'),
    },
  };
}

/** A 0.4 float64 flag in seconds (`-cluster-remove-delay 30`, `-cluster-sync-interval 0.5`). */
function seconds(text: string | undefined, flagName: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new FlagError(`invalid value "${text}" for flag -${flagName}: parse error`);
  }
  return n;
}

function readPeersFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new FlagError(`cannot read -peers-file ${path}: ${(err as Error).message}`);
  }
}
