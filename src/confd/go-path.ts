/**
 * Go's `path` package for slash-separated paths: Clean, Join, Base, Dir and Match (glob).
 */

/** `path.Clean`: shortest equivalent path (collapses `//`, resolves `.` and `..`, drops a trailing `/`). */
export function clean(p: string): string {
  if (p === '') return '.';
  if (isAlreadyClean(p)) return p;
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** A rooted path with no empty, `.` or `..` element and no trailing slash is its own Clean. */
function isAlreadyClean(p: string): boolean {
  if (p === '/') return true;
  if (p.charCodeAt(0) !== 47 || p.charCodeAt(p.length - 1) === 47) return false;
  let segStart = 1;
  for (let i = 1; i <= p.length; i++) {
    if (i === p.length || p.charCodeAt(i) === 47) {
      const len = i - segStart;
      if (len === 0) return false;
      if (p.charCodeAt(segStart) === 46 && (len === 1 || (len === 2 && p.charCodeAt(segStart + 1) === 46))) return false;
      segStart = i + 1;
    }
  }
  return true;
}

/** `path.Join`: joins the non-empty elements with `/` and cleans the result ('' when all are empty). */
export function join(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  if (nonEmpty.length === 0) return '';
  return clean(nonEmpty.join('/'));
}

/** `path.Base`: last element; '' → '.', all slashes → '/'. */
export function base(p: string): string {
  if (p === '') return '.';
  let s = p;
  while (s.length > 0 && s.endsWith('/')) s = s.slice(0, -1);
  const i = s.lastIndexOf('/');
  if (i >= 0) s = s.slice(i + 1);
  return s === '' ? '/' : s;
}

/** `path.Dir`: all but the last element, cleaned. */
export function dir(p: string): string {
  const i = p.lastIndexOf('/');
  // Clean("/a/b/") is Clean("/a/b"): leaving the slash out keeps already-clean paths on the fast path.
  return clean(i > 0 ? p.slice(0, i) : p.slice(0, i + 1));
}

export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

/** Matches one character class starting after '['. Returns [matched, index after ']'] or throws. */
function matchClass(pattern: string, i: number, ch: string): [boolean, number] {
  let negated = false;
  if (pattern[i] === '^') {
    negated = true;
    i++;
  }
  let matched = false;
  let first = true;
  for (;;) {
    if (i >= pattern.length) throw new BadPatternError();
    if (pattern[i] === ']' && !first) {
      i++;
      break;
    }
    first = false;
    let lo: string;
    [lo, i] = classChar(pattern, i);
    let hi = lo;
    if (pattern[i] === '-') {
      [hi, i] = classChar(pattern, i + 1);
    }
    if (lo <= ch && ch <= hi) matched = true;
  }
  return [matched !== negated, i];
}

function classChar(pattern: string, i: number): [string, number] {
  let c = pattern[i];
  if (c === undefined || c === '-' || c === ']') throw new BadPatternError();
  if (c === '\\') {
    i++;
    c = pattern[i];
    if (c === undefined) throw new BadPatternError();
  }
  const cp = pattern.codePointAt(i) ?? 0;
  const s = String.fromCodePoint(cp);
  return [s, i + s.length];
}

/** Checks a pattern for syntax errors (Go reports a malformed pattern even when matching fails early). */
export function validatePattern(pattern: string): void {
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new BadPatternError();
      i += 2;
    } else if (c === '[') {
      i = matchClass(pattern, i + 1, '\0')[1];
    } else {
      i++;
    }
  }
}

function regexEscape(ch: string): string {
  return /[\\^$.*+?()[\]{}|\/-]/.test(ch) ? '\\' + ch : ch;
}

const compiled = new Map<string, RegExp>();

/** Compiles a `path.Match` pattern to an anchored regular expression (throws on a malformed one). */
export function compilePattern(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  validatePattern(pattern);
  let re = '^';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string;
    if (c === '*') {
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '\\') {
      const cp = pattern.codePointAt(i + 1) ?? 0;
      const lit = String.fromCodePoint(cp);
      re += regexEscape(lit);
      i += 1 + lit.length;
    } else if (c === '[') {
      i++;
      let cls = '';
      if (pattern[i] === '^') {
        cls = '^';
        i++;
      }
      let first = true;
      while (first || pattern[i] !== ']') {
        first = false;
        let lo: string;
        [lo, i] = classChar(pattern, i);
        cls += regexEscape(lo);
        if (pattern[i] === '-') {
          let hi: string;
          [hi, i] = classChar(pattern, i + 1);
          cls += '-' + regexEscape(hi);
        }
      }
      i++;
      re += cls.startsWith('^') ? `(?![/])[${cls}]` : `[${cls}]`;
    } else {
      const cp = pattern.codePointAt(i) ?? 0;
      const lit = String.fromCodePoint(cp);
      re += regexEscape(lit);
      i += lit.length;
    }
  }
  const rx = new RegExp(re + '$', 'u');
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, rx);
  return rx;
}

/** `path.Match`: the whole name must match; `*` and `?` never match `/`. */
export function match(pattern: string, name: string): boolean {
  return compilePattern(pattern).test(name);
}
