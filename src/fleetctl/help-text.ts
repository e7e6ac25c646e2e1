/**
 * fleetctl 1.0's usage text (its help.go, the template rkt and etcdctl v3 share): NAME, USAGE,
 * VERSION and COMMANDS for the root command, DESCRIPTION, OPTIONS and GLOBAL OPTIONS for a
 * command, with flags listed as pflag's FlagUsages prints them. The whole text goes through the
 * same tabwriter as the tables, which aligns the command list.
 */
import { FlagSet, type FlagDef } from '../go/flags.js';
import { tabwriterFormat } from '../go/tabwriter.js';
import { CLI_DESCRIPTION, CLI_NAME, COMMANDS, FLEETCTL_VERSION, GLOBAL_FLAGS, type CommandSpec } from './command-table.js';

function flagUsages(defs: readonly FlagDef[]): string {
  return new FlagSet(defs, { style: 'pflag' }).usage();
}

/** Trimmed of newlines, tabs and spaces at both ends, split into lines (help.go's descToLines). */
function descToLines(s: string): string[] {
  return s.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n');
}

/** The usage text of the root command (`command` null) or of one command, before the tabwriter. */
export function rawUsageText(command: CommandSpec | null): string {
  let t = 'NAME:\n';
  t += command === null ? `\t${CLI_NAME} - ${CLI_DESCRIPTION}\n` : `\t${command.name} - ${command.short}\n`;
  t += '\nUSAGE:\n';
  t += command === null ? `\t${CLI_NAME}\n` : `\t${CLI_NAME} ${command.use}\n`;
  if (command === null) {
    t += `\nVERSION:\n\t${FLEETCTL_VERSION}\n`;
    t += '\nCOMMANDS:\n';
    for (const c of [...COMMANDS].sort((a, b) => (a.name < b.name ? -1 : 1))) t += `\t${c.name}\t${c.short}\n`;
  }
  if (command !== null && command.long !== '') {
    t += '\nDESCRIPTION:\n';
    for (const line of descToLines(command.long)) t += `\t${line}\n`;
  }
  const local = command === null ? GLOBAL_FLAGS : command.flags;
  if (local.length > 0) t += `\nOPTIONS:\n${flagUsages(local)}`;
  if (command !== null) t += `\nGLOBAL OPTIONS:\n${flagUsages(GLOBAL_FLAGS)}`;
  return `${t}\n`;
}

/** The usage text as fleetctl prints it on stdout. */
export function usageText(command: CommandSpec | null): string {
  return tabwriterFormat(rawUsageText(command));
}
