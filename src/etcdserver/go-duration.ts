/** Formats a duration the way Go's time.Duration.String does (e.g. "1h2m3.5s", "350ms", "0s"). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let ns = BigInt(Math.round(Math.abs(ms) * 1e6));
  let out: string;
  if (ns < 1_000_000_000n) {
    if (ns < 1000n) out = `${ns}ns`;
    else if (ns < 1_000_000n) out = `${trimFraction(ns, 1000n)}µs`;
    else out = `${trimFraction(ns, 1_000_000n)}ms`;
  } else {
    const hours = ns / 3_600_000_000_000n;
    ns -= hours * 3_600_000_000_000n;
    const minutes = ns / 60_000_000_000n;
    ns -= minutes * 60_000_000_000n;
    out = `${trimFraction(ns, 1_000_000_000n)}s`;
    if (hours > 0n) out = `${hours}h${minutes}m${out}`;
    else if (minutes > 0n) out = `${minutes}m${out}`;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const frac = value % unit;
  if (frac === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
