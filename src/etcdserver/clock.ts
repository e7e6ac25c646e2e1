/** Time as the server sees it; tests pass their own. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Go's RFC3339Nano rendering of a millisecond timestamp (trailing zeros of the fraction dropped). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const [head, fracZ] = iso.split('.') as [string, string];
  const frac = fracZ.slice(0, -1).replace(/0+$/, '');
  return frac === '' ? `${head}Z` : `${head}.${frac}Z`;
}
