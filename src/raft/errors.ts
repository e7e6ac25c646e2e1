/** Errors the log and storage report; the core treats them as expected conditions. */

/** The requested index is older than the first index still kept (it was compacted into a snapshot). */
export class CompactedError extends Error {
  constructor(index: number) {
    super(`requested index ${index} is unavailable due to compaction`);
    this.name = 'CompactedError';
  }
}

/** The requested index is newer than the last index in the log. */
export class UnavailableError extends Error {
  constructor(index: number) {
    super(`requested entry at index ${index} is unavailable`);
    this.name = 'UnavailableError';
  }
}

/** The storage cannot hand out a snapshot right now; the leader retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  constructor() {
    super('snapshot is temporarily unavailable');
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}

/** A snapshot older than the one already held was offered. */
export class SnapshotOutOfDateError extends Error {
  constructor(index: number, current: number) {
    super(`snapshot at index ${index} is older than the current snapshot at ${current}`);
    this.name = 'SnapshotOutOfDateError';
  }
}
