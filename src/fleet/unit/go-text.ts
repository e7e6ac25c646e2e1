/**
 * The few pieces of Go's text handling whose exact behaviour shows through in fleet's messages and
 * parsing: `unicode.IsSpace`, `strings.TrimSpace`, `strings.Fields`, `utf8.DecodeRune` and the
 * `%q` verb (`strconv.Quote` / `strconv.QuoteRune`).
 */

/** The replacement rune Go decodes an invalid UTF-8 byte as. */
export const RUNE_ERROR = 0xfffd;

/** Go's `unicode.IsSpace` (which differs from JavaScript's `\s`: U+0085 yes, U+FEFF no). */
export function goIsSpace(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** `strings.TrimSpace`: strips Go white space from both ends. */
export function goTrimSpace(s: string): string {
  const cps = Array.from(s);
  let start = 0;
  let end = cps.length;
  while (start < end && goIsSpace(cps[start]!.codePointAt(0)!)) start++;
  while (end > start && goIsSpace(cps[end - 1]!.codePointAt(0)!)) end--;
  return cps.slice(start, end).join('');
}

/** `strings.Fields`: the non-empty runs between Go white space. */
export function goFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (goIsSpace(ch.codePointAt(0)!)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** A decoded rune: its code point (RUNE_ERROR for invalid input) and how many bytes it took. */
export interface DecodedRune {
  rune: number;
  size: number;
}

/** `utf8.DecodeRune` over `bytes[start, end)`: invalid or incomplete sequences give (RUNE_ERROR, 1). */
export function goDecodeRune(bytes: Uint8Array, start: number, end: number): DecodedRune {
  const b0 = bytes[start]!;
  if (b0 < 0x80) return { rune: b0, size: 1 };
  let need: number;
  let min: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    min = 0x80;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    min = 0x800;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    min = 0x10000;
    cp = b0 & 0x07;
  } else {
    return { rune: RUNE_ERROR, size: 1 };
  }
  if (start + need >= end) return { rune: RUNE_ERROR, size: 1 };
  for (let i = 1; i <= need; i++) {
    const b = bytes[start + i]!;
    if ((b & 0xc0) !== 0x80) return { rune: RUNE_ERROR, size: 1 };
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { rune: RUNE_ERROR, size: 1 };
  return { rune: cp, size: need + 1 };
}

/** `utf8.FullRune`: whether `bytes[start, end)` begins with a full (or certainly invalid) rune. */
export function goFullRune(bytes: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n <= 0) return false;
  const b0 = bytes[start]!;
  if (b0 < 0xc2 || b0 > 0xf4) return true;
  const need = b0 <= 0xdf ? 2 : b0 <= 0xef ? 3 : 4;
  if (n >= need) return true;
  // A short sequence is already "full" when a byte present so far cannot continue it.
  for (let i = 1; i < n; i++) {
    const b = bytes[start + i]!;
    if (i === 1) {
      const lo = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
      const hi = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
      if (b < lo || b > hi) return true;
    } else if ((b & 0xc0) !== 0x80) {
      return true;
    }
  }
  return false;
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function goIsPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

function escapeRune(cp: number, quote: string): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (goIsPrint(cp)) return ch;
  const named = NAMED_ESCAPES.get(cp);
  if (named !== undefined) return named;
  if (cp < 0x20) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** `%q` of a string (`strconv.Quote`). Lone surrogates are taken as U+FFFD, as Go would decode them. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = RUNE_ERROR;
    out += escapeRune(cp, '"');
  }
  return out + '"';
}

/** `%q` of a rune (`strconv.QuoteRune`): `'x'`. */
export function goQuoteRune(cp: number): string {
  const r = cp >= 0xd800 && cp <= 0xdfff ? RUNE_ERROR : cp;
  return "'" + escapeRune(r, "'") + "'";
}
