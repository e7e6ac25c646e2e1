/**
 * The leader's side of 0.4 standby mode as the server runs it: asked every second or so, it plans
 * the next removal (`planNextRemoval`) while this member leads and starts it, one at a time. A
 * failed removal is simply planned again at a later check.
 */
import type { AdminConfig } from './admin-config.js';
import { planNextRemoval, type PlannedRemoval } from './standby-removal.js';

export interface RemovalLoopFacts {
  isLeader(): boolean;
  /** This member's ID, hex. */
  readonly selfId: string;
  members(): readonly { readonly id: string; readonly name: string }[];
  /** When the leader last heard from the peer (ms), or null. */
  lastHeard(id: string): number | null;
  /** When this member became leader (ms). */
  leaderSince(): number;
  config(): AdminConfig;
}

export class PeerRemovalLoop {
  private inFlight: PlannedRemoval | null = null;

  constructor(
    private readonly facts: RemovalLoopFacts,
    private readonly remove: (id: string) => Promise<void>,
    private readonly random: () => number,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** The removal in progress, if any. */
  get pending(): PlannedRemoval | null {
    return this.inFlight;
  }

  /** Starts the removal due at `now`, if any and none is in progress; returns it. */
  check(now: number): PlannedRemoval | null {
    if (this.inFlight !== null || !this.facts.isLeader()) return null;
    const plan = planNextRemoval({
      selfId: this.facts.selfId,
      members: this.facts.members().map((m) => ({ id: m.id, name: m.name, lastHeard: this.facts.lastHeard(m.id) })),
      config: this.facts.config(),
      now,
      leaderSince: this.facts.leaderSince(),
      random: this.random,
    });
    if (plan === null) return null;
    this.inFlight = plan;
    const why = plan.reason === 'unreachable' ? `unreachable for ${Math.round(plan.silentMs / 1000)} s` : 'more peers than activeSize';
    this.log(`removing ${plan.name || plan.id}: ${why}`);
    this.remove(plan.id).then(
      () => { this.inFlight = null; },
      (err: unknown) => {
        this.inFlight = null;
        this.log(`removing ${plan.name || plan.id} failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return plan;
  }
}
