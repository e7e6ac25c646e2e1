/**
 * Request-target handling as Go's net/http and ServeMux do it: percent-decoding of the path (a bad
 * escape is a plain 400), and the 301 redirect of unclean paths to their cleaned, re-escaped form.
 */
import { cleanPath } from '../../store/path.js';
import { queryUnescape } from './form.js';

/** The decoded path, or null when it holds a malformed escape. */
export function decodePath(rawPath: string): string | null {
  if (!rawPath.includes('%')) return rawPath;
  const d = queryUnescape(rawPath, false);
  return typeof d === 'string' ? d : null;
}

/** ServeMux's cleaning: POSIX clean, but a trailing slash is kept. */
export function muxCleanPath(p: string): string {
  if (p === '') return '/';
  if (p.charCodeAt(0) !== 47) p = `/${p}`;
  let np = cleanPath(p);
  if (p.length > 1 && p.charCodeAt(p.length - 1) === 47 && np !== '/') np += '/';
  return np;
}

const PATH_SAFE = /^[A-Za-z0-9\-_.~$&+,/:;=@]*$/;

/** Go's URL path escaping (url.PathEscape rules with `/` kept). */
export function escapePath(p: string): string {
  if (PATH_SAFE.test(p)) return p;
  let out = '';
  for (const byte of Buffer.from(p, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && PATH_SAFE.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Escapes `&`, `<`, `>`, `"` and `'` as Go's html.EscapeString does. */
export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&#34;' : '&#39;',
  );
}
