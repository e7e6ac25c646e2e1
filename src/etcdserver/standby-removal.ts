/**
 * The leader's removal policy of etcd 0.4: peers unreachable for longer than `removeDelay` are
 * removed, and while the cluster has more peers than `activeSize` one peer at a time is removed
 * (chosen at random). A removed machine goes on as a standby and may join again when there is room.
 *
 * The leader asks this once a second or so and proposes at most one removal at a time (a conf change
 * must be applied before the next one is proposed). It never plans to remove itself.
 *
 * "Unreachable since" is the later of the last time the leader heard from the peer and the time it
 * became leader, so a peer that has been silent since before this leader took over is measured from
 * the takeover (0.4 never removed a peer it had not heard from at all).
 */
import type { AdminConfig } from './admin-config.js';

export interface RemovalCandidate {
  /** Member ID, hex. */
  readonly id: string;
  readonly name: string;
  /** When the leader last heard from this peer (ms), or null if never. */
  readonly lastHeard: number | null;
}

export interface RemovalFacts {
  /** The leader's own member ID: never removed. */
  readonly selfId: string;
  /** Every member, the leader included. */
  readonly members: readonly RemovalCandidate[];
  readonly config: AdminConfig;
  /** Now and the time this member became leader (ms, same clock as `lastHeard`). */
  readonly now: number;
  readonly leaderSince: number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

export interface PlannedRemoval {
  readonly id: string;
  readonly name: string;
  readonly reason: 'unreachable' | 'excess';
  /** How long the peer has been silent (ms). */
  readonly silentMs: number;
}

/** The next removal the leader should propose, or null when none is due. */
export function planNextRemoval(facts: RemovalFacts): PlannedRemoval | null {
  const others = facts.members.filter((m) => m.id !== facts.selfId);
  const limitMs = facts.config.removeDelay * 1000;
  let worst: PlannedRemoval | null = null;
  for (const m of others) {
    const since = Math.max(m.lastHeard ?? Number.NEGATIVE_INFINITY, facts.leaderSince);
    const silentMs = facts.now - since;
    if (silentMs > limitMs && (worst === null || silentMs > worst.silentMs)) {
      worst = { id: m.id, name: m.name, reason: 'unreachable', silentMs };
    }
  }
  if (worst !== null) return worst;
  if (facts.members.length <= facts.config.activeSize || others.length === 0) return null;
  const pick = others[Math.min(others.length - 1, Math.floor(facts.random() * others.length))]!;
  const since = Math.max(pick.lastHeard ?? Number.NEGATIVE_INFINITY, facts.leaderSince);
  return { id: pick.id, name: pick.name, reason: 'excess', silentMs: Math.max(0, facts.now - since) };
}
