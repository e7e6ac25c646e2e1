/** File modes the way confd handles them: `strconv.ParseUint(s, 0, 32)` and Go's `FileMode.String()`. */
import { goQuote } from './gotemplate/escapers.js';

export class ModeSyntaxError extends Error {}

/** Parses a resource's `mode` string: `0644`/`0o644` octal, `0x1a4` hex, `644` decimal (!). */
export function parseModeString(text: string): number {
  let s = text;
  let radix = 10;
  if (/^0[xX]/.test(s)) {
    radix = 16;
    s = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    radix = 8;
    s = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    radix = 2;
    s = s.slice(2);
  } else if (s.length > 1 && s.startsWith('0')) {
    radix = 8;
    s = s.slice(1);
  }
  const digits = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix] as RegExp;
  const clean = s.replace(/_/g, '');
  if (!digits.test(clean) || (s.includes('_') && radix === 10 && !text.startsWith('0'))) {
    throw new ModeSyntaxError(`strconv.ParseUint: parsing ${goQuote(text)}: invalid syntax`);
  }
  const v = parseInt(clean, radix);
  if (v > 0xffffffff) throw new ModeSyntaxError(`strconv.ParseUint: parsing ${goQuote(text)}: value out of range`);
  return v;
}

/** The permission and special bits chmod applies for a Go FileMode value (Go keeps only 0o777 plus its own flag bits). */
export function chmodBits(goMode: number): number {
  return goMode & 0o777;
}

/** Go's `os.FileMode(m).String()` for a regular file given stat's st_mode. */
export function fileModeString(statMode: number): string {
  let prefix = '';
  const type = statMode & 0o170000;
  if (type === 0o040000) prefix += 'd';
  if (type === 0o120000) prefix += 'L';
  if (type === 0o010000) prefix += 'p';
  if (type === 0o140000) prefix += 'S';
  if (statMode & 0o4000) prefix += 'u';
  if (statMode & 0o2000) prefix += 'g';
  if (type === 0o020000) prefix += 'Dc';
  if (type === 0o060000) prefix += 'D';
  if (statMode & 0o1000) prefix += 't';
  if (prefix === '') prefix = '-';
  const rwx = 'rwxrwxrwx';
  let perm = '';
  for (let i = 0; i < 9; i++) perm += statMode & (1 << (8 - i)) ? rwx[i] : '-';
  return prefix + perm;
}
