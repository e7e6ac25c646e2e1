/** Maps a key to the escaped URL path of the keys API, the way etcd's Go client builds it. */

/** Cleans a slash-separated path like a POSIX path clean (collapse '//', drop '.', resolve '..'). */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

const KEEP = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

/** Percent-escapes a URL path: everything but unreserved characters and `$&+,/:;=@`. */
export function escapePath(p: string): string {
  let out = '';
  for (const ch of p) {
    if (KEEP.test(ch)) {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** `/v2/keys` + the cleaned key (a trailing slash is kept), escaped. */
export function keysPath(key: string): string {
  const raw = '/v2/keys' + (key.startsWith('/') || key === '' ? key : '/' + key);
  let cleaned = cleanPath(raw);
  if (raw.endsWith('/') && cleaned !== '/') cleaned += '/';
  return escapePath(cleaned);
}

/** Encodes query or form parameters (application/x-www-form-urlencoded, sorted by name as Go does). */
export function encodeParams(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${formEscape(k)}=${formEscape(params[k]!)}`)
    .join('&');
}

function formEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
