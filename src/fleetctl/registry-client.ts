/**
 * The etcd driver (`--driver=etcd`): fleetctl reading and writing fleet's registry directly, as
 * fleet's client.RegistryClient does. Current states are derived the way fleet's registry derives
 * them (job_state.go): `inactive` without a target or without a state report from the target,
 * `loaded` with both, `launched` when the agent's heartbeat also names the target. A global unit
 * read on its own has no current state and no machine (fleet skips the schedule for it).
 */
import { currentState, type Registry } from '../fleet/registry/registry.js';
import type { RegistryUnit } from '../fleet/registry/types.js';
import type { UnitOption } from '../fleet/unit/unit-file.js';
import { UnitNotFoundError, type FleetClient, type FleetMachine, type FleetUnit, type FleetUnitState } from './fleet-client.js';

function toFleetUnit(unit: RegistryUnit, state: string, machineID: string): FleetUnit {
  return { name: unit.name, options: unit.options, desiredState: unit.targetState, currentState: state, machineID };
}

export class RegistryClient implements FleetClient {
  readonly driver = 'etcd' as const;

  constructor(readonly registry: Registry) {}

  async units(): Promise<FleetUnit[]> {
    const [units, states] = await Promise.all([this.registry.units(), this.registry.unitStates()]);
    return units.map((u) => toFleetUnit(u, currentState(u, states), u.target));
  }

  async unit(name: string): Promise<FleetUnit | null> {
    const u = await this.registry.unit(name);
    if (u === null) return null;
    if (u.global) return toFleetUnit(u, '', '');
    return toFleetUnit(u, currentState(u, await this.registry.unitStates()), u.target);
  }

  async createUnit(name: string, options: readonly UnitOption[]): Promise<void> {
    await this.registry.createUnit(name, options, 'inactive');
  }

  async destroyUnit(name: string): Promise<void> {
    if (!(await this.registry.destroyUnit(name))) throw new UnitNotFoundError(`unit ${name} does not exist`);
  }

  async setUnitTargetState(name: string, state: string): Promise<void> {
    if (state !== 'inactive' && state !== 'loaded' && state !== 'launched') throw new Error(`invalid job state: ${state}`);
    await this.registry.setTargetState(name, state);
  }

  async machines(): Promise<FleetMachine[]> {
    return (await this.registry.machines()).map((m) => ({
      id: m.id,
      publicIP: m.publicIP,
      metadata: { ...m.metadata },
      version: m.version,
    }));
  }

  async unitStates(): Promise<FleetUnitState[]> {
    return (await this.registry.unitStates()).map((s) => ({
      name: s.unitName,
      hash: s.unitHash,
      machineID: s.machineId,
      systemdLoadState: s.loadState,
      systemdActiveState: s.activeState,
      systemdSubState: s.subState,
    }));
  }

  async placementFailure(name: string): Promise<string | null> {
    try {
      const reason = await this.registry.placementFailure(name);
      return reason === null || reason === '' ? null : reason;
    } catch {
      return null;
    }
  }
}
