/** Go's time.ParseDuration rules, which etcdctl's flags and etcd's own parameters follow. */

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds ("1.5s", "300ms", "1h2m", "0"). */
export function parseGoDuration(text: string): number | null {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return null;
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === '.'))) return null;
    const n = Number((m[1] || '0') + (m[2] && m[2] !== '.' ? m[2] : ''));
    total += n * DURATION_UNITS_MS[m[3]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}
