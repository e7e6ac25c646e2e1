/**
 * TTL arithmetic as etcd does it: the expiration travels as an absolute time, a TTL of N seconds is
 * reported as the remaining time rounded up, and expirations print as RFC 3339 with nanoseconds.
 */

/** Expiration times before 2000-01-01 are treated as "permanent" (etcd's guard against bad clocks). */
const MIN_EXPIRE_MS = 946684800000;
/** Largest ms value whose nanosecond count still fits a signed 64-bit integer. */
const SAFE_NS_LIMIT_MS = 9.2e15;
/** Largest TTL whose nanosecond count fits a signed 64-bit integer. */
const MAX_SAFE_TTL_S = 9223372036;

/**
 * The absolute expiration (ms since the epoch) of a write made at `time` with `ttl` seconds, or 0 for
 * a permanent node. Mirrors etcd's 64-bit nanosecond arithmetic: absurdly large TTLs wrap around and
 * usually end up permanent.
 */
export function expirationFor(time: number, ttl: number | null): number {
  if (ttl === null) return 0;
  let exp = time + ttl * 1000;
  if (ttl > MAX_SAFE_TTL_S || !(exp < SAFE_NS_LIMIT_MS)) {
    const nowNs = BigInt(Math.round(time * 1e6));
    const ttlNs = BigInt.asIntN(64, BigInt(Math.trunc(ttl)) * 1_000_000_000n);
    const ns = BigInt.asIntN(64, nowNs + ttlNs);
    exp = Number(ns) / 1e6;
  }
  if (exp === 0 || exp < MIN_EXPIRE_MS) return 0;
  return exp;
}

/** Remaining whole seconds, rounded up (toward zero when already past), as etcd reports `ttl`. */
export function remainingTtl(expireTime: number, now: number): number {
  const ttl = Math.ceil((expireTime - now) / 1000);
  return ttl === 0 ? 0 : ttl; // no -0
}

/** RFC 3339 in UTC with up to nine fractional digits, trailing zeros trimmed (Go's RFC3339Nano). */
export function formatExpiration(ms: number): string {
  const whole = Math.floor(ms);
  let subNs = Math.round((ms - whole) * 1e6);
  let base = whole;
  if (subNs >= 1e6) {
    subNs -= 1e6;
    base += 1;
  }
  const iso = new Date(base).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const millis = base - Math.floor(base / 1000) * 1000;
  let frac = String(millis * 1e6 + subNs).padStart(9, '0');
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  const head = iso.slice(0, iso.length - 5); // drop ".mmmZ"
  return frac === '' ? `${head}Z` : `${head}.${frac}Z`;
}
