import type { Entry, Snapshot } from './messages.js';

/**
 * Entries (and at most one snapshot) received but not yet persisted by the application.
 * `entries[i]` has index `offset + i`.
 */
export class UnstableLog {
  snapshot: Snapshot | null = null;
  entries: Entry[] = [];
  offset: number;
  /**
   * Entries below this index have been handed to storage already and are being written (an
   * application that persists asynchronously); they are not handed out again. Never below `offset`.
   */
  inProgress: number;

  constructor(offset: number) {
    this.offset = offset;
    this.inProgress = offset;
  }

  /** The entries not yet handed to storage. */
  notInProgress(): Entry[] {
    const k = this.inProgress - this.offset;
    return k <= 0 ? this.entries : this.entries.slice(k);
  }

  /** Entries up to `index` have been handed to storage. */
  acceptInProgress(index: number): void {
    if (this.inProgress < index + 1) this.inProgress = index + 1;
  }

  /** Index of the first entry only if a snapshot is pending. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.metadata.index + 1 : undefined;
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot ? this.snapshot.metadata.index : undefined;
  }

  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      if (this.snapshot && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
      return undefined;
    }
    const k = i - this.offset;
    if (k >= this.entries.length) return undefined;
    return this.entries[k]!.term;
  }

  /** Entries up to `i` (with term `t`) are now durable. */
  stableTo(i: number, t: number): void {
    const gt = this.maybeTerm(i);
    if (gt === undefined || gt !== t || i < this.offset) return;
    const n = i + 1 - this.offset;
    this.entries = n >= this.entries.length ? [] : this.entries.slice(n);
    this.offset = i + 1;
    if (this.inProgress < this.offset) this.inProgress = this.offset;
  }

  stableSnapTo(i: number): void {
    if (this.snapshot && this.snapshot.metadata.index === i) this.snapshot = null;
  }

  restore(s: Snapshot): void {
    this.offset = s.metadata.index + 1;
    this.inProgress = this.offset;
    this.entries = [];
    this.snapshot = s;
  }

  truncateAndAppend(ents: Entry[]): void {
    const after = ents[0]!.index;
    const end = this.offset + this.entries.length;
    if (after === end) {
      for (let k = 0; k < ents.length; k++) this.entries.push(ents[k]!);
    } else if (after <= this.offset) {
      // The new entries replace everything unstable; storage's overlapping suffix is replaced on persist.
      this.offset = after;
      this.entries = ents.slice();
    } else {
      this.entries = this.entries.slice(0, after - this.offset);
      for (let k = 0; k < ents.length; k++) this.entries.push(ents[k]!);
    }
    // Replaced entries must be handed to storage again, even if their earlier versions were.
    if (this.inProgress > after) this.inProgress = Math.max(after, this.offset);
  }

  /** Entries in [lo, hi); the caller guarantees the range is inside the unstable entries. */
  slice(lo: number, hi: number): Entry[] {
    if (lo < this.offset || hi > this.offset + this.entries.length || lo > hi) {
      throw new Error(`unstable.slice[${lo},${hi}) out of bounds [${this.offset},${this.offset + this.entries.length})`);
    }
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
