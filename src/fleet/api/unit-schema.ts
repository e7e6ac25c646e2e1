/** Registry records as the API's entities (fleet's schema/mapper.go). */
import { currentState } from '../registry/registry.js';
import type { MachineState, RegistryUnit, UnitState } from '../registry/types.js';
import type { SchemaMachine, SchemaUnit, SchemaUnitState } from './schema-json.js';

/**
 * A unit as the API shows it. In a list every unit has a current state (`inactive` for global
 * ones); a single unit fetched by name shows none when it is global, as fleet skips its schedule.
 */
export function schemaUnit(unit: RegistryUnit, states: readonly UnitState[], single: boolean): SchemaUnit {
  const scheduled = !(single && unit.global);
  return {
    currentState: scheduled ? currentState(unit, states) : '',
    desiredState: unit.targetState,
    machineID: scheduled ? unit.target : '',
    name: unit.name,
    options: unit.options,
  };
}

export function schemaUnitState(state: UnitState): SchemaUnitState {
  return {
    hash: state.unitHash,
    machineID: state.machineId,
    name: state.unitName,
    systemdActiveState: state.activeState,
    systemdLoadState: state.loadState,
    systemdSubState: state.subState,
  };
}

/** A machine: ID, published IP and merged metadata; version and capabilities are not shown. */
export function schemaMachine(machine: MachineState): SchemaMachine {
  return { id: machine.id, metadata: machine.metadata, primaryIP: machine.publicIP };
}
