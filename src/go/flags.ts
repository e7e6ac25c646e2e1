/**
 * Command-line flags with Go's rules, written once for every tool: the `flag` package's (etcd,
 * etcdctl, confd, fleetd: `-name`, `--name`, `-name=value`, `-name value`, bools without a separate
 * value, parsing stops at the first non-flag or `--`) and pflag's, which cobra programs such as
 * fleetctl 1.0 use (`--name`, `-n` shorthands, interspersed arguments).
 */
import { convertFlagText, goQuote, goQuoteChar, zeroValue, type FlagKind, type FlagStyle, type FlagValue } from './flag-values.js';
import { flagUsages, printDefaults } from './flag-usage.js';

export type { FlagKind, FlagStyle, FlagValue } from './flag-values.js';
export { formatGoDuration, goQuote } from './flag-values.js';

export interface FlagDef {
  /** Long name without dashes. */
  name: string;
  kind: FlagKind;
  usage?: string;
  /** Default value: '' / false / 0 / [] when absent; durations in milliseconds. */
  default?: FlagValue;
  /** How the default is shown in usage text, when not the plain value ('' shows none). */
  defaultText?: string;
  /** Other long spellings of the same flag. */
  aliases?: readonly string[];
  /** pflag style only: one-letter shorthand (`-l`). */
  shorthand?: string;
  /** Environment variable consulted when the flag is not on the command line. */
  env?: string;
  /** Left out of usage text. */
  hidden?: boolean;
  /**
   * list only: whether one occurrence holds comma-separated items (pflag's StringSlice, CSV rules).
   * Default: true in pflag style, false in go style (each occurrence adds one item).
   */
  commaSeparated?: boolean;
}

export interface FlagSetOptions {
  /** 'go' (default): the flag package. 'pflag': spf13/pflag as cobra uses it. */
  style?: FlagStyle;
  /** pflag: flags may follow positional arguments (default true for pflag, false for go). */
  interspersed?: boolean;
  /**
   * An environment value the flag rejects: 'error' (default, etcd's way: FlagError
   * `invalid value "x" for ETCD_X: <the flag's error>`) or 'ignore' (fleetctl's way: the default stays).
   */
  invalidEnv?: 'error' | 'ignore';
}

export class FlagError extends Error {
  override readonly name = 'FlagError';
  /** True for -h / -help / --help: show usage and exit 0. */
  constructor(message: string, readonly isHelp = false) {
    super(message);
  }
}

export interface ParsedFlags {
  /** Values by flag name, with defaults filled in. */
  readonly values: ReadonlyMap<string, FlagValue>;
  /** Names given on the command line. */
  readonly fromCommandLine: ReadonlySet<string>;
  /** Names taken from the environment. */
  readonly fromEnv: ReadonlySet<string>;
  /** Positional arguments. */
  readonly rest: string[];
  /** How many positional arguments came before `--` (-1 when there was none): pflag's ArgsLenAtDash. */
  readonly argsBeforeDash: number;
  string(name: string): string;
  bool(name: string): boolean;
  /** int, uint, float, and duration (ms). */
  number(name: string): number;
  list(name: string): string[];
  /** Given on the command line or through the environment. */
  isSet(name: string): boolean;
}

class FlagValues implements ParsedFlags {
  constructor(
    readonly values: ReadonlyMap<string, FlagValue>,
    readonly fromCommandLine: ReadonlySet<string>,
    readonly fromEnv: ReadonlySet<string>,
    readonly rest: string[],
    readonly argsBeforeDash: number,
  ) {}
  string(name: string): string {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : '';
  }
  bool(name: string): boolean {
    return this.values.get(name) === true;
  }
  number(name: string): number {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : 0;
  }
  list(name: string): string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? [...v] : [];
  }
  isSet(name: string): boolean {
    return this.fromCommandLine.has(name) || this.fromEnv.has(name);
  }
}

/** Values being collected during one parse. */
class ParseState {
  readonly values = new Map<string, FlagValue>();
  readonly fromCommandLine = new Set<string>();
  readonly fromEnv = new Set<string>();
  /** Lists given at least once in this parse (the first occurrence replaces the default). */
  private readonly listsStarted = new Set<string>();

  constructor(defs: readonly FlagDef[]) {
    for (const d of defs) {
      const v = d.default ?? zeroValue(d.kind);
      this.values.set(d.name, Array.isArray(v) ? [...v] : v);
    }
  }

  store(def: FlagDef, value: FlagValue): void {
    if (def.kind === 'list' && Array.isArray(value)) {
      const before = this.listsStarted.has(def.name) ? (this.values.get(def.name) as string[]) : [];
      this.listsStarted.add(def.name);
      this.values.set(def.name, [...before, ...value]);
    } else {
      this.values.set(def.name, value);
    }
  }
}

/** A table of flags, parsed with the go or the pflag rules. */
export class FlagSet {
  private readonly byName = new Map<string, FlagDef>();
  private readonly byShorthand = new Map<string, FlagDef>();
  private readonly style: FlagStyle;
  private readonly interspersed: boolean;

  constructor(readonly defs: readonly FlagDef[], readonly options: FlagSetOptions = {}) {
    this.style = options.style ?? 'go';
    this.interspersed = options.interspersed ?? this.style === 'pflag';
    for (const def of defs) {
      for (const n of [def.name, ...(def.aliases ?? [])]) {
        if (this.byName.has(n)) throw new Error(`flag redefined: ${n}`);
        this.byName.set(n, def);
      }
      if (def.shorthand !== undefined && this.style === 'pflag') {
        if (def.shorthand.length !== 1) throw new Error(`${JSON.stringify(def.shorthand)} shorthand is more than one ASCII character`);
        if (this.byShorthand.has(def.shorthand)) throw new Error(`unable to redefine ${JSON.stringify(def.shorthand)} shorthand`);
        this.byShorthand.set(def.shorthand, def);
      }
    }
  }

  /** The flag with this long name or alias. */
  lookup(name: string): FlagDef | undefined {
    return this.byName.get(name);
  }

  /** pflag style: the flag with this one-letter shorthand. */
  lookupShorthand(letter: string): FlagDef | undefined {
    return this.byShorthand.get(letter);
  }

  /** Parses argv (without the program name); throws FlagError with Go's (or pflag's) wording. */
  parse(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParsedFlags {
    const state = new ParseState(this.defs);
    const rest: string[] = [];
    let dash = -1;
    if (this.style === 'go') dash = this.parseGo(argv, state, rest);
    else dash = this.parsePflag(argv, state, rest);
    this.applyEnv(state, env);
    return new FlagValues(state.values, state.fromCommandLine, state.fromEnv, rest, dash);
  }

  /** Usage text as Go's PrintDefaults (go style) or pflag's FlagUsages (pflag style) prints it. */
  usage(): string {
    return this.style === 'go' ? printDefaults(this.defs) : flagUsages(this.defs);
  }

  private commaSeparated(def: FlagDef): boolean {
    return def.commaSeparated ?? this.style === 'pflag';
  }

  /** The message for a value the flag rejects; `typed` is the spelling used (go style). */
  private valueError(def: FlagDef, typed: string, text: string, reason: string): string {
    if (this.style === 'pflag') {
      const shown = def.shorthand ? `-${def.shorthand}, --${def.name}` : `--${def.name}`;
      return `invalid argument ${goQuote(text)} for ${goQuote(shown)} flag: ${reason}`;
    }
    if (def.kind === 'bool') return `invalid boolean value ${goQuote(text)} for -${typed}: ${reason}`;
    return `invalid value ${goQuote(text)} for flag -${typed}: ${reason}`;
  }

  private set(state: ParseState, def: FlagDef, typed: string, text: string): void {
    const c = convertFlagText(def.kind, text, this.style, this.commaSeparated(def));
    if (!c.ok) throw new FlagError(this.valueError(def, typed, text, c.reason));
    state.store(def, c.value);
    state.fromCommandLine.add(def.name);
  }

  /** The go flag package's loop. Returns the count of positionals before `--` (or -1). */
  private parseGo(argv: readonly string[], state: ParseState, rest: string[]): number {
    let i = 0;
    while (i < argv.length) {
      const s = argv[i]!;
      if (s.length < 2 || s[0] !== '-') {
        if (!this.interspersed) break;
        rest.push(s);
        i++;
        continue;
      }
      let dashes = 1;
      if (s[1] === '-') {
        dashes = 2;
        if (s.length === 2) {
          const before = rest.length;
          rest.push(...argv.slice(i + 1));
          return before;
        }
      }
      let name = s.slice(dashes);
      if (name === '' || name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
      i++;
      let value: string | undefined;
      const eq = name.indexOf('=', 1);
      if (eq > 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const def = this.byName.get(name);
      if (!def) {
        if (name === 'help' || name === 'h') throw new FlagError('flag: help requested', true);
        throw new FlagError(`flag provided but not defined: -${name}`);
      }
      if (def.kind === 'bool') {
        this.set(state, def, name, value ?? 'true');
        continue;
      }
      if (value === undefined) {
        if (i >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
        value = argv[i++]!;
      }
      this.set(state, def, name, value);
    }
    rest.push(...argv.slice(i));
    return -1;
  }

  /** pflag's parseArgs. Returns the count of positionals before `--` (or -1). */
  private parsePflag(argv: readonly string[], state: ParseState, rest: string[]): number {
    let i = 0;
    while (i < argv.length) {
      const s = argv[i++]!;
      if (s.length < 2 || s[0] !== '-') {
        rest.push(s);
        if (!this.interspersed) {
          rest.push(...argv.slice(i));
          return -1;
        }
        continue;
      }
      if (s[1] === '-') {
        if (s.length === 2) {
          const before = rest.length;
          rest.push(...argv.slice(i));
          return before;
        }
        i = this.parseLong(s, argv, i, state);
      } else {
        i = this.parseShorthands(s, argv, i, state);
      }
    }
    return -1;
  }

  private parseLong(s: string, argv: readonly string[], next: number, state: ParseState): number {
    let i = next;
    const body = s.slice(2);
    if (body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const def = this.byName.get(name);
    if (!def) {
      if (name === 'help') throw new FlagError('pflag: help requested', true);
      throw new FlagError(`unknown flag: --${name}`);
    }
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (def.kind === 'bool') value = 'true';
    else if (i < argv.length) value = argv[i++]!;
    else throw new FlagError(`flag needs an argument: ${s}`);
    this.set(state, def, name, value);
    return i;
  }

  private parseShorthands(s: string, argv: readonly string[], next: number, state: ParseState): number {
    let i = next;
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = shorthands[0]!;
      const def = this.byShorthand.get(c);
      if (!def) {
        if (c === 'h') throw new FlagError('pflag: help requested', true);
        throw new FlagError(`unknown shorthand flag: ${goQuoteChar(c)} in -${shorthands}`);
      }
      let value: string;
      if (shorthands.length > 2 && shorthands[1] === '=') {
        value = shorthands.slice(2);
        shorthands = '';
      } else if (def.kind === 'bool') {
        value = 'true';
        shorthands = shorthands.slice(1);
      } else if (shorthands.length > 1) {
        value = shorthands.slice(1);
        shorthands = '';
      } else if (i < argv.length) {
        value = argv[i++]!;
        shorthands = '';
      } else {
        throw new FlagError(`flag needs an argument: ${goQuoteChar(c)} in -${shorthands}`);
      }
      this.set(state, def, def.name, value);
    }
    return i;
  }

  /** Flags not on the command line take a non-empty value of their environment variable. */
  private applyEnv(state: ParseState, env: Readonly<Record<string, string | undefined>>): void {
    for (const def of this.defs) {
      if (!def.env || state.fromCommandLine.has(def.name)) continue;
      const raw = env[def.env];
      if (raw === undefined || raw === '') continue;
      const c = convertFlagText(def.kind, raw, this.style, this.commaSeparated(def));
      if (!c.ok) {
        if (this.options.invalidEnv === 'ignore') continue;
        throw new FlagError(`invalid value ${goQuote(raw)} for ${def.env}: ${this.valueError(def, def.name, raw, c.reason)}`);
      }
      state.store(def, c.value);
      state.fromEnv.add(def.name);
    }
  }
}
