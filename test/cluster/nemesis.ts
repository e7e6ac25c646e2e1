/**
 * The nemesis of the fault test: from a seed, it picks one fault after another (kill -9 and
 * restart, SIGSTOP and SIGCONT, a member cut off, the leader cut off from the majority, a one-way
 * link, slow links), holds it for a while, undoes it, and rests before the next one. The choices
 * come from the seed; when they happen depends on the processes, as in any real-time test.
 */
import { delay, type Cluster } from '../support/cluster.js';
import { SeededRandom } from '../crash/seeded-random.js';

export type FaultKind = 'kill' | 'pause' | 'isolate' | 'isolate-leader' | 'one-way' | 'slow';

const kinds: readonly FaultKind[] = ['kill', 'pause', 'isolate', 'isolate-leader', 'one-way', 'slow'];

export class Nemesis {
  readonly done = new Map<FaultKind, number>();
  /** One line per fault, with its start time relative to the nemesis start. */
  readonly log: string[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly rng: SeededRandom;
  private startedAt = 0;

  constructor(private readonly cluster: Cluster, seed: number) {
    this.rng = SeededRandom.derive(seed, 11);
  }

  start(): void {
    this.running = true;
    this.startedAt = Date.now();
    this.loop = this.run();
  }

  /** Stops after undoing the fault in progress. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** "kill 2, pause 1, ..." */
  summary(): string {
    return kinds.filter((k) => this.done.has(k)).map((k) => `${k} ${this.done.get(k)}`).join(', ') || 'none';
  }

  /** Sleeps up to `ms`, waking early when the nemesis is stopped. */
  private async hold(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running && Date.now() < until) await delay(Math.min(100, until - Date.now()));
  }

  private async leaderOrRandom(): Promise<number> {
    const candidates = this.cluster.members.map((_, i) => i).filter((i) => !this.cluster.members[i]!.removed);
    const l = await this.cluster.leader(1500).catch(() => null);
    return l ?? this.rng.pick(candidates);
  }

  private async run(): Promise<void> {
    const c = this.cluster;
    const size = c.members.length;
    while (this.running) {
      await this.hold(this.rng.int(500, 1500));
      if (!this.running) break;
      const kind = this.rng.pick(kinds);
      const holdMs = this.rng.int(500, 3000);
      // Half of the process faults go to the leader, where they hurt most.
      const aimAtLeader = this.rng.chance(0.5);
      const victim = aimAtLeader ? await this.leaderOrRandom() : this.rng.int(0, size - 1);
      const other = (victim + this.rng.int(1, size - 1)) % size;
      const at = ((Date.now() - this.startedAt) / 1000).toFixed(1);
      this.done.set(kind, (this.done.get(kind) ?? 0) + 1);
      const name = c.members[victim]!.name;
      switch (kind) {
        case 'kill':
          this.log.push(`${at}s kill -9 ${name} for ${holdMs} ms`);
          await c.kill9(victim);
          await this.hold(holdMs);
          c.relaunch(victim);
          break;
        case 'pause':
          this.log.push(`${at}s SIGSTOP ${name} for ${holdMs} ms`);
          c.pause(victim);
          await this.hold(holdMs);
          c.resume(victim);
          break;
        case 'isolate':
        case 'isolate-leader': {
          const target = kind === 'isolate-leader' ? await this.leaderOrRandom() : victim;
          this.log.push(`${at}s cut ${c.members[target]!.name} off for ${holdMs} ms`);
          c.isolate(target);
          await this.hold(holdMs);
          c.heal();
          break;
        }
        case 'one-way':
          this.log.push(`${at}s drop ${name} -> ${c.members[other]!.name} for ${holdMs} ms`);
          c.dropOneWay(victim, other);
          await this.hold(holdMs);
          c.heal();
          break;
        case 'slow': {
          const ms = this.rng.int(20, 200);
          this.log.push(`${at}s delay ${name}'s links by ${ms} ms for ${holdMs} ms`);
          c.slowLinks(victim, ms);
          await this.hold(holdMs);
          c.heal();
          break;
        }
      }
    }
  }

  /** Undoes everything: resumes paused members, starts killed ones, heals every link. */
  healAll(): void {
    const c = this.cluster;
    c.heal();
    c.members.forEach((m, i) => {
      if (m.removed) return;
      if (m.paused) c.resume(i);
      if (!m.running) c.relaunch(i);
    });
  }
}
