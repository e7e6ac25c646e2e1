import { CompactedError, SnapshotOutOfDateError, UnavailableError } from './errors.js';
import { limitSize } from './entry-slice.js';
import type { ConfState, Entry, HardState, Snapshot } from './messages.js';
import type { Storage } from './storage.js';

/**
 * Storage kept in memory, for tests and the simulation. `ents[0]` is a dummy entry standing for
 * the last compacted entry (index and term of the snapshot).
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0n, commit: 0 };
  private snap: Snapshot = {
    data: new Uint8Array(0),
    metadata: { index: 0, term: 0, confState: { voters: [] } },
  };
  private ents: Entry[] = [{ term: 0, index: 0, type: 0, data: new Uint8Array(0) }];

  /** Storage of a member whose initial membership is known up front (no bootstrap entries). */
  static withMembers(voters: bigint[], learners: bigint[] = []): MemoryStorage {
    const s = new MemoryStorage();
    s.snap = {
      data: new Uint8Array(0),
      metadata: { index: 0, term: 0, confState: learners.length > 0 ? { voters, learners } : { voters } },
    };
    return s;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
  }

  getHardState(): HardState {
    return { ...this.hardState };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    if (this.ents.length === 1) return [];
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(index: number): number {
    const offset = this.ents[0]!.index;
    if (index < offset) throw new CompactedError(index);
    if (index - offset >= this.ents.length) throw new UnavailableError(index);
    return this.ents[index - offset]!.term;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole contents with a received snapshot. */
  applySnapshot(snap: Snapshot): void {
    const current = this.snap.metadata.index;
    if (current >= snap.metadata.index) throw new SnapshotOutOfDateError(snap.metadata.index, current);
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 0, data: new Uint8Array(0) }];
  }

  /**
   * Records a snapshot of the state machine at applied index `index` (not later than lastIndex).
   * `data` may be given as a function, called the first time the data is read (only a member that
   * sends the snapshot to a lagging follower needs the bytes in one piece).
   */
  createSnapshot(index: number, confState: ConfState | undefined, data: Uint8Array | (() => Uint8Array)): Snapshot {
    if (index <= this.snap.metadata.index) throw new SnapshotOutOfDateError(index, this.snap.metadata.index);
    const offset = this.ents[0]!.index;
    if (index > this.lastIndex()) throw new UnavailableError(index);
    const metadata = {
      index,
      term: this.ents[index - offset]!.term,
      confState: confState ?? this.snap.metadata.confState,
    };
    if (typeof data !== 'function') {
      this.snap = { data, metadata };
    } else {
      let bytes: Uint8Array | null = null;
      this.snap = {
        get data(): Uint8Array {
          return (bytes ??= data());
        },
        metadata,
      };
    }
    return this.snap;
  }

  /** Drops entries up to and including `compactIndex`; that index becomes the dummy entry. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new CompactedError(compactIndex);
    if (compactIndex > this.lastIndex()) throw new UnavailableError(compactIndex);
    const i = compactIndex - offset;
    const dummy = this.ents[i]!;
    const rest = this.ents.slice(i + 1);
    rest.unshift({ term: dummy.term, index: dummy.index, type: 0, data: new Uint8Array(0) });
    this.ents = rest;
  }

  /**
   * Appends entries, replacing any existing suffix they overlap (a Raft conflict truncation).
   * Entries older than the first kept index are ignored.
   */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    let ents = entries;
    if (first > ents[0]!.index) ents = ents.slice(first - ents[0]!.index);
    const offset = ents[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${ents[0]!.index}]`);
    }
    if (offset < this.ents.length) this.ents.length = offset;
    for (let k = 0; k < ents.length; k++) this.ents.push(ents[k]!);
  }
}
