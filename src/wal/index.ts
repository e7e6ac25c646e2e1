export { Wal, DEFAULT_SEGMENT_SIZE } from './wal.js';
export type { OpenedWal, WalOptions, WalStats, WalSyncMode } from './wal.js';
export type { WalEntry, WalEntryType, HardState, WalSnapshotMarker } from './types.js';
export { ENTRY_NORMAL, ENTRY_CONF_CHANGE, EMPTY_HARD_STATE, isEmptyHardState } from './types.js';
export { WalError, WalCorruptionError } from './errors.js';
export type { WalErrorCode } from './errors.js';
export { nodeFileIo, rememberingReads, withoutSync } from './file-io.js';
export type { FileIo } from './file-io.js';
export { formatSegmentName, parseSegmentName } from './segment-name.js';
