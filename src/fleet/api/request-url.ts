/**
 * A request target as Go's net/http sees it: the percent-decoded path that fleet's routes match
 * (`hello%40.service` is `hello@.service`), the query parsed as Go 1.7's `url.ParseQuery` does
 * (pairs split on `&` and `;`, `+` as a space, a pair with a bad escape skipped), and ServeMux's
 * `cleanPath`, whose result differs from the path when the mux redirects.
 */
import { posix } from 'node:path';

export interface RequestUrl {
  /** Decoded path, e.g. `/fleet/v1/units/a@.service`. */
  path: string;
  /** Query text after `?`, '' when none. */
  rawQuery: string;
  query: Map<string, string[]>;
}

const utf8 = new TextDecoder('utf-8');

function isHexByte(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
}

/** Go's `unescape`: %XX to bytes (and `+` to a space in a query); null on a bad escape. */
export function goUnescape(text: string, plusIsSpace: boolean): string | null {
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return text;
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25) {
      if (!isHexByte(src[i + 1]) || !isHexByte(src[i + 2])) return null;
      out.push(parseInt(String.fromCharCode(src[i + 1]!, src[i + 2]!), 16));
      i += 2;
    } else if (c === 0x2b && plusIsSpace) {
      out.push(0x20);
    } else {
      out.push(c);
    }
  }
  return utf8.decode(Uint8Array.from(out));
}

/** Go 1.7's `url.ParseQuery`, keeping the pairs that decode. */
export function parseGoQuery(rawQuery: string): Map<string, string[]> {
  const query = new Map<string, string[]>();
  for (const pair of rawQuery.split(/[&;]/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = goUnescape(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = goUnescape(eq < 0 ? '' : pair.slice(eq + 1), true);
    if (key === null || value === null) continue;
    const values = query.get(key);
    if (values === undefined) query.set(key, [value]);
    else values.push(value);
  }
  return query;
}

/** Parses `req.url` (origin form, or absolute form `http://host/path`); null when the path has a bad escape. */
export function parseRequestUrl(target: string): RequestUrl | null {
  let rest = target;
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  const path = goUnescape(rawPath, false);
  if (path === null) return null;
  return { path, rawQuery, query: parseGoQuery(rawQuery) };
}

/** ServeMux's `cleanPath`: rooted, `path.Clean`ed, with a trailing slash kept. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : `/${p}`;
  let np = posix.normalize(rooted);
  // posix.normalize keeps a trailing slash and a leading `//`; path.Clean drops both.
  np = np.replace(/^\/+/, '/');
  if (np.length > 1 && np.endsWith('/')) np = np.slice(0, -1);
  if (rooted.endsWith('/') && np !== '/') np += '/';
  return np;
}

/** A path written back into a URL (`url.URL.String()` for a plain path): what the redirect's Location carries. */
export function escapePath(path: string): string {
  return path.replace(/[^A-Za-z0-9\-._~$&+,;=:@/]/gu, (ch) => {
    return Array.from(Buffer.from(ch, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
}
