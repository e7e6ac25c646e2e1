/**
 * How cobra (as vendored by fleetctl 1.0) finds the command in argv: flags are stripped the way
 * its stripFlags does (a `--flag` that is not boolean takes the next word), the first remaining
 * word names the command (an exact name, or with prefix matching a unique prefix), and that word
 * is taken out of argv (its first occurrence). An unknown word is an error with "Did you mean
 * this?" suggestions (Levenshtein distance up to 2, or a prefix).
 */
import type { FlagDef } from '../go/flags.js';
import { COMMANDS, CLI_NAME, type CommandSpec } from './command-table.js';
import { goQ } from './go-format.js';

/** Word left after stripping flags, as cobra's stripFlags computes them. */
export function stripFlags(args: readonly string[], flags: readonly FlagDef[]): string[] {
  const isBool = (name: string): boolean => flags.some((f) => f.name === name && f.kind === 'bool');
  const isBoolShort = (short: string): boolean => flags.some((f) => f.shorthand === short && f.kind === 'bool');
  const commands: string[] = [];
  let inQuote = false;
  let inFlag = false;
  for (const y of args) {
    if (!inQuote) {
      if (y.startsWith('"')) inQuote = true;
      else if (y.includes('="')) inQuote = true;
      else if (y.startsWith('--') && !y.includes('=')) inFlag = !isBool(y.slice(2));
      else if (y.startsWith('-') && !y.includes('=') && y.length === 2 && !isBoolShort(y.slice(1))) inFlag = true;
      else if (inFlag) inFlag = false;
      else if (y === '') {
        // empty words are dropped
      } else if (!y.startsWith('-')) {
        commands.push(y);
        inFlag = false;
      }
    }
    if (y.endsWith('"') && !y.endsWith('\\"')) inQuote = false;
  }
  return commands;
}

function argsMinusFirst(args: readonly string[], word: string): string[] {
  const i = args.indexOf(word);
  return i < 0 ? [...args] : [...args.slice(0, i), ...args.slice(i + 1)];
}

/** Levenshtein distance, case-insensitive (cobra's ld with ignoreCase). */
export function levenshtein(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = [];
  for (let i = 0; i <= s.length; i++) d.push(new Array<number>(t.length + 1).fill(0));
  for (let i = 0; i <= s.length; i++) d[i]![0] = i;
  for (let j = 0; j <= t.length; j++) d[0]![j] = j;
  for (let j = 1; j <= t.length; j++) {
    for (let i = 1; i <= s.length; i++) {
      if (s[i - 1] === t[j - 1]) d[i]![j] = d[i - 1]![j - 1]!;
      else d[i]![j] = Math.min(d[i - 1]![j]!, d[i]![j - 1]!, d[i - 1]![j - 1]!) + 1;
    }
  }
  return d[s.length]![t.length]!;
}

/** Commands cobra suggests for a mistyped name (the help command is never suggested). */
export function suggestionsFor(typed: string): string[] {
  return COMMANDS.filter((c) => c.name !== 'help')
    .filter((c) => levenshtein(typed, c.name) <= 2 || c.name.toLowerCase().startsWith(typed.toLowerCase()))
    .map((c) => c.name);
}

export type FindResult =
  | { kind: 'root'; args: string[] }
  | { kind: 'command'; command: CommandSpec; args: string[] }
  | { kind: 'unknown'; message: string };

/** cobra's Find on the root command; `rootFlags` are the root's (persistent) flags. */
export function findCommand(argv: readonly string[], rootFlags: readonly FlagDef[]): FindResult {
  const words = stripFlags(argv, rootFlags);
  if (words.length === 0) return { kind: 'root', args: [...argv] };
  const next = words[0]!;
  const exact = COMMANDS.find((c) => c.name === next);
  const matches = exact !== undefined ? [exact] : COMMANDS.filter((c) => c.name.startsWith(next));
  if (matches.length === 1) return { kind: 'command', command: matches[0]!, args: argsMinusFirst(argv, next) };
  let suggestions = '';
  const suggested = suggestionsFor(next);
  if (suggested.length > 0) suggestions = `\n\nDid you mean this?\n${suggested.map((s) => `\t${s}\n`).join('')}`;
  return { kind: 'unknown', message: `unknown command ${goQ(next)} for ${goQ(CLI_NAME)}${suggestions}` };
}
