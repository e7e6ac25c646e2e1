/**
 * Reading fleet's registry out of etcd v2 trees (the replies of recursive GETs), with fleet's rules:
 * a unit is a `job/<name>` dir with an `object` whose hash resolves in `unit/`; a machine is a
 * `machines/<id>` dir with an `object`; states are sorted by unit, then machine. Pure: the trees
 * come in, the records go out, and whatever is skipped is reported to the log.
 */
import type { EtcdNode } from '../../client/types.js';
import { parseUnitFile, unitHash, type UnitOption } from '../unit/unit-file.js';
import { unitRequirements } from '../unit/requirements.js';
import { lastElement } from './key-layout.js';
import {
  decodeJobObject,
  decodeMachineObject,
  decodeUnitBlob,
  decodeUnitState,
  mergeMetadata,
  parseTargetState,
  RegistryDataError,
} from './records.js';
import type { MachineState, RegistryLog, RegistryUnit, UnitState } from './types.js';

/** The options stored under a hash, or null when `unit/<hash>` is missing or unreadable. */
export type UnitFileLookup = (hash: string) => UnitOption[] | null;

function child(dir: EtcdNode, name: string): EtcdNode | undefined {
  const key = `${dir.key}/${name}`;
  return dir.nodes?.find((n) => n.key === key);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The unit hash a `job/<name>` dir's object names; null without an object. Throws RegistryDataError. */
export function jobDirHash(dir: EtcdNode): string | null {
  const object = child(dir, 'object');
  if (object === undefined) return null;
  return decodeJobObject(object.value ?? '').unitHash;
}

/**
 * One `job/<name>` dir as a unit; null when it has no object (a left-over `job-state`, fleet #1179).
 * Throws RegistryDataError for an unreadable object, an unresolvable hash or a bad target-state.
 */
export function unitFromJobDir(dir: EtcdNode, lookup: UnitFileLookup): RegistryUnit | null {
  const object = child(dir, 'object');
  if (object === undefined) return null;
  const name = lastElement(dir.key);
  const { name: objectName, unitHash: hash } = decodeJobObject(object.value ?? '');
  const options = lookup(hash);
  if (options === null) throw new RegistryDataError(`unable to retrieve Unit(${objectName || name}) from Registry`);
  const stateText = child(dir, 'target-state')?.value ?? '';
  const targetState = stateText === '' ? 'inactive' : parseTargetState(stateText);
  return {
    name,
    hash,
    options,
    targetState,
    target: child(dir, 'target')?.value ?? '',
    jobState: child(dir, 'job-state')?.value ?? '',
    global: unitRequirements(name, options).global,
  };
}

/** Every valid unit under `job/`, in key order; invalid ones are logged and skipped. */
export function unitsFromJobTree(root: EtcdNode | null, lookup: UnitFileLookup, log: RegistryLog): RegistryUnit[] {
  const units: RegistryUnit[] = [];
  for (const dir of root?.nodes ?? []) {
    try {
      const unit = unitFromJobDir(dir, lookup);
      if (unit !== null) units.push(unit);
    } catch (err) {
      log.error(`Failed to parse Unit from etcd: ${message(err)}`);
    }
  }
  return units;
}

/** The hashes the job dirs of a `job/` tree refer to (unreadable objects left out). */
export function hashesOfJobTree(root: EtcdNode | null): string[] {
  const hashes = new Set<string>();
  for (const dir of root?.nodes ?? []) {
    try {
      const hash = jobDirHash(dir);
      if (hash !== null) hashes.add(hash);
    } catch {
      /* reported when the unit is read */
    }
  }
  return [...hashes];
}

/** A `unit/<hash>` value as options, or null (logged) when it does not parse or hash to its key. */
export function unitFileFromBlob(expectedHash: string, value: string, log: RegistryLog): UnitOption[] | null {
  let options: UnitOption[];
  try {
    options = parseUnitFile(decodeUnitBlob(value));
  } catch (err) {
    log.error(`failed to parse Unit from etcd: ${message(err)}`);
    return null;
  }
  const hash = unitHash(options);
  if (hash !== expectedHash) {
    log.error(`Unit hash ${hash} does not match expected ${expectedHash}`);
    return null;
  }
  return options;
}

/** Every readable unit file of a `unit/` tree by hash. */
export function unitFilesFromTree(root: EtcdNode | null, log: RegistryLog): Map<string, UnitOption[]> {
  const files = new Map<string, UnitOption[]>();
  for (const node of root?.nodes ?? []) {
    if (node.dir) continue;
    const hash = lastElement(node.key);
    const options = unitFileFromBlob(hash, node.value ?? '', log);
    if (options !== null) files.set(hash, options);
  }
  return files;
}

/** One `machines/<id>` dir: null without an object or with an empty ID. Throws RegistryDataError. */
export function machineFromDir(dir: EtcdNode): MachineState | null {
  const object = child(dir, 'object');
  if (object === undefined) return null;
  const state = decodeMachineObject(object.value ?? '');
  if (state.id === '') return null;
  const dynamic = (child(dir, 'metadata')?.nodes ?? []).map((n): [string, string] => [lastElement(n.key), n.value ?? '']);
  state.metadata = mergeMetadata(state.metadata, dynamic);
  return state;
}

/**
 * The machines of a `machines/` tree, in key order. Strict (fleetctl's listing): an unreadable
 * object fails the whole read, as in fleet. Lenient (the engine and agents): it is logged and
 * skipped, so one bad key cannot stop scheduling.
 */
export function machinesFromTree(root: EtcdNode | null, strict: boolean, log: RegistryLog): MachineState[] {
  const machines: MachineState[] = [];
  for (const dir of root?.nodes ?? []) {
    try {
      const state = machineFromDir(dir);
      if (state !== null) machines.push(state);
    } catch (err) {
      if (strict) throw err;
      log.error(`Skipping Machine(${lastElement(dir.key)}): ${message(err)}`);
    }
  }
  return machines;
}

/** Every published state of a `states/` tree, sorted by unit name, then machine (key) ID. */
export function unitStatesFromTree(root: EtcdNode | null, log: RegistryLog): UnitState[] {
  const found: Array<{ name: string; machine: string; state: UnitState }> = [];
  for (const dir of root?.nodes ?? []) {
    const name = lastElement(dir.key);
    for (const node of dir.nodes ?? []) {
      const machine = lastElement(node.key);
      try {
        found.push({ name, machine, state: decodeUnitState(node.value ?? '', name) });
      } catch (err) {
        log.error(`Error unmarshalling UnitState(${name}) from Machine(${machine}): ${message(err)}`);
      }
    }
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.machine < b.machine ? -1 : a.machine > b.machine ? 1 : 0));
  return found.map((f) => f.state);
}
