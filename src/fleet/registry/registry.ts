/**
 * fleet's registry in etcd, byte-compatible with fleet 1.0.0 in both directions (see
 * docs/fleet.md for the key layout): what fleetd and fleetctl read and write. Requests are the
 * ones fleetctl's etcd driver makes (quorum on the unit listing, sorted job and machine listings).
 */
import { setTimeout as pause } from 'node:timers/promises';

import type { EtcdClient } from '../../client/etcd-client.js';
import { EtcdError } from '../../client/errors.js';
import type { EtcdNode, EtcdResponse } from '../../client/types.js';
import { serializeUnit, unitHash, type UnitOption } from '../unit/unit-file.js';
import { KeyLayout, lastElement } from './key-layout.js';
import {
  decodeLease,
  decodeUnitState,
  encodeJobObject,
  encodeLease,
  encodeMachineObject,
  encodeUnitBlob,
  encodeUnitState,
  RegistryDataError,
} from './records.js';
import {
  hashesOfJobTree,
  jobDirHash,
  machinesFromTree,
  unitFileFromBlob,
  unitFilesFromTree,
  unitFromJobDir,
  unitsFromJobTree,
  unitStatesFromTree,
} from './registry-read.js';
import type {
  JobState,
  Lease,
  MachineState,
  RegistryLog,
  RegistryUnit,
  ScheduleSnapshot,
  UnitState,
} from './types.js';

export { currentState } from './job-state.js';
export { RegistryDataError } from './records.js';

export const DEFAULT_KEY_PREFIX = '/_coreos.com/fleet/';

/** How long a recorded placement failure stays visible without being recorded again. */
export const PLACEMENT_FAILURE_TTL_SECONDS = 60;

const KEY_NOT_FOUND = 100;
const TEST_FAILED = 101;
const NODE_EXIST = 105;

const silentLog: RegistryLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function isEtcdError(err: unknown, ...codes: number[]): boolean {
  return err instanceof EtcdError && codes.includes(err.errorCode);
}

/** etcd TTLs are whole seconds; anything shorter than one becomes one. */
function ttlSeconds(seconds: number): number {
  return Math.max(1, Math.floor(seconds));
}

export class Registry {
  private readonly keys: KeyLayout;
  /** Unit files by hash: they never change once stored. */
  private readonly unitFiles = new Map<string, UnitOption[]>();

  constructor(
    readonly client: EtcdClient,
    readonly keyPrefix: string = DEFAULT_KEY_PREFIX,
    private readonly log: RegistryLog = silentLog,
  ) {
    this.keys = new KeyLayout(keyPrefix);
  }

  /** A GET whose missing key is null rather than an error. */
  private async read(key: string, options: { recursive?: boolean; sorted?: boolean; quorum?: boolean }): Promise<EtcdResponse | null> {
    try {
      return await this.client.get(key, { recursive: false, sorted: false, quorum: false, ...options });
    } catch (err) {
      if (isEtcdError(err, KEY_NOT_FOUND)) return null;
      throw err;
    }
  }

  private async remove(key: string, options: { recursive?: boolean; prevValue?: string; prevIndex?: number; dir?: boolean } = {}): Promise<boolean> {
    try {
      await this.client.delete(key, options);
      return true;
    } catch (err) {
      if (isEtcdError(err, KEY_NOT_FOUND)) return false;
      throw err;
    }
  }

  private jobTree(): Promise<EtcdResponse | null> {
    return this.read(this.keys.jobs, { recursive: true, sorted: true });
  }

  /** Makes sure every hash is in the cache, with one recursive GET of `unit/` when some are missing. */
  private async fillUnitFiles(hashes: readonly string[]): Promise<void> {
    if (hashes.every((h) => this.unitFiles.has(h))) return;
    const tree = await this.read(this.keys.unitFiles, { recursive: true, quorum: true });
    for (const [hash, options] of unitFilesFromTree(tree?.node ?? null, this.log)) this.unitFiles.set(hash, options);
  }

  private readonly lookup = (hash: string): UnitOption[] | null => this.unitFiles.get(hash) ?? null;

  // ---- units (fleetctl, the API) ----
  /** Every valid unit, sorted by name (units whose target-state does not parse are skipped). */
  async units(): Promise<RegistryUnit[]> {
    const tree = await this.jobTree();
    if (tree === null) return [];
    await this.fillUnitFiles(hashesOfJobTree(tree.node));
    return unitsFromJobTree(tree.node, this.lookup, this.log);
  }

  /** One unit, or null when it does not exist. Throws RegistryDataError for a unit fleet cannot read. */
  async unit(name: string): Promise<RegistryUnit | null> {
    const dir = await this.read(this.keys.job(name), { recursive: true });
    if (dir === null) return null;
    const hash = jobDirHash(dir.node);
    if (hash !== null && !this.unitFiles.has(hash)) {
      const blob = await this.read(this.keys.unitFile(hash), { recursive: true });
      const options = blob === null ? null : unitFileFromBlob(hash, blob.node.value ?? '', this.log);
      if (options !== null) this.unitFiles.set(hash, options);
    }
    return unitFromJobDir(dir.node, this.lookup);
  }

  /** Stores `unit/<hash>` (create-only; already there is fine), `job/<name>/object` and `target-state`. */
  async createUnit(name: string, options: readonly UnitOption[], targetState: JobState): Promise<void> {
    const raw = serializeUnit(options);
    const hash = unitHash(options);
    try {
      await this.client.create(this.keys.unitFile(hash), encodeUnitBlob(raw));
    } catch (err) {
      if (!isEtcdError(err, NODE_EXIST)) throw err;
    }
    this.unitFiles.set(hash, options.map((o) => ({ ...o })));
    await this.client.set(this.keys.jobObject(name), encodeJobObject(name, hash));
    await this.client.set(this.keys.targetState(name), targetState);
  }

  /** Deletes `job/<name>` recursively; false when it did not exist. */
  destroyUnit(name: string): Promise<boolean> {
    return this.remove(this.keys.job(name), { recursive: true });
  }

  async setTargetState(name: string, state: JobState): Promise<void> {
    await this.client.set(this.keys.targetState(name), state);
  }

  // ---- machines ----
  /** Registered machines sorted by ID, metadata merged with the metadata dir. Throws RegistryDataError for an unreadable object, as fleet does. */
  async machines(): Promise<MachineState[]> {
    const tree = await this.read(this.keys.machines, { recursive: true, sorted: true });
    return machinesFromTree(tree?.node ?? null, true, this.log);
  }

  /** Writes `machines/<id>/object` with a TTL: create-only when `create`, else update-only (falls back to create). Returns the key's index. */
  async setMachineState(state: MachineState, ttl: number, create: boolean): Promise<number> {
    const key = this.keys.machineObject(state.id);
    const value = encodeMachineObject(state);
    if (!create) {
      try {
        return (await this.client.update(key, value, { ttl: ttlSeconds(ttl) })).node.modifiedIndex;
      } catch (err) {
        if (!isEtcdError(err, KEY_NOT_FOUND)) throw err;
      }
    }
    return (await this.client.create(key, value, { ttl: ttlSeconds(ttl) })).node.modifiedIndex;
  }

  async removeMachineState(machineId: string): Promise<void> {
    await this.remove(this.keys.machineObject(machineId));
  }

  /** Dynamic metadata (`machines/<id>/metadata/<key>`); '' deletes. */
  async setMachineMetadata(machineId: string, key: string, value: string): Promise<void> {
    await this.client.set(this.keys.machineMetadata(machineId, key), value);
  }

  // ---- unit states (agents) ----
  /** Every published state, sorted by unit name then machine ID. */
  async unitStates(): Promise<UnitState[]> {
    const tree = await this.read(this.keys.states, { recursive: true });
    return unitStatesFromTree(tree?.node ?? null, this.log);
  }

  /** Writes `states/<name>/<machine>` and the legacy `state/<name>` with a TTL. */
  async saveUnitState(state: UnitState, machine: MachineState, ttl: number): Promise<void> {
    const machineId = state.machineId !== '' ? state.machineId : machine.id;
    if (machineId === '' || state.unitHash === '') return;
    const value = encodeUnitState(state, machineId);
    await this.client.set(this.keys.legacyUnitState(state.unitName), value, { ttl: ttlSeconds(ttl) });
    await this.client.set(this.keys.unitState(state.unitName, machineId), value, { ttl: ttlSeconds(ttl) });
  }

  /** Deletes this machine's `states/<name>/<machine>` entry (and `state/<name>` when it is ours). */
  async removeUnitState(name: string, machineId: string): Promise<void> {
    await this.remove(this.keys.unitState(name, machineId));
    try {
      await this.client.delete(this.keys.unitStates(name), { dir: true });
    } catch (err) {
      if (!(err instanceof EtcdError)) throw err;
    }
    const legacy = await this.read(this.keys.legacyUnitState(name), {});
    if (legacy === null) return;
    let owner = '';
    try {
      owner = decodeUnitState(legacy.node.value ?? '', name).machineId;
    } catch {
      return;
    }
    if (owner !== machineId) return;
    try {
      await this.client.delete(this.keys.legacyUnitState(name), { prevIndex: legacy.node.modifiedIndex });
    } catch (err) {
      if (!isEtcdError(err, KEY_NOT_FOUND, TEST_FAILED)) throw err;
    }
  }

  /** The launched heartbeat `job/<name>/job-state` = machine ID, with a TTL. */
  async unitHeartbeat(name: string, machineId: string, ttl: number): Promise<void> {
    await this.client.set(this.keys.heartbeat(name), machineId, { ttl: ttlSeconds(ttl) });
  }

  async clearUnitHeartbeat(name: string): Promise<void> {
    await this.remove(this.keys.heartbeat(name));
  }

  // ---- engine ----
  /** Creates `job/<name>/target` = machine ID (create-only). */
  async scheduleUnit(name: string, machineId: string): Promise<void> {
    await this.client.create(this.keys.target(name), machineId);
  }

  /** Deletes `job/<name>/target` with prevValue = machine ID (already gone is fine). */
  async unscheduleUnit(name: string, machineId: string): Promise<void> {
    await this.remove(this.keys.target(name), { prevValue: machineId });
  }

  /** `engine/version` (0 when absent). */
  async engineVersion(): Promise<number> {
    const r = await this.read(this.keys.engineVersion, {});
    if (r === null) return 0;
    const text = r.node.value ?? '';
    if (!/^[+-]?\d+$/.test(text)) throw new RegistryDataError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
    return Number(text);
  }

  /** Raises `engine/version` to `version` by compare-and-swap; false when another writer won. */
  async updateEngineVersion(from: number, to: number): Promise<boolean> {
    const key = this.keys.engineVersion;
    try {
      await this.client.compareAndSwap(key, String(to), { prevValue: String(from) });
      return true;
    } catch (err) {
      if (isEtcdError(err, TEST_FAILED)) return false;
      if (!isEtcdError(err, KEY_NOT_FOUND)) throw err;
    }
    try {
      await this.client.create(key, String(to));
      return true;
    } catch (err) {
      if (isEtcdError(err, NODE_EXIST)) return false;
      throw err;
    }
  }

  private leaseOf(node: EtcdNode): Lease {
    const { machineId, version } = decodeLease(node.value ?? '');
    return { machineId, version, index: node.modifiedIndex, ttl: node.ttl ?? 0 };
  }

  async lease(): Promise<Lease | null> {
    const r = await this.read(this.keys.engineLease, {});
    return r === null ? null : this.leaseOf(r.node);
  }

  /** Creates the lease (create-only); null when someone else holds it. */
  async acquireLease(machineId: string, version: number, ttl: number): Promise<Lease | null> {
    try {
      const r = await this.client.create(this.keys.engineLease, encodeLease(machineId, version), { ttl: ttlSeconds(ttl) });
      return this.leaseOf(r.node);
    } catch (err) {
      if (isEtcdError(err, NODE_EXIST)) return null;
      throw err;
    }
  }

  /** Renews or steals a lease at its index; null when it changed meanwhile. */
  async renewLease(lease: Lease, machineId: string, version: number, ttl: number): Promise<Lease | null> {
    try {
      const r = await this.client.set(this.keys.engineLease, encodeLease(machineId, version), {
        prevIndex: lease.index,
        ttl: ttlSeconds(ttl),
      });
      return this.leaseOf(r.node);
    } catch (err) {
      if (isEtcdError(err, TEST_FAILED, KEY_NOT_FOUND)) return null;
      throw err;
    }
  }

  /** Deletes the lease if it is still the one given (with prevIndex). */
  async releaseLease(lease: Lease): Promise<void> {
    try {
      await this.client.delete(this.keys.engineLease, { prevIndex: lease.index });
    } catch (err) {
      if (!isEtcdError(err, TEST_FAILED, KEY_NOT_FOUND)) throw err;
    }
  }

  // ---- placement failures (Flotilla's own namespace, beside fleet's) ----
  /** Why the engine could not place a unit, kept for PLACEMENT_FAILURE_TTL_SECONDS. */
  async recordPlacementFailure(name: string, reason: string): Promise<void> {
    await this.client.set(this.keys.placement(name), reason, { ttl: PLACEMENT_FAILURE_TTL_SECONDS });
  }

  /** The last recorded placement failure of a unit, or null. */
  async placementFailure(name: string): Promise<string | null> {
    const r = await this.read(this.keys.placement(name), {});
    return r === null || r.node.dir ? null : r.node.value ?? '';
  }

  /** Every recorded placement failure by unit name. */
  async placementFailures(): Promise<Map<string, string>> {
    const r = await this.read(this.keys.placements, { recursive: true, sorted: true });
    const out = new Map<string, string>();
    for (const node of r?.node.nodes ?? []) if (!node.dir) out.set(lastElement(node.key), node.value ?? '');
    return out;
  }

  async clearPlacementFailure(name: string): Promise<void> {
    await this.remove(this.keys.placement(name));
  }

  // ---- snapshot and wake-ups (engine, agents) ----
  /**
   * Units with their schedule and the present machines, in as few requests as possible: one GET of
   * `job/`, one of `machines/`, and one of `unit/` only when a hash is not cached yet. Unreadable
   * machine objects are logged and skipped here.
   */
  async schedule(): Promise<ScheduleSnapshot> {
    const [jobs, machineTree] = await Promise.all([
      this.jobTree(),
      this.read(this.keys.machines, { recursive: true, sorted: true }),
    ]);
    const root = jobs?.node ?? null;
    await this.fillUnitFiles(hashesOfJobTree(root));
    return {
      units: unitsFromJobTree(root, this.lookup, this.log),
      machines: machinesFromTree(machineTree?.node ?? null, false, this.log),
    };
  }

  /**
   * Yields whenever a key under `job/` whose last element is `target` or `target-state` changes.
   * Each wake is followed by a fresh watch from "now", as in fleet: changes made meanwhile are
   * coalesced (periodic passes are the safety net). Ends when `signal` aborts.
   */
  async *watchJobs(signal: AbortSignal): AsyncIterable<void> {
    while (!signal.aborted) {
      const watcher = this.client.watch(this.keys.jobs, { recursive: true, signal });
      let woke = false;
      try {
        for await (const event of watcher) {
          const last = lastElement(event.node.key);
          if (last === 'target' || last === 'target-state') {
            woke = true;
            break;
          }
        }
      } catch (err) {
        if (signal.aborted) return;
        this.log.warn(`Watch on ${this.keys.jobs} failed: ${err instanceof Error ? err.message : String(err)}`);
        await pause(1000, undefined, { signal }).catch(() => undefined);
      } finally {
        watcher.stop();
      }
      if (woke) yield;
    }
  }
}
