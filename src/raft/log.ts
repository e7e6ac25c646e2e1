import { CompactedError, UnavailableError } from './errors.js';
import { limitSize } from './entry-slice.js';
import type { Entry, Snapshot } from './messages.js';
import type { Storage } from './storage.js';
import { UnstableLog } from './unstable-log.js';

/**
 * The Raft log: the durable part read from Storage followed by the unstable part kept in memory,
 * with the commit and applied indexes.
 */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: UnstableLog;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index handed to the application to apply. */
  applied: number;
  readonly maxNextEntsSize: number;

  constructor(storage: Storage, maxNextEntsSize = Infinity) {
    this.storage = storage;
    this.maxNextEntsSize = maxNextEntsSize;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  toString(): string {
    return `committed=${this.committed} applied=${this.applied} unstable.offset=${this.unstable.offset} unstable.len=${this.unstable.entries.length}`;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /**
   * Term of entry `i`: 0 if `i` is past the end; throws CompactedError if it was compacted away.
   */
  term(i: number): number {
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    const dummy = this.firstIndex() - 1;
    if (i < dummy) throw new CompactedError(i);
    if (i > this.lastIndex()) return 0;
    try {
      return this.storage.term(i);
    } catch (e) {
      if (e instanceof UnavailableError) return 0;
      throw e;
    }
  }

  zeroTermOnCompacted(i: number): number {
    try {
      return this.term(i);
    } catch (e) {
      if (e instanceof CompactedError) return 0;
      throw e;
    }
  }

  lastTerm(): number {
    return this.zeroTermOnCompacted(this.lastIndex());
  }

  matchTerm(i: number, t: number): boolean {
    return this.zeroTermOnCompacted(i) === t;
  }

  /**
   * Appends `ents` that follow entry (`index`, `logTerm`) if the log holds that entry; returns the
   * last new index, or -1 when the log does not match.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number {
    if (!this.matchTerm(index, logTerm)) return -1;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new Error(`entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      }
      const offset = index + 1;
      this.append(ci === offset ? ents : ents.slice(ci - offset));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new Error(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** Index of the first entry of `ents` that is new or differs in term from the log; 0 if none. */
  findConflict(ents: Entry[]): number {
    const last = this.lastIndex();
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k]!;
      if (e.index > last) return e.index;
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The last index `<= index` whose term is `<= term`: the fast way back over a follower's
   * conflicting entries (each rejection skips a whole term instead of one entry).
   */
  findConflictByTerm(index: number, term: number): number {
    for (let i = index; i > 0; i--) {
      let t: number;
      try {
        t = this.term(i);
      } catch {
        return i;
      }
      if (t <= term) return i;
    }
    return 0;
  }

  /** The log is at least as up to date as a log ending at (`lasti`, `term`) (Raft §5.4.1). */
  isUpToDate(lasti: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && lasti >= this.lastIndex());
  }

  commitTo(toCommit: number): void {
    if (this.committed < toCommit) {
      if (this.lastIndex() < toCommit) {
        throw new Error(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      }
      this.committed = toCommit;
    }
  }

  /**
   * Raft's commit rule: an index counted on a quorum is committed only if its entry is from the
   * current term (Raft §5.4.2, Figure 8).
   */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.zeroTermOnCompacted(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) {
      throw new Error(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** Unstable entries not yet handed to storage (see `UnstableLog.inProgress`). */
  unstableEntries(): Entry[] {
    return this.unstable.notInProgress();
  }

  hasNextEnts(): boolean {
    const off = Math.max(this.applied + 1, this.firstIndex());
    return this.committed + 1 > off;
  }

  nextEnts(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) return this.slice(off, this.committed + 1, this.maxNextEntsSize);
    return [];
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== null && this.unstable.snapshot.metadata.index !== 0;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Entries from `i` to the end, within `maxSize`. */
  entries(i: number, maxSize: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  allEntries(): Entry[] {
    for (;;) {
      try {
        return this.entries(this.firstIndex(), Infinity);
      } catch (e) {
        if (e instanceof CompactedError) continue; // raced with compaction; retry
        throw e;
      }
    }
  }

  /** Entries in [lo, hi) within `maxSize`; throws CompactedError if `lo` was compacted. */
  slice(lo: number, hi: number, maxSize: number): Entry[] {
    if (lo > hi) throw new Error(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw new CompactedError(lo);
    const length = this.lastIndex() + 1 - fi;
    if (hi > fi + length) throw new Error(`slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
    if (lo === hi) return [];
    const uoff = this.unstable.offset;
    let ents: Entry[];
    if (lo < uoff) {
      const stored = this.storage.entries(lo, Math.min(hi, uoff), maxSize);
      if (stored.length < Math.min(hi, uoff) - lo) return stored; // size limit reached
      ents = hi > uoff ? stored.concat(this.unstable.slice(uoff, hi)) : stored;
    } else {
      ents = this.unstable.slice(lo, hi);
    }
    return limitSize(ents, maxSize);
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }
}
