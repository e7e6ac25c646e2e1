/** The registry's data model: what fleet keeps in etcd under its key prefix, as fleet's code sees it. */
import type { UnitOption } from '../unit/unit-file.js';

/** fleet's job states: desired (`target-state`) and derived current state. */
export type JobState = 'inactive' | 'loaded' | 'launched';

/** A submitted unit: `job/<name>/{object,target-state,target,job-state}` with its `unit/<hash>` text. */
export interface RegistryUnit {
  name: string;
  /** SHA-1 of the canonical unit text, 40 hex digits. */
  hash: string;
  options: UnitOption[];
  /** Desired state (`target-state`). */
  targetState: JobState;
  /** Machine ID the engine scheduled it to (`target`), '' when unscheduled. */
  target: string;
  /** Machine ID of the agent's launched heartbeat (`job-state`), '' when absent. */
  jobState: string;
  /** `[X-Fleet] Global` truthy. */
  global: boolean;
}

/** A machine's presence record (`machines/<id>/object`), metadata merged with `machines/<id>/metadata/`. */
export interface MachineState {
  id: string;
  publicIP: string;
  metadata: Record<string, string>;
  version: string;
  capabilities?: { DISABLE_ENGINE: boolean; GRPC: boolean };
}

/** A unit's state as an agent publishes it (`states/<name>/<machine>`). */
export interface UnitState {
  unitName: string;
  machineId: string;
  loadState: string;
  activeState: string;
  subState: string;
  unitHash: string;
}

/** The engine leader lease (`lease/engine-leader`). */
export interface Lease {
  machineId: string;
  version: number;
  /** etcd modifiedIndex of the lease key, for renewals with prevIndex. */
  index: number;
  /** Seconds left, as etcd reports. */
  ttl: number;
}

/** Where the registry and the engine report what they skip or fail at. */
export interface RegistryLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything the engine and the agents need in one read: units with their schedule, and machines. */
export interface ScheduleSnapshot {
  /** Valid units in key (name) order, with target and job-state. */
  units: RegistryUnit[];
  /** Present machines sorted by ID, metadata merged. */
  machines: MachineState[];
}
