/**
 * An in-memory fleet for fleetctl's tests: units, machines and published states, with a tiny
 * engine and agents that move one step each time the test clock sleeps (schedule to the first
 * machine, publish a state, start or stop). Deterministic: no timers, no randomness.
 */
import { unitHash, type UnitOption } from '../../../src/fleet/unit/unit-file.js';
import {
  UnitNotFoundError,
  type FleetAgentAccess,
  type FleetClient,
  type FleetMachine,
  type FleetUnit,
  type FleetUnitState,
  type JournalRequest,
  type UnitStatusReport,
} from '../../../src/fleetctl/fleet-client.js';
import type { FleetctlClock } from '../../../src/fleetctl/fleetctl-io.js';
import { isGlobalUnit } from '../../../src/fleetctl/unit-kind.js';

interface StoredUnit {
  name: string;
  options: UnitOption[];
  desiredState: string;
  target: string;
  jobState: string;
}

export interface FakeRequest {
  op: string;
  name?: string;
  state?: string;
}

export class FakeFleet implements FleetClient, FleetAgentAccess {
  driver: 'API' | 'etcd' = 'API';
  readonly units_ = new Map<string, StoredUnit>();
  machineList: FleetMachine[] = [];
  readonly states = new Map<string, FleetUnitState>();
  /** Units the engine cannot place, with the reason it records. */
  readonly unplaceable = new Map<string, string>();
  /** Units whose agent reports them failed instead of active. */
  readonly failing = new Set<string>();
  /** Calls made, for assertions. */
  readonly requests: FakeRequest[] = [];
  /** What the status route answers per unit. */
  readonly statusTexts = new Map<string, UnitStatusReport>();
  readonly journals = new Map<string, string>();
  /** When set, every call fails with the message it gives for the call. */
  failure: ((op: string, name?: string) => string) | null = null;
  now = Date.UTC(2016, 11, 22, 10, 0, 0);

  readonly clock: FleetctlClock = {
    now: () => this.now,
    sleep: async (ms: number) => {
      this.now += ms;
      this.tick();
    },
  };

  addMachine(id: string, publicIP: string, metadata: Record<string, string> = {}, version = 'v1.0.0'): void {
    this.machineList.push({ id, publicIP, metadata, version });
    this.machineList.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Puts a unit straight into the registry. */
  seed(name: string, options: UnitOption[], desiredState = 'inactive'): void {
    this.units_.set(name, { name, options, desiredState, target: '', jobState: '' });
  }

  private stateKey(unit: string, machine: string): string {
    return `${unit}\u0000${machine}`;
  }

  private publish(u: StoredUnit, machine: string, active: string, sub: string): void {
    this.states.set(this.stateKey(u.name, machine), {
      name: u.name,
      hash: unitHash(u.options),
      machineID: machine,
      systemdLoadState: 'loaded',
      systemdActiveState: active,
      systemdSubState: sub,
    });
  }

  private unpublish(name: string): void {
    for (const k of [...this.states.keys()]) if (k.startsWith(`${name}\u0000`)) this.states.delete(k);
  }

  /** One engine pass and one agent pass. */
  tick(): void {
    for (const u of this.units_.values()) {
      if (isGlobalUnit(u.options)) {
        for (const m of this.machineList) {
          if (u.desiredState === 'inactive') this.states.delete(this.stateKey(u.name, m.id));
          else if (u.desiredState === 'launched') this.publish(u, m.id, 'active', 'running');
          else this.publish(u, m.id, 'inactive', 'dead');
        }
        continue;
      }
      if (u.desiredState === 'inactive') {
        u.target = '';
        u.jobState = '';
        this.unpublish(u.name);
        continue;
      }
      if (u.target === '') {
        if (this.unplaceable.has(u.name) || this.machineList.length === 0) continue;
        u.target = this.machineList[0]!.id;
        continue;
      }
      if (u.desiredState === 'launched') {
        u.jobState = u.target;
        if (this.failing.has(u.name)) this.publish(u, u.target, 'failed', 'failed');
        else this.publish(u, u.target, 'active', 'running');
      } else {
        u.jobState = '';
        this.publish(u, u.target, 'inactive', 'dead');
      }
    }
  }

  private check(op: string, name?: string, state?: string): void {
    this.requests.push({ op, name, state });
    if (this.failure !== null) throw new Error(this.failure(op, name));
  }

  private currentState(u: StoredUnit): string {
    if (u.target === '' || !this.states.has(this.stateKey(u.name, u.target))) return 'inactive';
    return u.jobState === u.target ? 'launched' : 'loaded';
  }

  private toFleetUnit(u: StoredUnit, single: boolean): FleetUnit {
    const global = isGlobalUnit(u.options);
    return {
      name: u.name,
      options: u.options.map((o) => ({ ...o })),
      desiredState: u.desiredState,
      currentState: single && global ? '' : this.currentState(u),
      machineID: global ? '' : u.target,
    };
  }

  async units(): Promise<FleetUnit[]> {
    this.check('units');
    return [...this.units_.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((u) => this.toFleetUnit(u, false));
  }

  async unit(name: string): Promise<FleetUnit | null> {
    this.check('unit', name);
    const u = this.units_.get(name);
    return u === undefined ? null : this.toFleetUnit(u, true);
  }

  async createUnit(name: string, options: readonly UnitOption[]): Promise<void> {
    this.check('create', name);
    const existing = this.units_.get(name);
    this.units_.set(name, {
      name,
      options: options.map((o) => ({ ...o })),
      desiredState: 'inactive',
      target: existing?.target ?? '',
      jobState: existing?.jobState ?? '',
    });
  }

  async destroyUnit(name: string): Promise<void> {
    this.check('destroy', name);
    if (!this.units_.delete(name)) throw new UnitNotFoundError('googleapi: Error 404: unit does not exist');
  }

  async setUnitTargetState(name: string, state: string): Promise<void> {
    this.check('set', name, state);
    const u = this.units_.get(name);
    if (u === undefined) throw new Error('googleapi: Error 404: unit does not exist');
    if (this.driver === 'API' && /@\.[a-z]+$/.test(name) && state !== 'inactive') {
      throw new Error(`googleapi: Error 400: cannot activate template "${name}"`);
    }
    u.desiredState = state;
  }

  async machines(): Promise<FleetMachine[]> {
    this.check('machines');
    return this.machineList.map((m) => ({ ...m, metadata: { ...m.metadata } }));
  }

  async unitStates(): Promise<FleetUnitState[]> {
    this.check('states');
    return [...this.states.values()].sort((a, b) =>
      a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.machineID < b.machineID ? -1 : a.machineID > b.machineID ? 1 : 0,
    );
  }

  async placementFailure(name: string): Promise<string | null> {
    this.check('placement', name);
    return this.unplaceable.get(name) ?? null;
  }

  async unitStatus(machineID: string, name: string): Promise<UnitStatusReport> {
    this.check('status', `${name}@${machineID}`);
    return this.statusTexts.get(name) ?? { text: `● ${name}\n   Active: active (running)\n`, exitCode: 0 };
  }

  async unitJournal(machineID: string, name: string, request: JournalRequest, onText: (text: string) => void): Promise<void> {
    this.check('journal', `${name}@${machineID}`, `${request.lines}${request.follow ? ' follow' : ''}`);
    onText(this.journals.get(name) ?? '');
  }
}
