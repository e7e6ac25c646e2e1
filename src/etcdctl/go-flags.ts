/**
 * Command-line flag parsing with the rules of Go's `flag` package (as used by etcdctl's CLI library):
 * `-name`, `--name`, `-name=value`, `--name value`; bool flags take no separate value; parsing stops
 * at the first non-flag argument or after `--`. Also the CLI library's reordering of command
 * arguments, which lets a command's own flags follow its positional arguments.
 */

import { parseGoBool } from '../go/strconv.js';
import { parseGoDuration } from '../go/time.js';

export { parseGoDuration };

export type FlagKind = 'bool' | 'string' | 'int' | 'duration';

export interface FlagSpec {
  /** Names without dashes; the first is the primary one (e.g. ['recursive', 'r']). */
  names: string[];
  kind: FlagKind;
  usage: string;
  /** Default: false, '', 0, or a duration in milliseconds. */
  defaultValue?: string | number | boolean;
  /** How the default is shown in help (e.g. '2s'); the raw default when absent. */
  defaultText?: string;
}

export type FlagValue = string | number | boolean;

/** Parsed flags, keyed by primary name, with defaults filled in. */
export class FlagSet {
  constructor(private readonly values: Map<string, FlagValue>, readonly explicit: Set<string>) {}
  bool(name: string): boolean {
    return this.values.get(name) === true;
  }
  string(name: string): string {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : '';
  }
  /** int flags, and duration flags in milliseconds. */
  number(name: string): number {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : 0;
  }
}

export class FlagParseError extends Error {
  /** True when -h / -help was given (show help, exit 0). */
  readonly isHelp: boolean;
  constructor(message: string, isHelp = false) {
    super(message);
    this.isHelp = isHelp;
  }
}


/** Go's strconv.ParseInt(s, 0, 64): sign, then 0x / 0o / 0b / leading-0 octal or decimal. */
export function parseGoInt(text: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!;
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) v = parseInt(body.slice(1), 8);
  else v = parseInt(body, 10);
  if (!Number.isSafeInteger(v)) return null;
  return sign * v;
}

function findSpec(specs: FlagSpec[], name: string): FlagSpec | undefined {
  return specs.find((f) => f.names.includes(name));
}

/** Parses flags off the front of args; returns the flag values and the remaining arguments. */
export function parseFlags(specs: FlagSpec[], args: string[]): { flags: FlagSet; rest: string[] } {
  const values = new Map<string, FlagValue>();
  const explicit = new Set<string>();
  for (const f of specs) {
    const d = f.defaultValue ?? (f.kind === 'bool' ? false : f.kind === 'string' ? '' : 0);
    values.set(f.names[0]!, d);
  }
  let i = 0;
  while (i < args.length) {
    const s = args[i]!;
    if (s.length < 2 || s[0] !== '-') break;
    let dashes = 1;
    if (s[1] === '-') {
      dashes = 2;
      if (s.length === 2) {
        i++;
        break;
      }
    }
    let name = s.slice(dashes);
    if (name === '' || name[0] === '-' || name[0] === '=') throw new FlagParseError(`bad flag syntax: ${s}`);
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const spec = findSpec(specs, name);
    if (!spec) {
      if (name === 'help' || name === 'h') throw new FlagParseError('flag: help requested', true);
      throw new FlagParseError(`flag provided but not defined: -${name}`);
    }
    const key = spec.names[0]!;
    explicit.add(key);
    if (spec.kind === 'bool') {
      const parsed = value === undefined ? true : parseGoBool(value);
      if (parsed === null) throw new FlagParseError(`invalid boolean value "${value}" for -${name}: parse error`);
      values.set(key, parsed);
      continue;
    }
    if (value === undefined) {
      if (i >= args.length) throw new FlagParseError(`flag needs an argument: -${name}`);
      value = args[i]!;
      i++;
    }
    if (spec.kind === 'string') {
      values.set(key, value);
    } else {
      const n = spec.kind === 'int' ? parseGoInt(value) : parseGoDuration(value);
      if (n === null) throw new FlagParseError(`invalid value "${value}" for flag -${name}: parse error`);
      values.set(key, n);
    }
  }
  return { flags: new FlagSet(values, explicit), rest: args.slice(i) };
}

function isDefinedFlag(specs: FlagSpec[], arg: string): boolean {
  if (arg === '-' || arg === '--' || !arg.startsWith('-')) return false;
  let name = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
  name = name.split('=')[0]!;
  return specs.some((f) => f.names.includes(name));
}

/**
 * Moves a command's own flags (and the value after each) in front of its positional arguments;
 * a `--` delimiter goes first among the positional ones, where the flag parser then consumes it.
 */
export function reorderCommandArgs(specs: FlagSpec[], args: string[]): string[] {
  const reordered: string[] = [];
  let remaining: string[] = [];
  let mayBeValue = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (mayBeValue && !isDefinedFlag(specs, arg)) {
      mayBeValue = false;
      reordered.push(arg);
    } else if (arg === '--') {
      remaining = ['--', ...remaining, ...args.slice(i + 1)];
      break;
    } else if (isDefinedFlag(specs, arg)) {
      reordered.push(arg);
      mayBeValue = !arg.includes('=');
    } else {
      remaining.push(arg);
    }
  }
  return [...reordered, ...remaining];
}
