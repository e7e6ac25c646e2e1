/**
 * Go literal syntax used in templates: quoted strings, character constants and numbers
 * (`strconv.Unquote`, `strconv.ParseInt(s, 0, 64)`, `strconv.ParseFloat`).
 */

export class LiteralSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Decodes one escape sequence starting after the backslash; returns [text, length consumed]. */
function decodeEscape(s: string, i: number, quote: string): [string, number] {
  const c = s[i];
  if (c === undefined) throw new LiteralSyntaxError();
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, 1];
  if (c === quote) return [c, 1];
  const hex = (n: number): number => {
    const digits = s.slice(i + 1, i + 1 + n);
    if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) throw new LiteralSyntaxError();
    return parseInt(digits, 16);
  };
  if (c === 'x') return [String.fromCharCode(hex(2)), 3];
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const cp = hex(n);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new LiteralSyntaxError();
    return [String.fromCodePoint(cp), n + 1];
  }
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) throw new LiteralSyntaxError();
    const v = parseInt(digits, 8);
    if (v > 255) throw new LiteralSyntaxError();
    return [String.fromCharCode(v), 3];
  }
  throw new LiteralSyntaxError();
}

/** `strconv.Unquote` for "double-quoted" and `raw` strings. */
export function unquoteString(text: string): string {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) {
    return text.slice(1, -1).replace(/\r/g, '');
  }
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) throw new LiteralSyntaxError();
  const body = text.slice(1, -1);
  if (!body.includes('\\')) {
    if (body.includes('"') || body.includes('\n')) throw new LiteralSyntaxError();
    return body;
  }
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c === '\\') {
      const [decoded, used] = decodeEscape(body, i + 1, '"');
      out += decoded;
      i += 1 + used;
    } else {
      if (c === '"' || c === '\n') throw new LiteralSyntaxError();
      out += c;
      i++;
    }
  }
  return out;
}

/** The code point of a 'c' character constant. */
export function unquoteChar(text: string): number {
  if (text.length < 3 || !text.startsWith("'") || !text.endsWith("'")) throw new LiteralSyntaxError();
  const body = text.slice(1, -1);
  let decoded: string;
  if (body.startsWith('\\')) {
    const [d, used] = decodeEscape(body, 1, "'");
    if (used + 1 !== body.length) throw new LiteralSyntaxError();
    decoded = d;
  } else {
    decoded = body;
    if ([...body].length !== 1 || body === "'") throw new LiteralSyntaxError();
  }
  return decoded.codePointAt(0) ?? 0;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Integer value of Go integer-literal syntax (base prefixes, legacy octal, underscores), or undefined. */
export function parseGoInteger(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  let digits = s;
  let radix = 10;
  let prefixed = false;
  if (/^0[xX]/.test(s)) {
    radix = 16;
    digits = s.slice(2);
    prefixed = true;
  } else if (/^0[oO]/.test(s)) {
    radix = 8;
    digits = s.slice(2);
    prefixed = true;
  } else if (/^0[bB]/.test(s)) {
    radix = 2;
    digits = s.slice(2);
    prefixed = true;
  } else if (s.length > 1 && s.startsWith('0')) {
    radix = 8;
    digits = s.slice(1);
    prefixed = true;
  }
  if (digits.includes('_')) {
    // Underscores only between digits (or right after a base prefix).
    if (/__|_$/.test(digits) || (!prefixed && digits.startsWith('_'))) return undefined;
    digits = digits.replace(/_/g, '');
  }
  if (digits === '') return undefined;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix];
  if (!valid?.test(digits)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const magnitude = BigInt(prefix + digits);
  return negative ? -magnitude : magnitude;
}

export interface NumberValue {
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int: bigint;
  readonly float: number;
}

/** Go's `parse.NumberNode` classification of a number or character constant. */
export function classifyNumber(text: string, isChar: boolean): NumberValue {
  if (isChar) {
    const r = unquoteChar(text);
    return { isInt: true, isUint: true, isFloat: true, isComplex: false, int: BigInt(r), float: r };
  }
  if (text.endsWith('i')) {
    throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  }
  const i = parseGoInteger(text);
  if (i !== undefined) {
    const isInt = i >= INT64_MIN && i <= INT64_MAX;
    const isUint = i >= 0n && i <= UINT64_MAX;
    if (isInt || isUint) return { isInt, isUint, isFloat: true, isComplex: false, int: i, float: Number(i) };
    throw new Error(`integer overflow: ${JSON.stringify(text)}`);
  }
  const cleaned = text.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cleaned)) {
    const f = Number(cleaned);
    const integral = Number.isFinite(f) && Number.isInteger(f);
    const asBig = integral ? BigInt(f) : 0n;
    return {
      isInt: integral && asBig >= INT64_MIN && asBig <= INT64_MAX,
      isUint: integral && asBig >= 0n && asBig <= UINT64_MAX,
      isFloat: true,
      isComplex: false,
      int: asBig,
      float: f,
    };
  }
  throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
}
