/**
 * The pieces of etcd 0.4's standby mode that run beside a live member, for the `etcd` command to
 * switch on in 0.4 mode only:
 *
 * - `startRemovalLoop`: the leader's removal of peers (`PeerRemovalLoop`) checked once a second,
 *   with the last contact of each peer from the transport (`activeSince`), removals through the
 *   server's membership changes;
 * - `seedAdminConfig`: the `-cluster-*` flags written once into a new cluster's configuration;
 * - `moveDataAside`: a removed member's data dir renamed out of the way (its member ID can never
 *   join again, so it must not restart from it).
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminConfig, AdminConfigUpdate } from './admin-config.js';
import { PeerRemovalLoop } from './standby-removal-loop.js';
import type { PlannedRemoval } from './standby-removal.js';
import { machinesFromMembers, type ClusterMachine } from './standby-machines.js';
import type { MemberInfo, MembershipFace } from '../api/v2http/server-face.js';

/** What the removal loop needs of the server (an `EtcdServer` has all of it). */
export interface RemovalServer {
  readonly memberId: string;
  isLeader(): boolean;
  leaderId(): string | null;
  members(): readonly MemberInfo[];
  adminConfig(): AdminConfig;
  readonly membership?: MembershipFace;
}

/** The transport's record of when it last heard from each peer. */
export interface PeerActivity {
  activeSince(id: bigint): number | null;
}

export interface RemovalLoopOptions {
  /** Between checks (ms). Default 1000. */
  readonly everyMs?: number;
  /** Same clock as the transport's `activeSince`. Default: wall-clock ms with a fraction. */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

export interface RunningRemovalLoop {
  /** Runs one check now (the timer runs them every second); returns the removal started, if any. */
  check(): PlannedRemoval | null;
  stop(): void;
}

const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * Runs the leader's removal loop for this server. Leadership is observed at each check, so the
 * takeover time is known to within one check (a peer silent since before it is measured from
 * then, never from earlier). A member the loop sees for the first time counts as heard from at
 * that moment, so a member that has just been added is not taken for one long unreachable.
 */
export function startRemovalLoop(server: RemovalServer, activity: PeerActivity, options: RemovalLoopOptions = {}): RunningRemovalLoop {
  const now = options.now ?? wallClock;
  let leaderSince: number | null = null;
  const firstSeen = new Map<string, number>();
  const loop = new PeerRemovalLoop({
    isLeader: () => server.isLeader(),
    selfId: server.memberId,
    members: () => server.members(),
    lastHeard: (id) => {
      const heard = activity.activeSince(BigInt('0x' + id));
      const seen = firstSeen.get(id) ?? null;
      if (heard === null) return seen;
      return seen === null ? heard : Math.max(heard, seen);
    },
    leaderSince: () => leaderSince ?? now(),
    config: () => server.adminConfig(),
  }, async (id) => {
    if (server.membership === undefined) throw new Error('the server offers no membership changes');
    await server.membership.removeMember(id);
  }, options.random ?? Math.random, options.log);

  const check = (): PlannedRemoval | null => {
    const t = now();
    if (!server.isLeader()) {
      leaderSince = null;
      return null;
    }
    if (leaderSince === null) leaderSince = t;
    const present = new Set<string>();
    for (const m of server.members()) {
      present.add(m.id);
      if (!firstSeen.has(m.id)) firstSeen.set(m.id, t);
    }
    for (const id of firstSeen.keys()) if (!present.has(id)) firstSeen.delete(id);
    return loop.check(t);
  };
  const timer = setInterval(check, options.everyMs ?? 1000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

/** The server's view as a 0.4 machine list, without this member (for a standby it turns into). */
export function machinesWithout(server: RemovalServer): ClusterMachine[] {
  return machinesFromMembers(server.members().filter((m) => m.id !== server.memberId), server.leaderId());
}

/**
 * Writes the `-cluster-*` values into a new cluster's configuration, retrying while no leader is
 * there to commit it. Resolves with the applied configuration, or null if it never got through.
 */
export async function seedAdminConfig(
  server: { updateAdminConfig(update: AdminConfigUpdate): Promise<AdminConfig> },
  update: AdminConfigUpdate,
  options: { attempts?: number; retryMs?: number; isStopped?: () => boolean } = {},
): Promise<AdminConfig | null> {
  const attempts = options.attempts ?? 30;
  for (let i = 0; i < attempts; i++) {
    if (options.isStopped?.()) return null;
    try {
      return await server.updateAdminConfig(update);
    } catch {
      await new Promise((r) => setTimeout(r, options.retryMs ?? 1000));
    }
  }
  return null;
}

/**
 * Renames a removed member's state out of the way: `<data-dir>/member` (and a separate WAL dir)
 * get the suffix `.removed-<ms>`. Returns the new paths.
 */
export function moveDataAside(dataDir: string, walDir: string | undefined, now = Date.now()): string[] {
  const moved: string[] = [];
  for (const path of [join(dataDir, 'member'), ...(walDir !== undefined ? [walDir] : [])]) {
    if (!existsSync(path)) continue;
    const to = `${path}.removed-${now}`;
    renameSync(path, to);
    moved.push(to);
  }
  return moved;
}
