/**
 * Key paths: POSIX-style cleaning as Go's `path.Clean` does it, on absolute paths.
 */

/** True when `p` is absolute and already clean (no `//`, `.` or `..` segments, no trailing `/`). */
export function isCleanPath(p: string): boolean {
  if (p.charCodeAt(0) !== 47) return false;
  if (p.length === 1) return true;
  if (p.charCodeAt(p.length - 1) === 47) return false;
  return !(p.includes('//') || p.includes('/./') || p.includes('/../') || p.endsWith('/.') || p.endsWith('/..'));
}

/** The clean absolute form of `p`: a leading `/`, no empty, `.` or `..` segments, no trailing `/`. */
export function cleanPath(p: string): string {
  if (isCleanPath(p)) return p;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** `parent` joined with one child name. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
