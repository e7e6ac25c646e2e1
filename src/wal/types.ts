/** Value types the write-ahead log persists. Indexes and terms are JS numbers (safe up to 2^53). */

/** Kind of a Raft log entry: 0 a normal proposal, 1 a membership (conf) change. */
export type WalEntryType = 0 | 1;

export const ENTRY_NORMAL: WalEntryType = 0;
export const ENTRY_CONF_CHANGE: WalEntryType = 1;

/** One Raft log entry as stored in the log. */
export interface WalEntry {
  term: number;
  index: number;
  type: WalEntryType;
  data: Uint8Array;
}

/** Raft's persistent vote state. `vote` is a uint64 member ID; 0n means "voted for nobody". */
export interface HardState {
  term: number;
  vote: bigint;
  commit: number;
}

/** Marks that a snapshot covering the log up to `index` (at `term`) exists. */
export interface WalSnapshotMarker {
  index: number;
  term: number;
}

export const EMPTY_HARD_STATE: Readonly<HardState> = Object.freeze({ term: 0, vote: 0n, commit: 0 });

export function isEmptyHardState(state: HardState): boolean {
  return state.term === 0 && state.vote === 0n && state.commit === 0;
}
