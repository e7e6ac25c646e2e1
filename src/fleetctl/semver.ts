/**
 * Semantic versions as go-semver (coreos/go-semver) reads them for fleetctl's version check:
 * `MAJOR.MINOR.PATCH[-PRERELEASE][+METADATA]`, with no leading `v` (so fleetd's own `v1.0.0`
 * does not parse).
 */

export interface Semver {
  major: number;
  minor: number;
  patch: number;
  preRelease: string;
  metadata: string;
}

const INT = /^[+-]?[0-9]+$/;

export function parseSemver(text: string): Semver | null {
  let rest = text;
  let metadata = '';
  let preRelease = '';
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    metadata = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
  }
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    preRelease = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
  }
  const parts = rest.split('.');
  if (parts.length < 3) return null;
  const tri = [parts[0]!, parts[1]!, parts.slice(2).join('.')];
  if (!tri.every((p) => INT.test(p))) return null;
  return { major: Number(tri[0]), minor: Number(tri[1]), patch: Number(tri[2]), preRelease, metadata };
}

function comparePreRelease(a: string, b: string): number {
  if (a === '' && b !== '') return 1;
  if (b === '' && a !== '') return -1;
  const as = a === '' ? [] : a.split('.');
  const bs = b === '' ? [] : b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    if (i >= as.length) return -1;
    if (i >= bs.length) return 1;
    const x = as[i]!;
    const y = bs[i]!;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn && yn) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Negative when a < b, 0 when equal (metadata is ignored), positive when a > b. */
export function compareSemver(a: Semver, b: Semver): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return comparePreRelease(a.preRelease, b.preRelease);
}

export function semverString(v: Semver): string {
  return `${v.major}.${v.minor}.${v.patch}${v.preRelease !== '' ? `-${v.preRelease}` : ''}${v.metadata !== '' ? `+${v.metadata}` : ''}`;
}
