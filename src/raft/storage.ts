import type { ConfState, Entry, HardState, Snapshot } from './messages.js';

/**
 * The durable log as the Raft core reads it. The core never writes through this interface: the
 * application persists what `Ready` hands it and then calls `advance()`.
 *
 * Index rules: entries kept are [firstIndex(), lastIndex()]; `term(firstIndex() - 1)` is the term
 * of the last compacted entry (the snapshot's). Asking for an older index throws CompactedError;
 * asking past the end throws UnavailableError.
 */
export interface Storage {
  /** Hard state and membership saved at the last restart point. */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at least one if any exist, stopping before `maxSize` bytes are exceeded. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  term(index: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /** The newest snapshot; may throw SnapshotTemporarilyUnavailableError. */
  snapshot(): Snapshot;
}
