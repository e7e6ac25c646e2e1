/**
 * The values fleet 1.0.0 keeps in etcd, encoded and decoded byte for byte as its Go structs do:
 * `job/<n>/object` (jobModel), `unit/<sha1>` (unitModel), `machines/<id>/object` (MachineState),
 * `states/<n>/<id>` (unitStateModel) and `lease/engine-leader` (etcdLeaseMetadata).
 */
import { goJsonBoolMap, goJsonString, goJsonStringMap } from './go-json-encode.js';
import {
  goBoolMap,
  goByteArray,
  goField,
  goInt,
  goString,
  goStringMap,
  goStruct,
  parseGoJson,
  GoJsonError,
} from './go-json-decode.js';
import { hashBytes, hashFromBytes } from '../unit/unit-file.js';
import type { JobState, MachineState, UnitState } from './types.js';

/** A registry value that fleet could not read; the message is fleet's. */
export class RegistryDataError extends Error {
  override readonly name = 'RegistryDataError';
}

/** Runs a decoder, turning Go decoding errors into fleet's `unable to JSON-deserialize object: ...`. */
function deserialize<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof GoJsonError) throw new RegistryDataError(`unable to JSON-deserialize object: ${err.message}`);
    throw err;
  }
}

// ---------------------------------------------------------------- job/<name>/object

export interface JobObject {
  name: string;
  /** 40 hex digits. */
  unitHash: string;
}

export function encodeJobObject(name: string, hash: string): string {
  return `{"Name":${goJsonString(name)},"UnitHash":[${hashBytes(hash).join(',')}]}`;
}

export function decodeJobObject(text: string): JobObject {
  return deserialize(() => {
    const obj = goStruct(parseGoJson(text), 'registry.jobModel');
    return {
      name: goString(goField(obj, 'Name')),
      unitHash: hashFromBytes(goByteArray(goField(obj, 'UnitHash'), 20, 'unit.Hash')),
    };
  });
}

// ---------------------------------------------------------------- unit/<sha1>

export function encodeUnitBlob(raw: string): string {
  return `{"Raw":${goJsonString(raw)}}`;
}

/** The serialized unit file (`Raw`). */
export function decodeUnitBlob(text: string): string {
  return deserialize(() => goString(goField(goStruct(parseGoJson(text), 'registry.unitModel'), 'Raw')));
}

// ---------------------------------------------------------------- job/<name>/target-state

const JOB_STATES: readonly string[] = ['inactive', 'loaded', 'launched'];

export function isJobState(text: string): text is JobState {
  return JOB_STATES.includes(text);
}

/** fleet's job.ParseJobState, failing as Units() logs it. */
export function parseTargetState(text: string): JobState {
  if (isJobState(text)) return text;
  throw new RegistryDataError(`failed to parse Unit target-state: invalid value ${JSON.stringify(text)} for JobState`);
}

// ---------------------------------------------------------------- machines/<id>/object

export const DEFAULT_CAPABILITIES = { DISABLE_ENGINE: false, GRPC: false } as const;

export function encodeMachineObject(state: MachineState): string {
  const caps = state.capabilities ?? DEFAULT_CAPABILITIES;
  return (
    `{"ID":${goJsonString(state.id)},"PublicIP":${goJsonString(state.publicIP)},` +
    `"Metadata":${goJsonStringMap(state.metadata)},` +
    `"Capabilities":${goJsonBoolMap({ DISABLE_ENGINE: caps.DISABLE_ENGINE, GRPC: caps.GRPC })},` +
    `"Version":${goJsonString(state.version)}}`
  );
}

/** A machine object as fleet's readMachineState decodes it (metadata not yet merged). */
export function decodeMachineObject(text: string): MachineState {
  return deserialize(() => {
    const obj = goStruct(parseGoJson(text), 'machine.MachineState');
    const caps = goBoolMap(goField(obj, 'Capabilities'), 'machine.Capabilities');
    const state: MachineState = {
      id: goString(goField(obj, 'ID')),
      publicIP: goString(goField(obj, 'PublicIP')),
      metadata: goStringMap(goField(obj, 'Metadata')) ?? {},
      version: goString(goField(obj, 'Version')),
    };
    if (caps !== null) state.capabilities = { DISABLE_ENGINE: caps.DISABLE_ENGINE === true, GRPC: caps.GRPC === true };
    return state;
  });
}

/** The machine's metadata overlaid with the `metadata/` dir: the dir wins, '' removes. */
export function mergeMetadata(base: Readonly<Record<string, string>>, dynamic: ReadonlyArray<[string, string]>): Record<string, string> {
  const out: Record<string, string> = { ...base };
  for (const [key, value] of dynamic) {
    if (value === '') delete out[key];
    else out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------- states/<name>/<machine>

export function encodeUnitState(state: UnitState, machineId: string): string {
  const machine =
    machineId === ''
      ? 'null'
      : `{"ID":${goJsonString(machineId)},"PublicIP":"","Metadata":null,"Capabilities":null,"Version":""}`;
  return (
    `{"loadState":${goJsonString(state.loadState)},"activeState":${goJsonString(state.activeState)},` +
    `"subState":${goJsonString(state.subState)},"machineState":${machine},"unitHash":${goJsonString(state.unitHash)}}`
  );
}

/** A published state; the machine ID is the one inside `machineState` ('' when it is null). */
export function decodeUnitState(text: string, unitName: string): UnitState {
  return deserialize(() => {
    const obj = goStruct(parseGoJson(text), 'registry.unitStateModel');
    const machine = goStruct(goField(obj, 'machineState') ?? null, 'machine.MachineState');
    if (machine !== null) decodeMachineFields(machine);
    return {
      unitName,
      machineId: goString(goField(machine, 'ID')),
      loadState: goString(goField(obj, 'loadState')),
      activeState: goString(goField(obj, 'activeState')),
      subState: goString(goField(obj, 'subState')),
      unitHash: goString(goField(obj, 'unitHash')),
    };
  });
}

/** Type-checks the MachineState fields as Go would while decoding them. */
function decodeMachineFields(obj: NonNullable<ReturnType<typeof goStruct>>): void {
  goString(goField(obj, 'ID'));
  goString(goField(obj, 'PublicIP'));
  goStringMap(goField(obj, 'Metadata'));
  goBoolMap(goField(obj, 'Capabilities'), 'machine.Capabilities');
  goString(goField(obj, 'Version'));
}

// ---------------------------------------------------------------- lease/engine-leader

export function encodeLease(machineId: string, version: number): string {
  return `{"MachineID":${goJsonString(machineId)},"Version":${Math.trunc(version)}}`;
}

/** The lease holder; a value that does not decode is a bare machine ID of version 0. */
export function decodeLease(text: string): { machineId: string; version: number } {
  try {
    const obj = goStruct(parseGoJson(text), 'lease.etcdLeaseMetadata');
    return { machineId: goString(goField(obj, 'MachineID')), version: goInt(goField(obj, 'Version')) };
  } catch (err) {
    if (err instanceof GoJsonError) return { machineId: text, version: 0 };
    throw err;
  }
}
