/**
 * What fleetctl asks of fleet, whichever way it reaches it: fleet's HTTP API (`--driver=API`) or
 * the registry in etcd (`--driver=etcd`). Both drivers give the same answers for the same state,
 * in the shapes of fleet's API schema (schema.Unit, schema.UnitState, machine.MachineState).
 */
import type { UnitOption } from '../fleet/unit/unit-file.js';

/** A submitted unit (schema.Unit). Empty strings stand for fields fleet leaves out. */
export interface FleetUnit {
  name: string;
  options: UnitOption[];
  /** inactive | loaded | launched ('' when unknown). */
  desiredState: string;
  /** Derived job state; '' for a global unit read on its own (fleet skips the schedule then). */
  currentState: string;
  /** The machine the engine scheduled it to, '' when unscheduled. */
  machineID: string;
}

/** A unit state an agent published (schema.UnitState). */
export interface FleetUnitState {
  name: string;
  hash: string;
  machineID: string;
  systemdLoadState: string;
  systemdActiveState: string;
  systemdSubState: string;
}

/** A registered machine (machine.MachineState). The API does not expose the version: ''. */
export interface FleetMachine {
  id: string;
  publicIP: string;
  metadata: Record<string, string>;
  version: string;
}

/** What `fleetctl status` shows for a unit on one machine: `systemctl status -l` text and its exit code. */
export interface UnitStatusReport {
  text: string;
  exitCode: number;
}

export interface JournalRequest {
  lines: number;
  follow: boolean;
}

/** Raised when a unit to destroy is not there any more (fleet's IsErrorUnitNotFound). */
export class UnitNotFoundError extends Error {
  override readonly name = 'UnitNotFoundError';
}

export interface FleetClient {
  /** 'etcd' for the registry driver: only it checks the cluster's fleet version. */
  readonly driver: 'API' | 'etcd';
  /** Every unit, sorted by name, with its current state. */
  units(): Promise<FleetUnit[]>;
  /** One unit, or null when there is none of that name. */
  unit(name: string): Promise<FleetUnit | null>;
  /** Creates (or replaces) a unit; it is stored with desired state inactive. */
  createUnit(name: string, options: readonly UnitOption[]): Promise<void>;
  /** Throws UnitNotFoundError when the unit does not exist. */
  destroyUnit(name: string): Promise<void>;
  setUnitTargetState(name: string, state: string): Promise<void>;
  /** Registered machines, sorted by ID. */
  machines(): Promise<FleetMachine[]>;
  /** Published unit states, sorted by unit name then machine ID. */
  unitStates(): Promise<FleetUnitState[]>;
  /** Why the engine could not place the unit on any machine, or null when it recorded nothing. */
  placementFailure(name: string): Promise<string | null>;
}

/** Reaching the fleetd that runs a unit, for `status` and `journal` (routes of Flotilla's own). */
export interface FleetAgentAccess {
  unitStatus(machineID: string, name: string): Promise<UnitStatusReport>;
  /** Writes journal text as it comes; resolves when the output ends (never while following). */
  unitJournal(machineID: string, name: string, request: JournalRequest, onText: (text: string) => void): Promise<void>;
}
