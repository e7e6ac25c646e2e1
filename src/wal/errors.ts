/** Errors the write-ahead log raises. All carry a stable `code` for callers to branch on. */

export type WalErrorCode =
  | 'WAL_EXISTS'
  | 'WAL_NOT_FOUND'
  | 'WAL_CORRUPT'
  | 'WAL_SNAPSHOT_NOT_FOUND'
  | 'WAL_SNAPSHOT_MISMATCH'
  | 'WAL_METADATA_CONFLICT'
  | 'WAL_CLOSED'
  | 'WAL_FAILED';

export class WalError extends Error {
  constructor(
    readonly code: WalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WalError';
  }
}

/** Damage in a segment that a crash cannot explain; the log refuses to open. */
export class WalCorruptionError extends WalError {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super('WAL_CORRUPT', `wal segment ${file} is corrupt at byte offset ${offset}: ${reason}`);
    this.name = 'WalCorruptionError';
  }
}
