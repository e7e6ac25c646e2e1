/**
 * Go's `path.Match` (as in Go 1.7, which fleet 1.0.0 was built with): shell globs over names,
 * working on the UTF-8 bytes of both strings.
 *
 * `*` matches any run of non-`/` bytes, `?` one non-`/` character, `[...]` / `[^...]` a character
 * class with `a-z` ranges, and `\` escapes the next character. A malformed pattern
 * (ErrBadPattern) is reported as no match; Go 1.7 notices a malformation only when matching gets
 * that far, which is kept.
 */

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const BACKSLASH = 0x5c;
const RUNE_ERROR = 0xfffd;

class BadPattern extends Error {}

interface Rune {
  r: number;
  n: number;
}

function decodeRune(b: Uint8Array, at: number): Rune {
  const b0 = b[at]!;
  if (b0 < 0x80) return { r: b0, n: 1 };
  const need = b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
  if (need < 0 || at + need >= b.length) return { r: RUNE_ERROR, n: 1 };
  let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let i = 1; i <= need; i++) {
    const c = b[at + i]!;
    if ((c & 0xc0) !== 0x80) return { r: RUNE_ERROR, n: 1 };
    cp = (cp << 6) | (c & 0x3f);
  }
  const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { r: RUNE_ERROR, n: 1 };
  return { r: cp, n: need + 1 };
}

/** Splits off the next chunk: leading stars, then everything up to an unbracketed `*`. */
function scanChunk(p: Uint8Array, at: number): { star: boolean; chunkStart: number; chunkEnd: number } {
  let star = false;
  while (at < p.length && p[at] === STAR) {
    at++;
    star = true;
  }
  let inRange = false;
  let i = at;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case BACKSLASH:
        if (i + 1 < p.length) i++;
        break;
      case OPEN:
        inRange = true;
        break;
      case CLOSE:
        inRange = false;
        break;
      case STAR:
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunkStart: at, chunkEnd: i };
}

/** One (possibly escaped) character of a class; throws BadPattern. */
function getEsc(p: Uint8Array, at: number, end: number): { r: number; next: number } {
  if (at >= end || p[at] === DASH || p[at] === CLOSE) throw new BadPattern();
  if (p[at] === BACKSLASH) {
    at++;
    if (at >= end) throw new BadPattern();
  }
  const { r, n } = decodeRune(p.subarray(0, end), at);
  if (r === RUNE_ERROR && n === 1) throw new BadPattern();
  const next = at + n;
  if (next >= end) throw new BadPattern();
  return { r, next };
}

/** Matches a chunk at the start of `s[from..]`: the rest's offset, or -1. Throws BadPattern. */
function matchChunk(p: Uint8Array, cStart: number, cEnd: number, s: Uint8Array, from: number): number {
  let c = cStart;
  let i = from;
  while (c < cEnd) {
    if (i >= s.length) return -1;
    switch (p[c]) {
      case OPEN: {
        const { r, n } = decodeRune(s, i);
        i += n;
        c++;
        let negated = false;
        if (c < cEnd && p[c] === CARET) {
          negated = true;
          c++;
        }
        let match = false;
        let nrange = 0;
        for (;;) {
          if (c < cEnd && p[c] === CLOSE && nrange > 0) {
            c++;
            break;
          }
          const lo = getEsc(p, c, cEnd);
          c = lo.next;
          let hi = lo.r;
          if (p[c] === DASH) {
            const h = getEsc(p, c + 1, cEnd);
            hi = h.r;
            c = h.next;
          }
          if (lo.r <= r && r <= hi) match = true;
          nrange++;
        }
        if (match === negated) return -1;
        break;
      }
      case QUESTION: {
        if (s[i] === SLASH) return -1;
        i += decodeRune(s, i).n;
        c++;
        break;
      }
      case BACKSLASH: {
        c++;
        if (c >= cEnd) throw new BadPattern();
        if (p[c] !== s[i]) return -1;
        i++;
        c++;
        break;
      }
      default: {
        if (p[c] !== s[i]) return -1;
        i++;
        c++;
      }
    }
  }
  return i;
}

function matchBytes(p: Uint8Array, s: Uint8Array): boolean {
  let pat = 0;
  let name = 0;
  pattern: while (pat < p.length) {
    const { star, chunkStart, chunkEnd } = scanChunk(p, pat);
    pat = chunkEnd;
    if (star && chunkStart === chunkEnd) {
      // A trailing star matches the rest unless it holds a slash.
      return s.subarray(name).indexOf(SLASH) === -1;
    }
    const t = matchChunk(p, chunkStart, chunkEnd, s, name);
    if (t >= 0 && (t === s.length || pat < p.length)) {
      name = t;
      continue;
    }
    if (star) {
      for (let i = name; i < s.length && s[i] !== SLASH; i++) {
        const t2 = matchChunk(p, chunkStart, chunkEnd, s, i + 1);
        if (t2 >= 0) {
          if (pat === p.length && t2 < s.length) continue;
          name = t2;
          continue pattern;
        }
      }
    }
    return false;
  }
  return name === s.length;
}

/** Whether `name` matches the glob `pattern` (a malformed pattern matches nothing). */
export function pathMatch(pattern: string, name: string): boolean {
  try {
    return matchBytes(Buffer.from(pattern, 'utf8'), Buffer.from(name, 'utf8'));
  } catch (err) {
    if (err instanceof BadPattern) return false;
    throw err;
  }
}

/** Like `path.Match`: the result, or 'bad pattern' when Go would return ErrBadPattern. */
export function pathMatchStrict(pattern: string, name: string): boolean | 'bad pattern' {
  try {
    return matchBytes(Buffer.from(pattern, 'utf8'), Buffer.from(name, 'utf8'));
  } catch (err) {
    if (err instanceof BadPattern) return 'bad pattern';
    throw err;
  }
}
