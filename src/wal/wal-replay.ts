import path from 'node:path';
import { ByteArena } from './byte-arena.js';
import { WalCorruptionError, WalError } from './errors.js';
import type { FileIo } from './file-io.js';
import { scanSegment, type DecodedRecord } from './segment-scanner.js';
import { segmentHoldingIndex, type SegmentName } from './segment-name.js';
import { EMPTY_HARD_STATE, type HardState, type WalEntry, type WalSnapshotMarker } from './types.js';

/** Everything a log holds after a snapshot, and where appending resumes. */
export interface WalReplay {
  metadata: Uint8Array;
  hardState: HardState;
  /** Entries after the snapshot, with later writes of an index replacing the earlier tail. */
  entries: WalEntry[];
  /** Index of the last entry record read (the snapshot index if there were none). */
  lastIndex: number;
  /** Segments from the one replay started at to the last. */
  segments: SegmentName[];
  /** Where the last segment's whole records end: the next write goes here. */
  tailEnd: number;
  /** Start of the zero tail of the last segment; bytes between tailEnd and here are a torn write. */
  tailZeroStart: number;
  /** Running checksum after the last whole record. */
  runningCrc: number;
}

/**
 * Reads every record of the segments that can hold entries after `from`, in order, and checks it.
 * A torn write at the end of the last segment ends the log there; any other damage throws a
 * WalCorruptionError naming the file and byte offset.
 */
export function replaySegments(io: FileIo, dir: string, all: readonly SegmentName[], from: WalSnapshotMarker): WalReplay {
  if (all.length === 0) throw new WalError('WAL_NOT_FOUND', `no wal segments in ${dir}`);
  const start = segmentHoldingIndex(all, from.index);
  if (start < 0) {
    throw new WalError(
      'WAL_SNAPSHOT_NOT_FOUND',
      `wal in ${dir} starts at index ${all[0]!.firstIndex}, after snapshot index ${from.index}`,
    );
  }
  const segments = all.slice(start);

  let metadata: Uint8Array | null = null;
  let hardState: HardState = { ...EMPTY_HARD_STATE };
  const entries: WalEntry[] = [];
  let lastIndex = from.index;
  let snapshotSeen = false;
  let runningCrc: number | null = null;
  let tailEnd = 0;
  let tailZeroStart = 0;
  const arena = new ByteArena();

  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const isLast = i === segments.length - 1;
    const buf = io.readWhole(path.join(dir, segment.name));
    const fail = (offset: number, reason: string): never => {
      throw new WalCorruptionError(segment.name, offset, reason);
    };
    const visit = (record: DecodedRecord): void => {
      switch (record.kind) {
        case 'entry': {
          const entry = record.entry;
          if (entry.index > from.index) {
            const position = entry.index - from.index - 1;
            if (position > entries.length) {
              fail(record.offset, `entry ${entry.index} leaves a gap after entry ${from.index + entries.length}`);
            }
            entries.length = position; // a rewritten index replaces the tail from there on
            entries.push(entry);
          }
          lastIndex = entry.index;
          break;
        }
        case 'hardState':
          hardState = record.state;
          break;
        case 'metadata':
          if (metadata !== null && !Buffer.from(metadata).equals(record.metadata)) {
            throw new WalError('WAL_METADATA_CONFLICT', `wal segment ${segment.name} holds different metadata at byte offset ${record.offset}`);
          }
          metadata = record.metadata;
          break;
        case 'snapshot':
          if (record.marker.index === from.index) {
            if (record.marker.term !== from.term) {
              throw new WalError(
                'WAL_SNAPSHOT_MISMATCH',
                `wal snapshot marker at index ${from.index} has term ${record.marker.term}, expected ${from.term}`,
              );
            }
            snapshotSeen = true;
          }
          if (record.marker.index > lastIndex) lastIndex = record.marker.index;
          break;
        case 'crc':
          break;
      }
    };
    const scan = scanSegment(buf, runningCrc, visit, arena, false, from.index); // entries the snapshot covers are dropped: no copy
    if (scan.tail.kind === 'corrupt') fail(scan.tail.offset, scan.tail.reason);
    if (scan.tail.kind === 'torn' && !isLast) fail(scan.end, `torn record in a segment that is not the last: ${scan.tail.reason}`);
    if (scan.runningCrc !== null) runningCrc = scan.runningCrc;
    tailEnd = scan.end;
    tailZeroStart = scan.zeroTailStart;
  }

  if (metadata === null) throw new WalError('WAL_CORRUPT', `wal in ${dir} holds no metadata record`);
  if (!snapshotSeen) {
    throw new WalError('WAL_SNAPSHOT_NOT_FOUND', `wal in ${dir} has no snapshot marker at index ${from.index} term ${from.term}`);
  }
  return {
    metadata,
    hardState,
    entries,
    lastIndex,
    segments,
    tailEnd,
    tailZeroStart,
    runningCrc: runningCrc ?? 0,
  };
}
