/**
 * A command-line parser with the rules of Go's `flag` package, which etcd uses: `-name value`,
 * `-name=value`, `--name value` and `--name=value` are the same; a boolean flag takes no separate
 * value (`-flag`, `-flag=false`); parsing stops at `--` or at the first argument that is not a flag.
 */

export type FlagKind = 'string' | 'bool' | 'uint' | 'int';

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  /** Other spellings of the same flag (e.g. 0.4 aliases). */
  readonly aliases?: readonly string[];
  /** Environment variable consulted when the flag is absent from the command line. */
  readonly env?: string;
}

export type FlagValue = string | boolean | number;

export interface ParsedFlags {
  /** Values by canonical flag name, for flags given on the command line or through the environment. */
  readonly values: Map<string, FlagValue>;
  /** Which canonical names came from the command line (as opposed to the environment). */
  readonly fromCommandLine: Set<string>;
  /** Arguments after the flags. */
  readonly rest: string[];
}

import { parseGoBool } from '../go/strconv.js';

export class FlagError extends Error {
  override readonly name = 'FlagError';
}


function convert(spec: FlagSpec, shown: string, raw: string): FlagValue {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'bool': {
      const b = parseGoBool(raw);
      if (b === null) throw new FlagError(`invalid boolean value "${raw}" for -${shown}: parse error`);
      return b;
    }
    case 'uint': {
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new FlagError(`invalid value "${raw}" for flag -${shown}: parse error`);
      }
      return Number(raw);
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new FlagError(`invalid value "${raw}" for flag -${shown}: parse error`);
      }
      return Number(raw);
    }
  }
}

/** A table of flags, looked up by any of their spellings. */
export class FlagSet {
  private readonly byName = new Map<string, FlagSpec>();

  constructor(readonly specs: readonly FlagSpec[]) {
    for (const spec of specs) {
      for (const n of [spec.name, ...(spec.aliases ?? [])]) {
        if (this.byName.has(n)) throw new Error(`flag ${n} defined twice`);
        this.byName.set(n, spec);
      }
    }
  }

  lookup(name: string): FlagSpec | undefined {
    return this.byName.get(name);
  }

  /**
   * Parses argv (without the program name). Throws FlagError on an unknown flag, a missing value or
   * a value of the wrong type, with Go's wording.
   */
  parse(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParsedFlags {
    const values = new Map<string, FlagValue>();
    const fromCommandLine = new Set<string>();
    let i = 0;
    for (; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg.length < 2 || arg[0] !== '-') break;
      let body = arg.slice(1);
      if (body[0] === '-') {
        body = body.slice(1);
        if (body.length === 0) {
          i++;
          break;
        }
      }
      if (body.length === 0 || body[0] === '-' || body[0] === '=') {
        throw new FlagError(`bad flag syntax: ${arg}`);
      }
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const spec = this.byName.get(name);
      if (!spec) throw new FlagError(`flag provided but not defined: -${name}`);
      let raw: string;
      if (eq >= 0) {
        raw = body.slice(eq + 1);
      } else if (spec.kind === 'bool') {
        raw = 'true';
      } else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
        raw = argv[++i]!;
      }
      values.set(spec.name, convert(spec, name, raw));
      fromCommandLine.add(spec.name);
    }
    for (const spec of this.specs) {
      if (values.has(spec.name) || !spec.env) continue;
      const raw = env[spec.env];
      if (raw === undefined) continue;
      try {
        values.set(spec.name, convert(spec, spec.name, raw));
      } catch (err) {
        throw new FlagError(`invalid value ${JSON.stringify(raw)} for ${spec.env}: ${(err as Error).message}`);
      }
    }
    return { values, fromCommandLine, rest: argv.slice(i) };
  }
}
