/**
 * The sync loop of a 0.4 standby as a pure state machine, driven by the time its caller passes in.
 *
 * A standby starts by waiting one `syncInterval` (it has just been refused a place). Then it asks
 * the cluster for its machine list and configuration (`sync`), trying the peer URLs it knows from
 * the last list first and the seed URLs it was started with after them. With a fresh list it
 * adopts the cluster's `syncInterval`; if the list names a leader and counts fewer peers than
 * `activeSize` (or already lists this machine), it asks the leader to join (`join`). A successful
 * join ends the loop (`joined`): the machine switches to peer mode. Any failure goes back to
 * waiting one interval. The last list stays known all along, so the standby's client port can
 * redirect to the leader while the loop runs.
 */
import type { AdminConfig } from './admin-config.js';
import { leaderOf, type ClusterMachine } from './standby-machines.js';
import { decideMachineRole, isListed, type MachineIdentity } from './standby-role.js';

export type StandbyPhase = 'waiting' | 'syncing' | 'joining' | 'joined';

export type StandbyAction =
  /** Fetch `/v2/admin/machines` and `/v2/admin/config` from the first of these peer URLs that answers. */
  | { readonly kind: 'sync'; readonly peerURLs: readonly string[] }
  /** Ask the leader to add this machine; `listed` when the cluster already lists it. */
  | { readonly kind: 'join'; readonly leader: ClusterMachine; readonly listed: boolean };

export interface StandbySyncOptions {
  readonly self: MachineIdentity;
  /** Peer URLs to ask when no machine list is known yet (0.4's `-peers`). */
  readonly seedPeerURLs: readonly string[];
  /** Seconds; the cluster's value replaces it at the first sync. */
  readonly syncInterval: number;
  /** Time the standby started (ms). */
  readonly now: number;
  /** A machine list already known (e.g. from the moment this machine was refused or removed). */
  readonly machines?: readonly ClusterMachine[];
}

export class StandbySync {
  private phaseValue: StandbyPhase = 'waiting';
  private dueAt: number;
  private intervalMs: number;
  private machineList: readonly ClusterMachine[];
  private readonly self: MachineIdentity;
  private readonly seeds: readonly string[];

  constructor(options: StandbySyncOptions) {
    this.self = options.self;
    this.seeds = options.seedPeerURLs;
    this.intervalMs = options.syncInterval * 1000;
    this.machineList = options.machines ?? [];
    this.dueAt = options.now + this.intervalMs;
  }

  get phase(): StandbyPhase {
    return this.phaseValue;
  }

  /** The machine list of the last successful sync. */
  get machines(): readonly ClusterMachine[] {
    return this.machineList;
  }

  /** The leader the last sync named, which the client port redirects to; null if none. */
  leader(): ClusterMachine | null {
    return leaderOf(this.machineList);
  }

  /** Milliseconds between syncs, as the cluster last said. */
  get syncIntervalMs(): number {
    return this.intervalMs;
  }

  /** When `poll` next has something to do, or null while an action is outstanding or the loop ended. */
  nextWakeAt(): number | null {
    return this.phaseValue === 'waiting' ? this.dueAt : null;
  }

  /** The action due at `now`, if any. */
  poll(now: number): StandbyAction | null {
    if (this.phaseValue !== 'waiting' || now < this.dueAt) return null;
    this.phaseValue = 'syncing';
    return { kind: 'sync', peerURLs: this.syncTargets() };
  }

  /** Peer URLs to ask, known cluster first, seeds after, each once, never this machine's own. */
  syncTargets(): string[] {
    const mine = new Set(this.self.peerURLs);
    const out: string[] = [];
    for (const u of [...this.machineList.map((m) => m.peerURL), ...this.seeds]) {
      if (u !== '' && !mine.has(u) && !out.includes(u)) out.push(u);
    }
    return out;
  }

  /** A sync answered; returns the join to attempt, if there is room for this machine. */
  onSynced(now: number, machines: readonly ClusterMachine[], config: AdminConfig): StandbyAction | null {
    if (this.phaseValue !== 'syncing') return null;
    this.machineList = [...machines];
    this.intervalMs = config.syncInterval * 1000;
    const leader = leaderOf(machines);
    const role = decideMachineRole(machines, config, this.self);
    if (leader === null || role === 'standby') {
      this.wait(now);
      return null;
    }
    this.phaseValue = 'joining';
    return { kind: 'join', leader, listed: isListed(machines, this.self) };
  }

  /** No peer answered the sync. The last list is kept. */
  onSyncFailed(now: number): void {
    if (this.phaseValue === 'syncing') this.wait(now);
  }

  onJoined(): void {
    if (this.phaseValue === 'joining') this.phaseValue = 'joined';
  }

  onJoinFailed(now: number): void {
    if (this.phaseValue === 'joining') this.wait(now);
  }

  private wait(now: number): void {
    this.phaseValue = 'waiting';
    this.dueAt = now + this.intervalMs;
  }
}
