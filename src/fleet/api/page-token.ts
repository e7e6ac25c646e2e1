/**
 * fleet's page tokens (`nextPageToken`): URL-safe base64 with `=` padding of two little-endian
 * uint16s, the page size ("limit") then the 1-based page. With the default limit of 100, page 1 is
 * `ZAABAA==` and page 2 `ZAACAA==`. Decoding follows Go 1.7's base64 and encoding/binary, so the
 * error texts are theirs (`illegal base64 data at input byte 0`, `unexpected EOF`).
 */

export interface PageToken {
  readonly limit: number;
  readonly page: number;
}

export type PageTokenFound = { readonly ok: true; readonly token: PageToken } | { readonly ok: false; readonly error: string };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PAD = 0x3d;

export function encodePageToken(token: PageToken): string {
  const bytes = Buffer.from([token.limit & 0xff, (token.limit >> 8) & 0xff, token.page & 0xff, (token.page >> 8) & 0xff]);
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The token of the following page (the page number wraps as a uint16 does). */
export function nextPageToken(token: PageToken): PageToken {
  return { limit: token.limit, page: (token.page + 1) & 0xffff };
}

/** Go 1.7's `base64.URLEncoding.DecodeString` over the string's bytes: the bytes or the error text. */
export function decodeGoBase64Url(text: string): { ok: true; bytes: number[] } | { ok: false; error: string } {
  const src = Buffer.from(text, 'utf8');
  const corrupt = (at: number): { ok: false; error: string } => ({ ok: false, error: `illegal base64 data at input byte ${at}` });
  const isNewline = (i: number): boolean => src[i] === 0x0a || src[i] === 0x0d;
  const out: number[] = [];
  let si = 0;
  while (si < src.length && isNewline(si)) si++;
  let end = false;
  let trailing: number | null = null;
  while (si < src.length && !end) {
    const quantum = [0, 0, 0, 0];
    let dlen = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) return corrupt(si - j);
      const c = src[si]!;
      si++;
      while (si < src.length && isNewline(si)) si++;
      if (c === PAD) {
        if (j < 2) return corrupt(si - 1);
        if (j === 2) {
          if (si === src.length) return corrupt(src.length);
          if (src[si] !== PAD) return corrupt(si - 1);
          si++;
          while (si < src.length && isNewline(si)) si++;
        }
        if (si < src.length) trailing = si;
        dlen = j;
        end = true;
        break;
      }
      const v = ALPHABET.indexOf(String.fromCharCode(c));
      if (v < 0) return corrupt(si - 1);
      quantum[j] = v;
    }
    const val = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    const three = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...three.slice(0, dlen - 1));
  }
  if (trailing !== null) return corrupt(trailing);
  return { ok: true, bytes: out };
}

/** Decodes a token's text into a limit and a page (4 bytes needed; more are ignored, as binary.Read does). */
export function decodePageToken(text: string): PageTokenFound {
  const decoded = decodeGoBase64Url(text);
  if (!decoded.ok) return decoded;
  const b = decoded.bytes;
  if (b.length === 0) return { ok: false, error: 'EOF' };
  if (b.length < 4) return { ok: false, error: 'unexpected EOF' };
  return { ok: true, token: { limit: b[0]! | (b[1]! << 8), page: b[2]! | (b[3]! << 8) } };
}

/**
 * The token a list request asks for: its `nextPageToken` query values (none → page 1), checked
 * against the server's limit.
 */
export function findPageToken(values: readonly string[], limit: number): PageTokenFound {
  if (values.length > 1) return { ok: false, error: 'too many values for page token' };
  if (values.length === 0) return { ok: true, token: { limit, page: 1 } };
  const found = decodePageToken(values[0]!);
  if (!found.ok) return found;
  if (found.token.limit !== limit) return { ok: false, error: `token limit must be ${limit}` };
  if (found.token.page === 0) return { ok: false, error: 'token page must be greater than zero' };
  return found;
}

export interface Page<T> {
  items: T[];
  /** The next page's token text, '' when this page is the last. A page that ends exactly at the last item still has one. */
  next: string;
}

/** One page of a sorted collection, as fleet cuts it. */
export function pageOf<T>(all: readonly T[], token: PageToken): Page<T> {
  const start = (token.page - 1) * token.limit;
  let stop = token.page * token.limit;
  if (start >= all.length) return { items: [], next: '' };
  let next = '';
  if (stop > all.length) stop = all.length;
  else next = encodePageToken(nextPageToken(token));
  return { items: all.slice(start, stop), next };
}
