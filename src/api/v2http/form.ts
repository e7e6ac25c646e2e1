/**
 * URL query and urlencoded body parsing with Go's rules (`url.ParseQuery`): pairs split on `&`, a
 * pair containing `;` is an error, `+` is a space, a bad `%` escape is an error. Every pair is parsed;
 * the first error is reported. Only the first value of each name is kept (the v2 API reads
 * `form[name][0]`), and names already present are not overwritten, so parsing the body first and the
 * query second gives Go's "body wins" precedence.
 */

export type FormValues = Map<string, string>;

const HEX = /^[0-9a-fA-F]{2}$/;

/** Go's `EscapeError` text for the escape starting at `i`. */
function escapeError(s: string, i: number): string {
  return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
}

/**
 * Decodes one query component. Returns the decoded string, or an error message (prefixed by `\0` so
 * it cannot be mistaken for a value).
 */
export function queryUnescape(s: string, plusIsSpace = true): string | { error: string } {
  const pct = s.indexOf('%');
  if (pct === -1) return plusIsSpace && s.includes('+') ? s.replace(/\+/g, ' ') : s;
  for (let i = pct; i < s.length; i++) {
    if (s.charCodeAt(i) === 37 && !HEX.test(s.slice(i + 1, i + 3))) return { error: escapeError(s, i) };
  }
  const spaced = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Not valid UTF-8 once decoded: decode byte by byte, invalid sequences become U+FFFD.
    const bytes: number[] = [];
    for (let i = 0; i < spaced.length; i++) {
      const c = spaced.charCodeAt(i);
      if (c === 37) {
        bytes.push(parseInt(spaced.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (c < 0x80) {
        bytes.push(c);
      } else {
        for (const b of Buffer.from(spaced[i]!, 'utf8')) bytes.push(b);
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
}

/** Adds the pairs of `raw` to `into` (first value per name wins). Returns the first error, or null. */
export function parseFormInto(into: FormValues, raw: string): string | null {
  let err: string | null = null;
  let start = 0;
  const n = raw.length;
  while (start <= n) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = n;
    if (end > start) {
      const pair = raw.slice(start, end);
      if (pair.includes(';')) {
        err ??= 'invalid semicolon separator in query';
      } else {
        const eq = pair.indexOf('=');
        const k = queryUnescape(eq === -1 ? pair : pair.slice(0, eq));
        if (typeof k !== 'string') {
          err ??= k.error;
        } else {
          const v = queryUnescape(eq === -1 ? '' : pair.slice(eq + 1));
          if (typeof v !== 'string') err ??= v.error;
          else if (!into.has(k)) into.set(k, v);
        }
      }
    }
    start = end + 1;
  }
  return err;
}

export { parseGoBool, parseGoUint64 } from '../../go/strconv.js';
