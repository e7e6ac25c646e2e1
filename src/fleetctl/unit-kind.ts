/**
 * Whether fleetctl treats a unit as global (fleetctl's suToGlobal, job.Unit.IsGlobal): the last
 * `[X-Fleet] Global=` value, read as written, is one of true, yes, 1, on, t (any case).
 */
import type { UnitOption } from '../fleet/unit/unit-file.js';

const TRUTHY = new Set(['true', 'yes', '1', 'on', 't']);

export function isGlobalUnit(options: readonly UnitOption[]): boolean {
  let last: string | undefined;
  for (const o of options) if (o.section === 'X-Fleet' && o.name === 'Global') last = o.value;
  return last !== undefined && TRUTHY.has(last.toLowerCase());
}
