/**
 * The wall clock in milliseconds with sub-millisecond digits (etcd prints expirations with
 * nanoseconds). Follows Date.now(); the fraction comes from the high-resolution clock.
 */
export function wallClockMs(): number {
  const precise = performance.timeOrigin + performance.now();
  const coarse = Date.now();
  if (precise - coarse < 2 && coarse - precise < 2) return precise;
  return coarse + (precise - Math.floor(precise));
}
