/**
 * fleetctl's global flags after parsing, with the environment as fleetctl applies it: every
 * persistent flag not given on the command line is taken from `FLEETCTL_<NAME>` (upper case, `-`
 * as `_`) when that variable is set and not empty; a value that does not parse is ignored. Flags
 * that share one variable in fleetctl (`--help`/`--h`, `--key-file`/`--etcd-keyfile`, ...) are
 * folded together here.
 */
import type { FlagDef, ParsedFlags } from '../go/flags.js';
import { parseGoBool } from '../go/strconv.js';
import { CLI_NAME, GLOBAL_FLAGS } from './command-table.js';

export interface GlobalOptions {
  help: boolean;
  debug: boolean;
  version: boolean;
  driver: string;
  endpoint: string;
  /** --endpoint came from the command line or the environment. */
  endpointGiven: boolean;
  etcdKeyPrefix: string;
  keyFile: string;
  certFile: string;
  caFile: string;
  knownHostsFile: string;
  strictHostKeyChecking: boolean;
  sshTimeout: number;
  tunnel: string;
  requestTimeout: number;
  sshUsername: string;
  experimentalApi: boolean;
}

export function envName(flag: string): string {
  return `${CLI_NAME}_${flag.replace(/-/g, '_')}`.toUpperCase();
}

type Value = string | boolean | number;

function parseEnvValue(def: FlagDef, text: string): Value | undefined {
  switch (def.kind) {
    case 'bool': {
      const b = parseGoBool(text);
      return b === null ? undefined : b;
    }
    case 'float': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? undefined : n;
    }
    case 'int':
      return /^[+-]?[0-9]+$/.test(text) ? Number(text) : undefined;
    default:
      return text;
  }
}

export function resolveGlobalOptions(parsed: ParsedFlags, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const fromEnv = new Map<string, Value>();
  for (const def of GLOBAL_FLAGS) {
    const text = env[envName(def.name)];
    if (text === undefined || text === '') continue;
    const v = parseEnvValue(def, text);
    if (v !== undefined) fromEnv.set(def.name, v);
  }
  const given = (name: string): boolean => parsed.fromCommandLine.has(name);
  /** The value of a variable bound to several flags: the command line first, then the environment. */
  const pick = <T extends Value>(names: string[], read: (name: string) => T): T => {
    for (const n of names) if (given(n)) return read(n);
    // fleetctl applies the environment in flag-name order, so the last name in sorted order wins.
    for (const n of [...names].sort().reverse()) if (fromEnv.has(n)) return fromEnv.get(n) as T;
    return read(names[0]!);
  };
  const s = (...names: string[]): string => pick(names, (n) => parsed.string(n));
  const b = (...names: string[]): boolean => pick(names, (n) => parsed.bool(n));
  const f = (...names: string[]): number => pick(names, (n) => parsed.number(n));
  return {
    help: b('help', 'h'),
    debug: b('debug'),
    version: b('version'),
    driver: s('driver'),
    endpoint: s('endpoint'),
    endpointGiven: given('endpoint') || fromEnv.has('endpoint'),
    etcdKeyPrefix: s('etcd-key-prefix'),
    keyFile: s('key-file', 'etcd-keyfile'),
    certFile: s('cert-file', 'etcd-certfile'),
    caFile: s('ca-file', 'etcd-cafile'),
    knownHostsFile: s('known-hosts-file'),
    strictHostKeyChecking: b('strict-host-key-checking'),
    sshTimeout: f('ssh-timeout'),
    tunnel: s('tunnel'),
    requestTimeout: f('request-timeout'),
    sshUsername: s('ssh-username'),
    experimentalApi: b('experimental-api'),
  };
}
