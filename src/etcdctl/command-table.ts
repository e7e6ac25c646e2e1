/** The v2 etcdctl command surface: global flags, commands, their flags and help texts. */
import type { FlagDef } from '../go/flags.js';

export const ETCDCTL_VERSION = '3.4.23';

export const TTL_FLAG: FlagDef = { name: 'ttl', kind: 'int', usage: 'key time-to-live in seconds', default: 0 };

export const GLOBAL_FLAGS: FlagDef[] = [
  { name: 'debug', kind: 'bool', usage: 'output cURL commands which can be used to reproduce the request' },
  { name: 'no-sync', kind: 'bool', usage: "don't synchronize cluster information before sending request" },
  {
    name: 'output', aliases: ['o'],
    kind: 'string',
    usage: 'output response in the given format (`simple`, `extended` or `json`)',
    default: 'simple',
  },
  { name: 'discovery-srv', aliases: ['D'], kind: 'string', usage: 'domain name to query for SRV records describing cluster endpoints' },
  { name: 'insecure-discovery', kind: 'bool', usage: 'accept insecure SRV records describing cluster endpoints' },
  { name: 'peers', aliases: ['C'], kind: 'string', usage: 'DEPRECATED - "--endpoints" should be used instead' },
  { name: 'endpoint', kind: 'string', usage: 'DEPRECATED - "--endpoints" should be used instead' },
  {
    name: 'endpoints',
    kind: 'string',
    usage: 'a comma-delimited list of machine addresses in the cluster (default: "http://127.0.0.1:2379,http://127.0.0.1:4001")',
  },
  { name: 'cert-file', kind: 'string', usage: 'identify HTTPS client using this SSL certificate file' },
  { name: 'key-file', kind: 'string', usage: 'identify HTTPS client using this SSL key file' },
  { name: 'ca-file', kind: 'string', usage: 'verify certificates of HTTPS-enabled servers using this CA bundle' },
  { name: 'username', aliases: ['u'], kind: 'string', usage: 'provide username[:password] and prompt if password is not supplied.' },
  { name: 'timeout', kind: 'duration', usage: 'connection timeout per request', default: 2000, defaultText: '2s' },
  {
    name: 'total-timeout',
    kind: 'duration',
    usage: 'timeout for the command execution (except watch)',
    default: 5000,
    defaultText: '5s',
  },
  { name: 'help', aliases: ['h'], kind: 'bool', usage: 'show help' },
  { name: 'version', aliases: ['v'], kind: 'bool', usage: 'print the version' },
];

export interface CommandSpec {
  name: string;
  aliases?: string[];
  usage: string;
  argsUsage?: string;
  description?: string;
  flags: FlagDef[];
  subcommands?: CommandSpec[];
}

const member: CommandSpec = {
  name: 'member',
  usage: 'member add, remove and list subcommands',
  flags: [],
  subcommands: [
    { name: 'list', usage: 'enumerate existing cluster members', argsUsage: ' ', flags: [] },
    { name: 'add', usage: 'add a new member to the etcd cluster', argsUsage: '<name> <peerURL>', flags: [] },
    { name: 'remove', usage: 'remove an existing member from the etcd cluster', argsUsage: '<memberID>', flags: [] },
    { name: 'update', usage: 'update an existing member in the etcd cluster', argsUsage: '<memberID> <peerURLs>', flags: [] },
  ],
};

export const COMMANDS: CommandSpec[] = [
  {
    name: 'backup',
    usage: 'backup an etcd directory',
    argsUsage: ' ',
    flags: [
      { name: 'data-dir', kind: 'string', usage: 'Path to the etcd data dir' },
      { name: 'wal-dir', kind: 'string', usage: 'Path to the etcd wal dir' },
      { name: 'backup-dir', kind: 'string', usage: 'Path to the backup dir' },
      { name: 'backup-wal-dir', kind: 'string', usage: 'Path to the backup wal dir' },
      { name: 'with-v3', kind: 'bool', usage: 'Backup v3 backend data' },
    ],
  },
  {
    name: 'cluster-health',
    usage: 'check the health of the etcd cluster',
    argsUsage: ' ',
    flags: [{ name: 'forever', aliases: ['f'], kind: 'bool', usage: 'forever check the health every 10 second until CTRL+C' }],
  },
  {
    name: 'mk',
    usage: 'make a new key with a given value',
    argsUsage: '<key> <value>',
    flags: [{ name: 'in-order', kind: 'bool', usage: 'create in-order key under directory <key>' }, TTL_FLAG],
  },
  { name: 'mkdir', usage: 'make a new directory', argsUsage: '<key>', flags: [TTL_FLAG] },
  {
    name: 'rm',
    usage: 'remove a key or a directory',
    argsUsage: '<key>',
    flags: [
      { name: 'dir', kind: 'bool', usage: 'removes the key if it is an empty directory or a key-value pair' },
      { name: 'recursive', aliases: ['r'], kind: 'bool', usage: 'removes the key and all child keys(if it is a directory)' },
      { name: 'with-value', kind: 'string', usage: 'previous value' },
      { name: 'with-index', kind: 'int', usage: 'previous index', default: 0 },
    ],
  },
  { name: 'rmdir', usage: 'removes the key if it is an empty directory or a key-value pair', argsUsage: '<key>', flags: [] },
  {
    name: 'get',
    usage: 'retrieve the value of a key',
    argsUsage: '<key>',
    flags: [
      { name: 'sort', kind: 'bool', usage: 'returns result in sorted order' },
      { name: 'quorum', aliases: ['q'], kind: 'bool', usage: 'require quorum for get request' },
    ],
  },
  {
    name: 'ls',
    usage: 'retrieve a directory',
    argsUsage: '[key]',
    flags: [
      { name: 'sort', kind: 'bool', usage: 'returns result in sorted order' },
      { name: 'recursive', aliases: ['r'], kind: 'bool', usage: 'returns all key names recursively for the given path' },
      { name: 'p', kind: 'bool', usage: 'append slash (/) to directories' },
      { name: 'quorum', aliases: ['q'], kind: 'bool', usage: 'require quorum for get request' },
    ],
  },
  {
    name: 'set',
    usage: 'set the value of a key',
    argsUsage: '<key> <value>',
    description:
      "Set sets the value of a key.\n\n   When <value> begins with '-', <value> is interpreted as a flag.\n   Insert '--' for workaround:\n\n   $ set -- <key> <value>",
    flags: [
      TTL_FLAG,
      { name: 'swap-with-value', kind: 'string', usage: 'previous value' },
      { name: 'swap-with-index', kind: 'int', usage: 'previous index', default: 0 },
    ],
  },
  { name: 'setdir', usage: 'create a new directory or update an existing directory TTL', argsUsage: '<key>', flags: [TTL_FLAG] },
  { name: 'update', usage: 'update an existing key with a given value', argsUsage: '<key> <value>', flags: [TTL_FLAG] },
  { name: 'updatedir', usage: 'update an existing directory', argsUsage: '<key> <value>', flags: [TTL_FLAG] },
  {
    name: 'watch',
    usage: 'watch a key for changes',
    argsUsage: '<key>',
    flags: [
      { name: 'forever', aliases: ['f'], kind: 'bool', usage: 'forever watch a key until CTRL+C' },
      { name: 'after-index', kind: 'int', usage: 'watch after the given index', default: 0 },
      { name: 'recursive', aliases: ['r'], kind: 'bool', usage: 'returns all values for key and child keys' },
    ],
  },
  {
    name: 'exec-watch',
    usage: 'watch a key for changes and exec an executable',
    argsUsage: '<key> <command> [args...]',
    flags: [
      { name: 'after-index', kind: 'int', usage: 'watch after the given index', default: 0 },
      { name: 'recursive', aliases: ['r'], kind: 'bool', usage: 'watch all values for key and child keys' },
    ],
  },
  member,
  // the auth commands are listed (help matches) but not implemented
  {
    name: 'user',
    usage: 'user add, grant and revoke subcommands',
    flags: [],
    subcommands: [{ name: 'add', usage: 'add a new user for the etcd cluster', flags: [] }, { name: 'get', usage: 'get details for a user', flags: [] }, { name: 'list', usage: 'list all current users', flags: [] }, { name: 'remove', usage: 'remove a user for the etcd cluster', flags: [] }, { name: 'grant', usage: 'grant roles to an etcd user', flags: [] }, { name: 'revoke', usage: 'revoke roles for an etcd user', flags: [] }, { name: 'passwd', usage: 'change password for a user', flags: [] }],
  },
  {
    name: 'role',
    usage: 'role add, grant and revoke subcommands',
    flags: [],
    subcommands: [{ name: 'add', usage: 'add a new role for the etcd cluster', flags: [] }, { name: 'get', usage: 'get details for a role', flags: [] }, { name: 'list', usage: 'list all roles', flags: [] }, { name: 'remove', usage: 'remove a role from the etcd cluster', flags: [] }, { name: 'grant', usage: 'grant path matches to an etcd role', flags: [] }, { name: 'revoke', usage: 'revoke path matches for an etcd role', flags: [] }],
  },
  { name: 'auth', usage: 'overall auth controls', flags: [], subcommands: [{ name: 'enable', usage: 'enable auth access controls', flags: [] }, { name: 'disable', usage: 'disable auth access controls', flags: [] }] },
];

export function findCommand(table: CommandSpec[], name: string): CommandSpec | undefined {
  return table.find((c) => c.name === name || (c.aliases ?? []).includes(name));
}
