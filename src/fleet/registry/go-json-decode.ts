/**
 * JSON read as Go's encoding/json reads it into fleet's structs: the same syntax errors
 * (`invalid character 'o' in literal null (expecting 'u')`, `unexpected end of JSON input`), field
 * names matched exactly or else case-insensitively, `null` leaving a field at its zero value, and
 * `json: cannot unmarshal string into Go value of type int` for a value of the wrong kind.
 */

/** A value Go's decoder refuses; the message is Go's. */
export class GoJsonError extends Error {
  override readonly name = 'GoJsonError';
}

const enum Ctx { ObjectKey, ObjectValue, ArrayValue }

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's quoteChar: the byte as strconv.Quote shows it, in single quotes. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const short: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\' };
  if (short[c] !== undefined) return `'${short[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u00${c.toString(16)}'`;
  if (c === 0xad) return "'\\u00ad'";
  return `'${String.fromCharCode(c)}'`;
}

type Step = (c: number) => string | null;

/** Go's checkValid: the syntax error message for `text`, or null when it is valid JSON. */
export function goJsonSyntaxError(text: string): string | null {
  const bytes = Buffer.from(text, 'utf8');
  const stack: Ctx[] = [];
  let endTop = false;
  const fail = (c: number, context: string): string => `invalid character ${quoteChar(c)} ${context}`;

  const literal = (rest: string, word: string, then: () => void): Step => {
    let i = 0;
    const step: Step = (c) => {
      if (c !== rest.charCodeAt(i)) return fail(c, `in literal ${word} (expecting '${rest[i]}')`);
      i++;
      if (i === rest.length) then();
      return null;
    };
    return step;
  };

  let step: Step;
  const endValue: Step = (c) => {
    const n = stack.length;
    if (n === 0) {
      step = endTopStep;
      endTop = true;
      return endTopStep(c);
    }
    if (isSpace(c)) {
      step = endValue;
      return null;
    }
    const ctx = stack[n - 1]!;
    if (ctx === Ctx.ObjectKey) {
      if (c === 0x3a) {
        stack[n - 1] = Ctx.ObjectValue;
        step = beginValue;
        return null;
      }
      return fail(c, 'after object key');
    }
    if (ctx === Ctx.ObjectValue) {
      if (c === 0x2c) {
        stack[n - 1] = Ctx.ObjectKey;
        step = beginString;
        return null;
      }
      if (c === 0x7d) return pop();
      return fail(c, 'after object key:value pair');
    }
    if (c === 0x2c) {
      step = beginValue;
      return null;
    }
    if (c === 0x5d) return pop();
    return fail(c, 'after array element');
  };
  const pop = (): null => {
    stack.pop();
    if (stack.length === 0) {
      step = endTopStep;
      endTop = true;
    } else {
      step = endValue;
    }
    return null;
  };
  const endTopStep: Step = (c) => (isSpace(c) ? null : fail(c, 'after top-level value'));
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) return fail(c, 'in string literal');
    return null;
  };
  const hexDigits = (left: number): Step => (c) => {
    if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
    step = left === 1 ? inString : hexDigits(left - 1);
    return null;
  };
  const inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
      step = inString;
      return null;
    }
    if (c === 0x75) {
      step = hexDigits(4);
      return null;
    }
    return fail(c, 'in string escape code');
  };
  const exponentDigits: Step = (c) => (isDigit(c) ? null : endValue(c));
  const exponentSign: Step = (c) => {
    if (!isDigit(c)) return fail(c, 'in exponent of numeric literal');
    step = exponentDigits;
    return null;
  };
  const exponent: Step = (c) => {
    if (c === 0x2b || c === 0x2d) {
      step = exponentSign;
      return null;
    }
    return exponentSign(c);
  };
  const fraction: Step = (c) => {
    if (isDigit(c)) return null;
    if (c === 0x65 || c === 0x45) {
      step = exponent;
      return null;
    }
    return endValue(c);
  };
  const dot: Step = (c) => {
    if (!isDigit(c)) return fail(c, 'after decimal point in numeric literal');
    step = fraction;
    return null;
  };
  const zero: Step = (c) => {
    if (c === 0x2e) {
      step = dot;
      return null;
    }
    if (c === 0x65 || c === 0x45) {
      step = exponent;
      return null;
    }
    return endValue(c);
  };
  const digits: Step = (c) => (isDigit(c) ? null : zero(c));
  const negative: Step = (c) => {
    if (c === 0x30) step = zero;
    else if (c >= 0x31 && c <= 0x39) step = digits;
    else return fail(c, 'in numeric literal');
    return null;
  };
  const toEnd = (): void => {
    step = endValue;
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return null;
    switch (c) {
      case 0x7b: step = beginStringOrEmpty; stack.push(Ctx.ObjectKey); return null;
      case 0x5b: step = beginValueOrEmpty; stack.push(Ctx.ArrayValue); return null;
      case 0x22: step = inString; return null;
      case 0x2d: step = negative; return null;
      case 0x30: step = zero; return null;
      case 0x74: step = literal('rue', 'true', toEnd); return null;
      case 0x66: step = literal('alse', 'false', toEnd); return null;
      case 0x6e: step = literal('ull', 'null', toEnd); return null;
    }
    if (c >= 0x31 && c <= 0x39) {
      step = digits;
      return null;
    }
    return fail(c, 'looking for beginning of value');
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return null;
    if (c === 0x5d) return endValue(c);
    return beginValue(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return null;
    if (c === 0x22) {
      step = inString;
      return null;
    }
    return fail(c, 'looking for beginning of object key string');
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return null;
    if (c === 0x7d) {
      stack[stack.length - 1] = Ctx.ObjectValue;
      return endValue(c);
    }
    return beginString(c);
  };

  step = beginValue;
  for (const c of bytes) {
    const err = step(c);
    if (err !== null) return err;
  }
  if (endTop) return null;
  const err = step(0x20);
  if (err !== null) return err;
  return endTop ? null : 'unexpected end of JSON input';
}

/** Parses JSON, failing with Go's syntax error text. */
export function parseGoJson(text: string): unknown {
  const err = goJsonSyntaxError(text);
  if (err !== null) throw new GoJsonError(err);
  return JSON.parse(text) as unknown;
}

/** The kind word Go's UnmarshalTypeError uses for a JSON value. */
function kindOf(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

function typeError(value: unknown, goType: string): GoJsonError {
  return new GoJsonError(`json: cannot unmarshal ${kindOf(value)} into Go value of type ${goType}`);
}

export type GoObject = { readonly [key: string]: unknown };

/** A JSON value decoded into a Go struct: null for JSON `null` (all fields zero), else its object. */
export function goStruct(value: unknown, goType: string): GoObject | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(value, goType);
  return value as GoObject;
}

/** The JSON value Go assigns to struct field `name`: the last key equal to it ignoring case. */
export function goField(obj: GoObject | null, name: string): unknown {
  if (obj === null) return undefined;
  const folded = name.toLowerCase();
  let found: unknown;
  for (const key of Object.keys(obj)) if (key.toLowerCase() === folded) found = obj[key];
  return found;
}

/** A Go `string` field ('' for absent or null). */
export function goString(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw typeError(value, 'string');
  return value;
}

/** A Go `bool` field (false for absent or null). */
export function goBool(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw typeError(value, 'bool');
  return value;
}

/** A Go integer field of the given range (0 for absent or null). */
export function goInt(value: unknown, goType = 'int', min = -(2 ** 63), max = 2 ** 63 - 1): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw typeError(value, goType);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GoJsonError(`json: cannot unmarshal number ${String(value)} into Go value of type ${goType}`);
  }
  return value;
}

/** A Go `map[string]string` (null for absent or null; a null value becomes ''). */
export function goStringMap(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(value, 'map[string]string');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as GoObject)) out[k] = goString(v);
  return out;
}

/** A Go `map[string]bool` (null for absent or null). */
export function goBoolMap(value: unknown, goType = 'map[string]bool'): Record<string, boolean> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(value, goType);
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(value as GoObject)) out[k] = goBool(v);
  return out;
}

/** A Go `[n]byte` array: extra elements ignored, missing ones zero. */
export function goByteArray(value: unknown, length: number, goType: string): number[] {
  const out = new Array<number>(length).fill(0);
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw typeError(value, goType);
  for (let i = 0; i < Math.min(length, value.length); i++) out[i] = goInt(value[i], 'uint8', 0, 255);
  return out;
}
