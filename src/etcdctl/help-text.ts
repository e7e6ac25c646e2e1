/** Help screens in the layout of etcdctl's CLI library (tab-aligned columns, three-space indent). */
import type { FlagDef } from '../go/flags.js';
import { COMMANDS, ETCDCTL_VERSION, GLOBAL_FLAGS, type CommandSpec } from './command-table.js';

/** Aligns two-column rows like Go's tabwriter with a padding of 2. */
function alignRows(rows: [string, string][]): string[] {
  const width = Math.max(0, ...rows.map(([a]) => [...a].length));
  return rows.map(([a, b]) => a + ' '.repeat(width - [...a].length + 2) + b);
}

function flagRow(f: FlagDef): [string, string] {
  let usage = f.usage ?? '';
  let placeholder = f.kind === 'bool' ? '' : 'value';
  const tick = /`([^`]*)`/.exec(usage);
  if (tick) {
    placeholder = tick[1]!;
    usage = usage.slice(0, tick.index) + placeholder + usage.slice(tick.index + tick[0].length);
  }
  const names = [f.name, ...(f.aliases ?? [])]
    .map((n) => (n.length === 1 ? `-${n}` : `--${n}`) + (placeholder ? ` ${placeholder}` : ''))
    .join(', ');
  if (f.kind === 'int') usage += ` (default: ${f.default ?? 0})`;
  else if (f.kind === 'duration') usage += ` (default: ${f.defaultText ?? ''})`;
  else if (f.kind === 'string' && typeof f.default === 'string' && f.default !== '') {
    usage += ` (default: "${f.default}")`;
  }
  return [names, usage];
}

function commandRows(cmds: CommandSpec[]): [string, string][] {
  return cmds.map((c) => [[c.name, ...(c.aliases ?? [])].join(', '), c.usage]);
}

export function appHelp(): string {
  const cmds = alignRows([...commandRows(COMMANDS), ['help, h', 'Shows a list of commands or help for one command']]);
  const flags = alignRows(GLOBAL_FLAGS.map(flagRow));
  return (
    'NAME:\n   etcdctl - A simple command line client for etcd.\n\n' +
    'USAGE:\n   etcdctl [global options] command [command options] [arguments...]\n\n' +
    `VERSION:\n   ${ETCDCTL_VERSION}\n\n` +
    'COMMANDS:\n' +
    cmds.map((l) => `   ${l}\n`).join('') +
    '\nGLOBAL OPTIONS:\n' +
    flags.map((l) => `   ${l}\n`).join('')
  );
}

/** Help of a command with subcommands (e.g. `etcdctl member`). */
export function commandGroupHelp(cmd: CommandSpec): string {
  const rows = alignRows(commandRows(cmd.subcommands ?? []));
  return (
    `NAME:\n   etcdctl ${cmd.name} - ${cmd.usage}\n\n` +
    `USAGE:\n   etcdctl ${cmd.name} command [command options] [arguments...]\n\n` +
    'COMMANDS:\n' +
    rows.map((l) => `   ${l}\n`).join('') +
    '\nOPTIONS:\n   --help, -h  show help\n   \n'
  );
}

/** Help of one command; `helpName` is e.g. `etcdctl get` or `etcdctl member list`. */
export function commandHelp(cmd: CommandSpec, helpName: string): string {
  const hasFlags = cmd.flags.length > 0;
  let s = `NAME:\n   ${helpName} - ${cmd.usage}\n\nUSAGE:\n   ${helpName}`;
  if (hasFlags) s += ' [command options]';
  s += ' ' + (cmd.argsUsage ?? '[arguments...]');
  if (cmd.description) s += `\n\nDESCRIPTION:\n   ${cmd.description}`;
  if (hasFlags) {
    s += '\n\nOPTIONS:\n' + alignRows(cmd.flags.map(flagRow)).map((l) => `   ${l}\n`).join('') + '   ';
  }
  return s + '\n';
}
