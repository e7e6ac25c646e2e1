/** A unit's current state, derived as fleetctl derives it (registry/job_state.go determineJobState). */
import type { JobState, RegistryUnit, UnitState } from './types.js';

/**
 * `inactive` without a target or without a published state from the target machine, `launched`
 * when the heartbeat (`job-state`) names the target, `loaded` otherwise. Global units have no
 * target, so they read as `inactive` here; callers decide how to show them.
 */
export function currentState(unit: RegistryUnit, states: readonly UnitState[]): JobState {
  if (unit.target === '') return 'inactive';
  if (!states.some((s) => s.unitName === unit.name && s.machineId === unit.target)) return 'inactive';
  return unit.jobState === unit.target ? 'launched' : 'loaded';
}
