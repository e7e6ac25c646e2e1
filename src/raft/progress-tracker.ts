import type { ConfState } from './messages.js';
import { Progress } from './progress.js';

export const VoteResult = { Pending: 0, Lost: 1, Won: 2 } as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/** Membership (voters and learners), each member's Progress, and the votes of an election. */
export class ProgressTracker {
  readonly progress = new Map<bigint, Progress>();
  voters: bigint[] = [];
  readonly votes = new Map<bigint, boolean>();
  readonly maxInflight: number;
  private readonly matchScratch: number[] = [];

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    const learners: bigint[] = [];
    for (const [id, pr] of this.progress) if (pr.isLearner) learners.push(id);
    const voters = this.voters.slice().sort(compareIds);
    learners.sort(compareIds);
    return learners.length > 0 ? { voters, learners } : { voters };
  }

  isVoter(id: bigint): boolean {
    return this.voters.includes(id);
  }

  quorum(): number {
    return (this.voters.length >> 1) + 1;
  }

  /** Replaces membership with a snapshot's configuration; every member starts probing at `next`. */
  reset(cs: ConfState, next: number): void {
    this.progress.clear();
    this.voters = cs.voters.slice();
    for (const id of cs.voters) this.progress.set(id, new Progress(next, this.maxInflight, false));
    for (const id of cs.learners ?? []) this.progress.set(id, new Progress(next, this.maxInflight, true));
  }

  addVoter(id: bigint, next: number): void {
    const pr = this.progress.get(id);
    if (pr) {
      pr.isLearner = false;
    } else {
      const np = new Progress(next, this.maxInflight, false);
      np.recentActive = true;
      this.progress.set(id, np);
    }
    if (!this.voters.includes(id)) this.voters.push(id);
  }

  addLearner(id: bigint, next: number): void {
    if (this.voters.includes(id)) return; // demotion is not supported by single-server changes
    if (this.progress.has(id)) return;
    const np = new Progress(next, this.maxInflight, true);
    np.recentActive = true;
    this.progress.set(id, np);
  }

  remove(id: bigint): void {
    this.progress.delete(id);
    const k = this.voters.indexOf(id);
    if (k >= 0) this.voters.splice(k, 1);
  }

  /** The largest index stored on a quorum of voters. */
  committed(): number {
    const n = this.voters.length;
    if (n === 0) return 0;
    const m = this.matchScratch;
    m.length = n;
    for (let i = 0; i < n; i++) m[i] = this.progress.get(this.voters[i]!)?.match ?? 0;
    m.sort((a, b) => b - a);
    return m[this.quorum() - 1]!;
  }

  /** True if a quorum of voters (counting `self`) was recently active. */
  quorumActive(self: bigint): boolean {
    let active = 0;
    for (const id of this.voters) {
      if (id === self || this.progress.get(id)?.recentActive) active++;
    }
    return active >= this.quorum();
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: bigint, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    let result: VoteResult = VoteResult.Pending;
    if (granted >= q) result = VoteResult.Won;
    else if (this.voters.length - rejected < q) result = VoteResult.Lost;
    return { granted, rejected, result };
  }

  /** Number of voters among `ids`. */
  countVoters(ids: Iterable<bigint>): number {
    let n = 0;
    for (const id of ids) if (this.voters.includes(id)) n++;
    return n;
  }
}

export function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
