/**
 * Flag values: turning a command-line text into a value of a flag kind, with the error text Go's
 * `flag` package or pflag gives for a bad one, and showing a default the way each prints it.
 */
import { parseGoBool } from './strconv.js';
import { parseGoDuration } from './time.js';
import { formatGoFloat, parseGoFloat, parseGoInt, parseGoUint, type NumberFault } from './strconv-number.js';

export type FlagKind = 'string' | 'bool' | 'int' | 'uint' | 'float' | 'duration' | 'list';
export type FlagValue = string | boolean | number | string[];
export type FlagStyle = 'go' | 'pflag';

/** A converted value, or the reason the flag package gives (`parse error`, `strconv.ParseInt: ...`). */
export type Conversion = { readonly ok: true; readonly value: string | boolean | number | string[] } | { readonly ok: false; readonly reason: string };

const ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\',
};

function hex2(code: number): string {
  return code.toString(16).padStart(2, '0');
}

/** Go's `%q` of a string (strconv.Quote) for the characters flag values carry. */
export function goQuote(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (ESCAPES[c] !== undefined) out += ESCAPES[c];
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex2(code)}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xfeff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** Go's `%q` of a byte: a quoted character literal (`'l'`). */
export function goQuoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '\\') return "'\\\\'";
  const inner = goQuote(c).slice(1, -1).replace('\\"', '"');
  return `'${inner}'`;
}

function numError(fn: string, text: string, fault: NumberFault): string {
  return `strconv.${fn}: parsing ${goQuote(text)}: ${fault === 'syntax' ? 'invalid syntax' : 'value out of range'}`;
}

/** The go flag package's wording of a strconv failure (its numError). */
function goReason(fault: NumberFault): string {
  return fault === 'syntax' ? 'parse error' : 'value out of range';
}

/** time.ParseDuration's error text for a text it rejects. */
export function durationError(text: string): string {
  const invalid = `time: invalid duration ${goQuote(text)}`;
  let s = text;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return invalid;
  if (s === '') return invalid;
  while (s !== '') {
    const num = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    if (!/^[0-9.]/.test(s) || (num[1] === '' && (num[3] ?? '') === '')) return invalid;
    s = s.slice(num[0].length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === '') return `time: missing unit in duration ${goQuote(text)}`;
    if (!['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'].includes(unit)) {
      return `time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`;
    }
    s = s.slice(unit.length);
  }
  return invalid;
}

/** Whether time.ParseDuration would accept the text (every number followed by a known unit). */
function durationWellFormed(text: string): boolean {
  return /^[+-]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/.test(text);
}

/** pflag's readAsCSV: encoding/csv's reading of one record. */
export function splitCsvRecord(text: string): Conversion {
  if (text === '') return { ok: true, value: [] };
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return { ok: false, reason: `parse error on line 1, column ${text.length + 1}: extraneous or missing " in quoted-field` };
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else if (i === text.length || text[i] === ',') {
          break;
        } else {
          return { ok: false, reason: `parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field` };
        }
      }
    } else {
      const comma = text.indexOf(',', i);
      field = comma < 0 ? text.slice(i) : text.slice(i, comma);
      const quote = field.indexOf('"');
      if (quote >= 0) return { ok: false, reason: `parse error on line 1, column ${i + quote + 1}: bare " in non-quoted-field` };
      i = comma < 0 ? text.length : comma;
    }
    fields.push(field);
    if (i >= text.length) return { ok: true, value: fields };
    i++;
  }
}

function safeNumber(value: bigint): number {
  return Number(value);
}

/**
 * Converts one command-line text for a flag of `kind`. Lists give the items this one occurrence
 * adds (pflag splits on commas unless `commaSeparated` is false; go style keeps the text whole).
 */
export function convertFlagText(kind: FlagKind, text: string, style: FlagStyle, commaSeparated: boolean): Conversion {
  const pflag = style === 'pflag';
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'bool': {
      const b = parseGoBool(text);
      if (b !== null) return { ok: true, value: b };
      return { ok: false, reason: pflag ? `strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax` : 'parse error' };
    }
    case 'int': {
      const n = parseGoInt(text);
      if (n.ok) return { ok: true, value: safeNumber(n.value) };
      return { ok: false, reason: pflag ? numError('ParseInt', text, n.fault) : goReason(n.fault) };
    }
    case 'uint': {
      const n = parseGoUint(text);
      if (n.ok) return { ok: true, value: safeNumber(n.value) };
      return { ok: false, reason: pflag ? numError('ParseUint', text, n.fault) : goReason(n.fault) };
    }
    case 'float': {
      const n = parseGoFloat(text);
      if (n.ok) return { ok: true, value: n.value };
      return { ok: false, reason: pflag ? numError('ParseFloat', text, n.fault) : goReason(n.fault) };
    }
    case 'duration': {
      const ms = durationWellFormed(text) ? parseGoDuration(text) : null;
      if (ms !== null) return { ok: true, value: ms };
      return { ok: false, reason: pflag ? durationError(text) : 'parse error' };
    }
    case 'list':
      return commaSeparated ? splitCsvRecord(text) : { ok: true, value: [text] };
  }
}

/** Go's time.Duration String() of a duration in milliseconds ("2s", "1m30s", "1.5ms", "0s"). */
export function formatGoDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  if (negative) ns = -ns;
  const fraction = (v: bigint, digits: number): [string, bigint] => {
    const scale = 10n ** BigInt(digits);
    const rest = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return [rest === '' ? '' : `.${rest}`, v / scale];
  };
  let out: string;
  if (ns < 1_000_000_000n) {
    const [digits, unit] = ns < 1000n ? [0, 'ns'] : ns < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [frac, whole] = fraction(ns, digits);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, seconds] = fraction(ns, 9);
    out = `${seconds % 60n}${frac}s`;
    const minutes = seconds / 60n;
    if (minutes > 0n) {
      out = `${minutes % 60n}m${out}`;
      const hours = minutes / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return negative ? `-${out}` : out;
}

/** A kind's zero value. */
export function zeroValue(kind: FlagKind): FlagValue {
  switch (kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'list':
      return [];
    default:
      return 0;
  }
}

/** Whether a default is its kind's zero value (then usage text does not mention it). */
export function isZeroDefault(kind: FlagKind, value: FlagValue): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return value === zeroValue(kind);
}

/** A default as Go's flag.Value String() shows it (strings unquoted). */
export function formatDefault(kind: FlagKind, value: FlagValue, style: FlagStyle): string {
  if (Array.isArray(value)) return style === 'pflag' ? `[${value.join(',')}]` : `[${value.join(' ')}]`;
  if (kind === 'duration' && typeof value === 'number') return formatGoDuration(value);
  if (kind === 'float' && typeof value === 'number') return formatGoFloat(value);
  return String(value);
}
