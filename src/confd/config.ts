/**
 * confd's settings: command-line flags (Go `flag` rules, repeatable `-node`/`-file`), then
 * confd.toml decoded on top (a key in the file beats the flag, as in confd 0.16.0), then the
 * environment and the derived defaults.
 */
import { FlagError, FlagSet, type FlagDef, type ParsedFlags } from '../go/flags.js';
import { parseTomlLikeGo } from './go-toml.js';

export interface ConfdConfig {
  backend: string;
  nodes: string[];
  prefix: string;
  confdir: string;
  configFile: string;
  interval: number;
  watch: boolean;
  onetime: boolean;
  noop: boolean;
  syncOnly: boolean;
  keepStageFile: boolean;
  logLevel: string;
  clientCert: string;
  clientKey: string;
  clientCaKeys: string;
  clientInsecure: boolean;
  basicAuth: boolean;
  username: string;
  password: string;
  scheme: string;
  srvDomain: string;
  srvRecord: string;
  authToken: string;
  authType: string;
  appId: string;
  userId: string;
  roleId: string;
  secretId: string;
  path: string;
  table: string;
  separator: string;
  file: string[];
  filter: string;
  secretKeyring: string;
  printVersion: boolean;
}

export function defaultConfig(): ConfdConfig {
  return {
    backend: 'etcd',
    nodes: [],
    prefix: '',
    confdir: '/etc/confd',
    configFile: '/etc/confd/confd.toml',
    interval: 600,
    watch: false,
    onetime: false,
    noop: false,
    syncOnly: false,
    keepStageFile: false,
    logLevel: '',
    clientCert: '',
    clientKey: '',
    clientCaKeys: '',
    clientInsecure: false,
    basicAuth: false,
    username: '',
    password: '',
    scheme: 'http',
    srvDomain: '',
    srvRecord: '',
    authToken: '',
    authType: '',
    appId: '',
    userId: '',
    roleId: '',
    secretId: '',
    path: '',
    table: '',
    separator: '',
    file: [],
    filter: '*',
    secretKeyring: '',
    printVersion: false,
  };
}

type Field = keyof ConfdConfig;
type Kind = 'string' | 'bool' | 'int' | 'list';

interface Setting {
  readonly field: Field;
  readonly kind: Kind;
  /** Command-line flag name, when there is one. */
  readonly flag?: string;
  readonly usage?: string;
  /** confd.toml key (exact match). */
  readonly toml?: string;
  /** Go field name (confd.toml keys also match it case-insensitively). */
  readonly goField: string;
}

const SETTINGS: readonly Setting[] = [
  { field: 'appId', kind: 'string', flag: 'app-id', toml: 'app_id', goField: 'AppID', usage: 'Vault app-id to use with the app-id backend (only used with -backend=vault and auth-type=app-id)' },
  { field: 'authToken', kind: 'string', flag: 'auth-token', toml: 'auth_token', goField: 'AuthToken', usage: 'Auth bearer token to use' },
  { field: 'authType', kind: 'string', flag: 'auth-type', toml: 'auth_type', goField: 'AuthType', usage: 'Vault auth backend type to use (only used with -backend=vault)' },
  { field: 'backend', kind: 'string', flag: 'backend', toml: 'backend', goField: 'Backend', usage: 'backend to use' },
  { field: 'basicAuth', kind: 'bool', flag: 'basic-auth', toml: 'basic_auth', goField: 'BasicAuth', usage: 'Use Basic Auth to authenticate (only used with -backend=consul and -backend=etcd)' },
  { field: 'clientCaKeys', kind: 'string', flag: 'client-ca-keys', toml: 'client_cakeys', goField: 'ClientCaKeys', usage: 'client ca keys' },
  { field: 'clientCert', kind: 'string', flag: 'client-cert', toml: 'client_cert', goField: 'ClientCert', usage: 'the client cert' },
  { field: 'clientInsecure', kind: 'bool', flag: 'client-insecure', toml: 'client_insecure', goField: 'ClientInsecure', usage: 'Allow connections to SSL sites without certs (only used with -backend=etcd)' },
  { field: 'clientKey', kind: 'string', flag: 'client-key', toml: 'client_key', goField: 'ClientKey', usage: 'the client key' },
  { field: 'confdir', kind: 'string', flag: 'confdir', toml: 'confdir', goField: 'ConfDir', usage: 'confd conf directory' },
  { field: 'configFile', kind: 'string', flag: 'config-file', goField: 'ConfigFile', usage: 'the confd config file' },
  { field: 'file', kind: 'list', flag: 'file', toml: 'file', goField: 'YAMLFile', usage: 'the YAML file to watch for changes (only used with -backend=file)' },
  { field: 'filter', kind: 'string', flag: 'filter', toml: 'filter', goField: 'Filter', usage: 'files filter (only used with -backend=file)' },
  { field: 'interval', kind: 'int', flag: 'interval', toml: 'interval', goField: 'Interval', usage: 'backend polling interval' },
  { field: 'keepStageFile', kind: 'bool', flag: 'keep-stage-file', goField: 'KeepStageFile', usage: 'keep staged files' },
  { field: 'logLevel', kind: 'string', flag: 'log-level', toml: 'log-level', goField: 'LogLevel', usage: 'level which confd should log messages' },
  { field: 'nodes', kind: 'list', flag: 'node', toml: 'nodes', goField: 'BackendNodes', usage: 'list of backend nodes' },
  { field: 'noop', kind: 'bool', flag: 'noop', toml: 'noop', goField: 'Noop', usage: 'only show pending changes' },
  { field: 'onetime', kind: 'bool', flag: 'onetime', goField: 'OneTime', usage: 'run once and exit' },
  { field: 'password', kind: 'string', flag: 'password', toml: 'password', goField: 'Password', usage: 'the password to authenticate with (only used with vault and etcd backends)' },
  { field: 'path', kind: 'string', flag: 'path', toml: 'path', goField: 'Path', usage: 'Vault mount path of the auth method (only used with -backend=vault)' },
  { field: 'prefix', kind: 'string', flag: 'prefix', toml: 'prefix', goField: 'Prefix', usage: 'key path prefix' },
  { field: 'roleId', kind: 'string', flag: 'role-id', toml: 'role_id', goField: 'RoleID', usage: 'Vault role-id to use with the AppRole, Kubernetes backends (only used with -backend=vault and either auth-type=app-role or auth-type=kubernetes)' },
  { field: 'scheme', kind: 'string', flag: 'scheme', toml: 'scheme', goField: 'Scheme', usage: 'the backend URI scheme for nodes retrieved from DNS SRV records (http or https)' },
  { field: 'secretId', kind: 'string', flag: 'secret-id', toml: 'secret_id', goField: 'SecretID', usage: 'Vault secret-id to use with the AppRole backend (only used with -backend=vault and auth-type=app-role)' },
  { field: 'secretKeyring', kind: 'string', flag: 'secret-keyring', toml: 'secret_keyring', goField: 'SecretKeyring', usage: 'path to armored PGP secret keyring (for use with crypt functions)' },
  { field: 'separator', kind: 'string', flag: 'separator', toml: 'separator', goField: 'Separator', usage: 'the separator to replace \'/\' with when looking up keys in the backend, prefixed \'/\' will also be removed (only used with -backend=redis)' },
  { field: 'srvDomain', kind: 'string', flag: 'srv-domain', toml: 'srv_domain', goField: 'SRVDomain', usage: 'the name of the resource record' },
  { field: 'srvRecord', kind: 'string', flag: 'srv-record', toml: 'srv_record', goField: 'SRVRecord', usage: 'the SRV record to search for backends nodes. Example: _etcd-client._tcp.example.com' },
  { field: 'syncOnly', kind: 'bool', flag: 'sync-only', toml: 'sync-only', goField: 'SyncOnly', usage: 'sync without check_cmd and reload_cmd' },
  { field: 'table', kind: 'string', flag: 'table', toml: 'table', goField: 'Table', usage: 'the name of the DynamoDB table (only used with -backend=dynamodb)' },
  { field: 'userId', kind: 'string', flag: 'user-id', toml: 'user_id', goField: 'UserID', usage: 'Vault user-id to use with the app-id backend (only used with -backend=value and auth-type=app-id)' },
  { field: 'username', kind: 'string', flag: 'username', toml: 'username', goField: 'Username', usage: 'the username to authenticate as (only used with vault and etcd backends)' },
  { field: 'watch', kind: 'bool', flag: 'watch', toml: 'watch', goField: 'Watch', usage: 'enable watch support' },
  { field: 'printVersion', kind: 'bool', flag: 'version', goField: 'PrintVersion', usage: 'print version and exit' },
];

/** A usage error: the message goes to stderr with the usage text, and confd exits with status 2. */
export class ConfdUsageError extends Error {
  override readonly name = 'ConfdUsageError';
}

/** A request for help (-h/-help): usage on stderr, exit status 0. */
export class ConfdHelpRequested extends Error {
  override readonly name = 'ConfdHelpRequested';
}

/** A fatal configuration error (confd logs FATAL and exits 1). */
export class ConfdConfigError extends Error {
  override readonly name = 'ConfdConfigError';
}

/** confd's flags, with their defaults, for Go's flag rules. */
function confdFlagSet(): FlagSet {
  const defaults = defaultConfig();
  const defs: FlagDef[] = [];
  for (const s of SETTINGS) {
    if (s.flag) defs.push({ name: s.flag, kind: s.kind, usage: s.usage, default: defaults[s.field] });
  }
  return new FlagSet(defs);
}

export function usageText(argv0: string): string {
  return `Usage of ${argv0}:\n${confdFlagSet().usage()}`;
}

/** Parses confd's command line into `config` (Go flag rules). Returns the arguments after the flags. */
export function parseFlags(args: readonly string[], config: ConfdConfig): string[] {
  let parsed: ParsedFlags;
  try {
    parsed = confdFlagSet().parse(args);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    if (e.isHelp) throw new ConfdHelpRequested('help requested');
    throw new ConfdUsageError(e.message);
  }
  for (const s of SETTINGS) {
    if (!s.flag || !parsed.fromCommandLine.has(s.flag)) continue;
    switch (s.kind) {
      case 'bool':
        (config[s.field] as boolean) = parsed.bool(s.flag);
        break;
      case 'int':
        (config[s.field] as number) = parsed.number(s.flag);
        break;
      case 'list':
        (config[s.field] as string[]).push(...parsed.list(s.flag));
        break;
      case 'string':
        (config[s.field] as string) = parsed.string(s.flag);
        break;
    }
  }
  return parsed.rest;
}

function findSetting(key: string): Setting | undefined {
  const exact = SETTINGS.find((s) => s.toml === key);
  if (exact) return exact;
  const lower = key.toLowerCase();
  return SETTINGS.find((s) => s.goField.toLowerCase() === lower);
}

function tomlTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'int64' : 'float64';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'datetime';
  return 'table';
}

/** Decodes confd.toml text on top of `config` (keys present in the file win). */
export function applyConfigToml(text: string, config: ConfdConfig): void {
  let doc: Record<string, unknown>;
  try {
    doc = parseTomlLikeGo(text);
  } catch (e) {
    throw new ConfdConfigError(`toml: ${(e as Error).message.split('\n')[0]}`);
  }
  for (const [key, value] of Object.entries(doc)) {
    const s = findSetting(key);
    if (s === undefined) continue;
    const mismatch = (goType: string): never => {
      throw new ConfdConfigError(`toml: cannot load TOML value of type ${tomlTypeName(value)} into a Go ${goType}`);
    };
    switch (s.kind) {
      case 'string':
        if (typeof value !== 'string') mismatch('string');
        (config[s.field] as string) = value as string;
        break;
      case 'bool':
        if (typeof value !== 'boolean') mismatch('bool');
        (config[s.field] as boolean) = value as boolean;
        break;
      case 'int':
        if ((typeof value !== 'number' && typeof value !== 'bigint') || !Number.isInteger(Number(value))) mismatch('int');
        (config[s.field] as number) = Number(value);
        break;
      case 'list':
        if (!Array.isArray(value)) mismatch('slice');
        if (!(value as unknown[]).every((x) => typeof x === 'string')) mismatch('string');
        (config[s.field] as string[]) = [...(value as string[])];
        break;
    }
  }
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'] as const;

/** Default nodes per backend when none are configured. */
export function defaultNodes(backend: string, env: Readonly<Record<string, string | undefined>>): string[] {
  switch (backend) {
    case 'etcd': {
      const peers = env['ETCDCTL_PEERS'];
      if (peers) return peers.split(',');
      return ['http://127.0.0.1:4001'];
    }
    case 'etcdv3':
      return ['127.0.0.1:2379'];
    case 'consul':
      return ['127.0.0.1:8500'];
    case 'redis':
      return ['127.0.0.1:6379'];
    case 'vault':
      return ['http://127.0.0.1:8200'];
    case 'zookeeper':
      return ['127.0.0.1:2181'];
  }
  return [];
}

/** Fills settings still empty from the environment (`CONFD_CLIENT_*`) and the derived SRV record name. */
export function applyEnvironment(config: ConfdConfig, env: Readonly<Record<string, string | undefined>>): void {
  if (config.clientCaKeys === '' && env['CONFD_CLIENT_CAKEYS']) config.clientCaKeys = env['CONFD_CLIENT_CAKEYS'];
  if (config.clientCert === '' && env['CONFD_CLIENT_CERT']) config.clientCert = env['CONFD_CLIENT_CERT'];
  if (config.clientKey === '' && env['CONFD_CLIENT_KEY']) config.clientKey = env['CONFD_CLIENT_KEY'];
  if (config.srvDomain !== '' && config.srvRecord === '') {
    config.srvRecord = `_${config.backend}._tcp.${config.srvDomain}.`;
  }
}
