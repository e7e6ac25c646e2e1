/**
 * Go's strconv number syntax as the flag packages apply it: ParseInt / ParseUint with base 0
 * (`0x`, `0o`, `0b`, a leading `0` for octal, `_` between digits), ParseFloat (decimal and hex
 * floats, `inf`, `nan`), and FormatFloat(v, 'g', -1, 64) for showing defaults.
 */

/** Why strconv rejected a text: its `ErrSyntax` or `ErrRange`. */
export type NumberFault = 'syntax' | 'range';

export type ParsedNumber<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: NumberFault };

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_LIMIT = 1n << 63n;

function fail<T>(fault: NumberFault): ParsedNumber<T> {
  return { ok: false, fault };
}

/** strconv's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoreOK(text: string): boolean {
  let s = text;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1]!.toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /^[a-fA-F]$/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

function digitValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  const l = c.toLowerCase();
  if (l.length === 1 && l >= 'a' && l <= 'z') return l.charCodeAt(0) - 87;
  return -1;
}

/** strconv.ParseUint(text, 0, 64). */
export function parseGoUint(text: string): ParsedNumber<bigint> {
  if (text === '') return fail('syntax');
  let s = text;
  let base = 10;
  if (s[0] === '0') {
    const p = s.length >= 3 ? s[1]!.toLowerCase() : '';
    if (p === 'b') base = 2;
    else if (p === 'o') base = 8;
    else if (p === 'x') base = 16;
    else base = 8;
    s = base === 8 && p !== 'o' ? s.slice(1) : s.slice(2);
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d < 0 || d >= base) return fail('syntax');
    n = n * BigInt(base) + BigInt(d);
    if (n > UINT64_MAX) return fail('range');
  }
  if (underscores && !underscoreOK(text)) return fail('syntax');
  return { ok: true, value: n };
}

/** strconv.ParseInt(text, 0, 64). */
export function parseGoInt(text: string): ParsedNumber<bigint> {
  if (text === '') return fail('syntax');
  let s = text;
  let negative = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    negative = true;
    s = s.slice(1);
  }
  const u = parseGoUint(s);
  if (!u.ok) return u;
  if (!negative && u.value >= INT64_LIMIT) return fail('range');
  if (negative && u.value > INT64_LIMIT) return fail('range');
  return { ok: true, value: negative ? -u.value : u.value };
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;

function hexFloat(m: RegExpExecArray): ParsedNumber<number> {
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (whole === '' && fraction === '') return fail('syntax');
  let value = Number(BigInt(`0x${whole}${fraction}`));
  let exp = Number(m[4]) - 4 * fraction.length;
  while (exp !== 0 && value !== 0 && Number.isFinite(value)) {
    const step = Math.max(-1000, Math.min(1000, exp));
    value *= 2 ** step;
    exp -= step;
  }
  if (!Number.isFinite(value)) return fail('range');
  return { ok: true, value: m[1] === '-' ? -value : value };
}

/** strconv.ParseFloat(text, 64). */
export function parseGoFloat(text: string): ParsedNumber<number> {
  if (/^[+-]?(?:inf|infinity)$/i.test(text)) return { ok: true, value: text[0] === '-' ? -Infinity : Infinity };
  if (/^nan$/i.test(text)) return { ok: true, value: NaN };
  if (text.includes('_') && !underscoreOK(text)) return fail('syntax');
  const s = text.replace(/_/g, '');
  const hex = HEX_FLOAT.exec(s);
  if (hex) return hexFloat(hex);
  if (!DECIMAL_FLOAT.test(s) || /^[+-]?0[xX]/.test(s)) return fail('syntax');
  const value = Number(s);
  if (!Number.isFinite(value)) return fail('range');
  return { ok: true, value };
}

/** strconv.FormatFloat(value, 'g', -1, 64), which is how Go shows a float64 default. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, expText] = value.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = value < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
