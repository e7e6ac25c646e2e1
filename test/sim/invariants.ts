import type { Entry, HardState, Snapshot } from '../../src/raft/messages.js';
import type { Raft } from '../../src/raft/raft.js';
import { StateType } from '../../src/raft/raft.js';

/** A cheap fingerprint of an entry's content (type and data). */
function entryDigest(e: Entry): number {
  let h = 0x811c9dc5 ^ e.type;
  const d = e.data;
  for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i]!, 0x01000193);
  return h >>> 0;
}

interface LoggedEntry {
  digest: number;
  prevTerm: number;
}

/**
 * Raft's safety properties, checked incrementally as entries, commits and leaders appear:
 * - Election Safety: at most one leader per term.
 * - Log Matching: an (index, term) pair identifies one entry and one predecessor term, so two logs
 *   that agree on an entry agree on everything before it.
 * - Leader Completeness: a new leader holds every entry committed before its term.
 * - State Machine Safety: no two members commit or apply different entries at one index (a member
 *   asked to overwrite its own committed entry stops with an error, counted as a violation).
 * - Monotonic commit: a member's commit index, and its persisted hard state, never go back.
 */
export class SafetyChecker {
  readonly violations: string[] = [];
  private readonly leaders = new Map<number, bigint>();
  /** (index, term) -> what that entry is */
  private readonly logged = new Map<string, LoggedEntry>();
  /** committed entries: term and digest by index (0 = unknown, e.g. only ever seen in a snapshot) */
  private readonly committedTerm: number[] = [];
  private readonly committedDigest: number[] = [];
  private maxCommitted = 0;
  private readonly lastCommit = new Map<bigint, number>();
  private readonly lastPersisted = new Map<bigint, HardState>();

  constructor(private readonly onViolation: (what: string) => void = () => {}) {}

  fail(what: string): void {
    if (this.violations.length < 20) this.violations.push(what);
    this.onViolation(what);
  }

  /** Forgets a member's in-memory commit index (it crashed; its persisted state is checked separately). */
  memberRestarted(id: bigint): void {
    this.lastCommit.delete(id);
  }

  leaderElected(r: Raft): void {
    const prev = this.leaders.get(r.term);
    if (prev !== undefined && prev !== r.id) {
      this.fail(`election safety: term ${r.term} has two leaders, ${prev} and ${r.id}`);
      return;
    }
    this.leaders.set(r.term, r.id);
    // Leader completeness: every committed entry must be in the new leader's log.
    const log = r.raftLog;
    if (log.lastIndex() < this.maxCommitted) {
      this.fail(`leader completeness: leader ${r.id} of term ${r.term} ends at ${log.lastIndex()} but ${this.maxCommitted} is committed`);
      return;
    }
    const first = log.firstIndex();
    for (let i = Math.max(first, 1); i <= this.maxCommitted; i++) {
      const t = this.committedTerm[i];
      if (t === undefined || t === 0) continue;
      const lt = log.term(i);
      if (lt !== t) {
        this.fail(`leader completeness: leader ${r.id} of term ${r.term} has term ${lt} at committed index ${i} (committed term ${t})`);
        return;
      }
    }
  }

  /** Entries a member is about to persist (from a Ready); `r` still holds them in its log. */
  entriesAppended(r: Raft, entries: Entry[]): void {
    if (entries.length === 0) return;
    let prevTerm: number;
    try {
      prevTerm = r.raftLog.term(entries[0]!.index - 1);
    } catch {
      prevTerm = -1; // compacted: unknown
    }
    for (const e of entries) {
      const key = `${e.index}:${e.term}`;
      const digest = entryDigest(e);
      const seen = this.logged.get(key);
      if (seen) {
        if (seen.digest !== digest) this.fail(`log matching: two different entries at index ${e.index} term ${e.term}`);
        if (prevTerm >= 0 && seen.prevTerm >= 0 && seen.prevTerm !== prevTerm) {
          this.fail(`log matching: entry ${e.index}/${e.term} follows term ${prevTerm} on ${r.id} but term ${seen.prevTerm} elsewhere`);
        }
      } else {
        this.logged.set(key, { digest, prevTerm });
      }
      prevTerm = e.term;
    }
  }

  /** A member's commit index moved to `commit`: record (or verify) what is now committed. */
  commitAdvanced(r: Raft, commit: number): void {
    const prev = this.lastCommit.get(r.id) ?? 0;
    if (commit < prev) this.fail(`monotonic commit: member ${r.id} commit went from ${prev} to ${commit}`);
    this.lastCommit.set(r.id, Math.max(prev, commit));
    const log = r.raftLog;
    const from = Math.max(prev + 1, log.firstIndex());
    for (let i = from; i <= commit; i++) this.recordCommitted(r.id, i, log.term(i), -1);
  }

  private recordCommitted(id: bigint, index: number, term: number, digest: number): void {
    const known = this.committedTerm[index];
    if (known === undefined || known === 0) {
      this.committedTerm[index] = term;
      if (digest !== -1) this.committedDigest[index] = digest;
      if (index > this.maxCommitted) this.maxCommitted = index;
      return;
    }
    if (known !== term) {
      this.fail(`state machine safety: member ${id} has term ${term} committed at index ${index}, another member committed term ${known}`);
    }
  }

  /** A member applies committed entries to its state machine. */
  entriesApplied(id: bigint, entries: Entry[]): void {
    for (const e of entries) {
      const digest = entryDigest(e);
      this.recordCommitted(id, e.index, e.term, -1);
      const known = this.committedDigest[e.index];
      if (known === undefined) this.committedDigest[e.index] = digest;
      else if (known !== digest) this.fail(`state machine safety: member ${id} applies a different entry at index ${e.index}`);
    }
  }

  snapshotApplied(id: bigint, s: Snapshot): void {
    const known = this.committedTerm[s.metadata.index];
    if (known !== undefined && known !== 0 && known !== s.metadata.term) {
      this.fail(`state machine safety: member ${id} installs a snapshot at ${s.metadata.index} of term ${s.metadata.term}, committed term is ${known}`);
    }
  }

  hardStatePersisted(id: bigint, hs: HardState): void {
    const prev = this.lastPersisted.get(id);
    if (prev) {
      if (hs.term < prev.term) this.fail(`persisted term of ${id} went back from ${prev.term} to ${hs.term}`);
      if (hs.commit < prev.commit) this.fail(`monotonic commit: persisted commit of ${id} went back from ${prev.commit} to ${hs.commit}`);
      if (hs.term === prev.term && prev.vote !== 0n && hs.vote !== prev.vote) {
        this.fail(`member ${id} changed its vote in term ${hs.term} from ${prev.vote} to ${hs.vote}`);
      }
    }
    this.lastPersisted.set(id, hs);
  }

  /** Cheap checks over every live member after each step. */
  afterStep(rafts: Raft[]): void {
    for (const r of rafts) {
      const c = r.raftLog.committed;
      const prev = this.lastCommit.get(r.id) ?? 0;
      if (c < prev) this.fail(`monotonic commit: member ${r.id} commit went from ${prev} to ${c}`);
      if (r.state === StateType.Leader) {
        const l = this.leaders.get(r.term);
        if (l !== undefined && l !== r.id) this.fail(`election safety: term ${r.term} has two leaders, ${l} and ${r.id}`);
      }
    }
  }

  committedIndex(): number {
    return this.maxCommitted;
  }
}
