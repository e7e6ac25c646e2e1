import { ByteArena } from './byte-arena.js';
import { updateCrc } from './crc.js';
import {
  CRC_PAYLOAD_SIZE,
  ENTRY_FIXED_SIZE,
  FRAME_ALIGNMENT,
  FRAME_HEADER_SIZE,
  HARD_STATE_SIZE,
  MAX_PAYLOAD_SIZE,
  SNAPSHOT_MARKER_SIZE,
  frameSize,
  readUint64,
} from './record-frame.js';
import { RecordType, isRecordType, recordTypeName } from './record-type.js';
import type { HardState, WalEntry, WalEntryType, WalSnapshotMarker } from './types.js';

/** One record read back from a segment, with the byte offset of its frame. */
export type DecodedRecord =
  | { kind: 'metadata'; offset: number; metadata: Uint8Array }
  | { kind: 'entry'; offset: number; entry: WalEntry }
  | { kind: 'hardState'; offset: number; state: HardState }
  | { kind: 'snapshot'; offset: number; marker: WalSnapshotMarker }
  | { kind: 'crc'; offset: number; value: number };

/**
 * How the records of a segment end:
 * - `clean`: an all-zero header follows the last record and the rest of the file is zero;
 * - `torn`: the last write was cut short (a crash mid-write); the records before `end` are whole;
 * - `corrupt`: damage that a crash cannot explain, at byte `offset`.
 */
export type SegmentTail =
  | { kind: 'clean' }
  | { kind: 'torn'; reason: string }
  | { kind: 'corrupt'; offset: number; reason: string };

export interface SegmentScan {
  /** Offset just past the last whole record: where the next record would be written. */
  end: number;
  /** Start of the run of zero bytes that reaches the end of the file (== file size if none). */
  zeroTailStart: number;
  /** Running checksum after the last whole record (null if the segment held no records and none came in). */
  runningCrc: number | null;
  tail: SegmentTail;
}

/** Disk sector size assumed when recognising writes that reached the disk only in part. */
const SECTOR_SIZE = 512;

/**
 * Decodes every record of one segment, checking the checksum chain, and reports how the segment
 * ends. `runningCrc` is the chain value carried over from the previous segment (null when reading
 * starts at this segment). Records are passed to `visit` in order (entries are checked but neither
 * decoded nor passed on when `skipEntries` is set, and entries up to index `noDataUpTo` come without
 * their data); scanning stops at the first frame that is not a whole, valid record.
 *
 * A bad frame is called torn (rather than corrupt) only when a crash mid-write explains it: a whole
 * 512-byte sector inside it is zero with data after it (sectors of one write can reach the disk out
 * of order), or the
 * zero tail of the file starts inside it while nothing after it still chains on from it (which would
 * mean later records were written whole and the damage came afterwards). As with etcd, a record whose
 * data really holds a zero sector and is also damaged is taken for torn.
 */
export function scanSegment(
  buf: Buffer,
  runningCrc: number | null,
  visit: (record: DecodedRecord) => void,
  arena: ByteArena = new ByteArena(),
  skipEntries = false,
  noDataUpTo = 0,
): SegmentScan {
  const size = buf.length;
  const zeroTailStart = findZeroTailStart(buf);
  let crc = runningCrc;
  let at = 0;
  const finish = (tail: SegmentTail): SegmentScan => ({ end: at, zeroTailStart, runningCrc: crc, tail });

  while (at < size) {
    if (at >= zeroTailStart) return finish({ kind: 'clean' });
    if (size - at < FRAME_HEADER_SIZE) {
      // zeroTailStart > at, so these last bytes are not all zero: a header cut off by the end of the file.
      return finish({ kind: 'torn', reason: `record header cut short by the end of the file at ${size}` });
    }
    if (isZero(buf, at, at + FRAME_HEADER_SIZE)) return finish(classifyZeroHeader(buf, at));
    const stored = buf.readUInt32LE(at);
    const length = buf.readUInt32LE(at + 4);
    const type = buf[at + 8]!;
    const problem = headerProblem(buf, at, length, type);
    if (problem !== null) return finish(classifyBadFrame(buf, at, zeroTailStart, length, problem, crc));
    const payloadStart = at + FRAME_HEADER_SIZE;
    const payloadEnd = payloadStart + length;
    const frameEnd = at + frameSize(length);
    let seed: number;
    if (type === RecordType.crc) {
      if (length !== CRC_PAYLOAD_SIZE) return finish({ kind: 'corrupt', offset: at, reason: `crc record of ${length} bytes` });
      seed = buf.readUInt32LE(payloadStart);
    } else {
      seed = crc ?? 0;
    }
    const computed = updateCrc(seed, buf.subarray(at + 4, payloadEnd));
    if (computed !== stored) {
      return finish(classifyBadFrame(buf, at, zeroTailStart, length, `checksum mismatch in ${recordTypeName(type)} record`, crc));
    }
    if (!isZero(buf, payloadEnd, frameEnd)) {
      return finish({ kind: 'corrupt', offset: payloadEnd, reason: 'non-zero padding after a record' });
    }
    if (type === RecordType.crc && crc !== null && seed !== crc) {
      return finish({ kind: 'corrupt', offset: at, reason: `checksum chain broken: segment carries ${hex(seed)}, expected ${hex(crc)}` });
    }
    if (!skipEntries || type !== RecordType.entry) {
      const record = decodePayload(type as RecordType, buf, at, payloadStart, length, arena, noDataUpTo);
      if (typeof record === 'string') return finish({ kind: 'corrupt', offset: at, reason: record });
      visit(record);
    }
    crc = computed;
    at = frameEnd;
  }
  return finish({ kind: 'clean' });
}

function headerProblem(buf: Buffer, at: number, length: number, type: number): string | null {
  if (!isRecordType(type)) return `unknown record type ${type}`;
  if (buf[at + 9] !== 0 || buf[at + 10] !== 0 || buf[at + 11] !== 0) return 'non-zero reserved header bytes';
  if (length > MAX_PAYLOAD_SIZE) return `record length ${length} too large`;
  if (at + frameSize(length) > buf.length) return `record of ${length} bytes runs past the end of the file`;
  return null;
}

const NO_DATA = new Uint8Array(0);

function decodePayload(type: RecordType, buf: Buffer, at: number, p: number, length: number, arena: ByteArena, noDataUpTo: number): DecodedRecord | string {
  switch (type) {
    case RecordType.metadata:
      return { kind: 'metadata', offset: at, metadata: arena.copy(buf, p, p + length) };
    case RecordType.entry: {
      if (length < ENTRY_FIXED_SIZE) return `entry record of ${length} bytes`;
      const entryType = buf[p + 16]!;
      if (entryType !== 0 && entryType !== 1) return `entry type ${entryType}`;
      const term = readUint64(buf, p);
      const index = readUint64(buf, p + 8);
      if (!Number.isSafeInteger(term) || !Number.isSafeInteger(index)) return 'entry term or index beyond 2^53';
      const data = index <= noDataUpTo ? NO_DATA : arena.copy(buf, p + ENTRY_FIXED_SIZE, p + length);
      return { kind: 'entry', offset: at, entry: { term, index, type: entryType as WalEntryType, data } };
    }
    case RecordType.hardState: {
      if (length !== HARD_STATE_SIZE) return `hard state record of ${length} bytes`;
      const term = readUint64(buf, p);
      const commit = readUint64(buf, p + 16);
      if (!Number.isSafeInteger(term) || !Number.isSafeInteger(commit)) return 'hard state term or commit beyond 2^53';
      return { kind: 'hardState', offset: at, state: { term, vote: buf.readBigUInt64LE(p + 8), commit } };
    }
    case RecordType.snapshot: {
      if (length !== SNAPSHOT_MARKER_SIZE) return `snapshot record of ${length} bytes`;
      const index = readUint64(buf, p);
      const term = readUint64(buf, p + 8);
      if (!Number.isSafeInteger(term) || !Number.isSafeInteger(index)) return 'snapshot term or index beyond 2^53';
      return { kind: 'snapshot', offset: at, marker: { index, term } };
    }
    case RecordType.crc:
      return { kind: 'crc', offset: at, value: buf.readUInt32LE(p) };
  }
}

/** An all-zero header at `at`: the clean end, unless non-zero bytes follow. */
function classifyZeroHeader(buf: Buffer, at: number): SegmentTail {
  const nonZero = firstNonZero(buf, at);
  if (nonZero === buf.length) return { kind: 'clean' };
  if (containsZeroSector(buf, at, nonZero)) return { kind: 'torn', reason: `zero sector at ${at} followed by data at ${nonZero}` };
  return { kind: 'corrupt', offset: nonZero, reason: 'data after the end of the log' };
}

function classifyBadFrame(
  buf: Buffer,
  at: number,
  zeroTailStart: number,
  length: number,
  problem: string,
  runningCrc: number | null,
): SegmentTail {
  const corrupt: SegmentTail = { kind: 'corrupt', offset: at, reason: problem };
  const claimedEnd = at + frameSize(Math.min(length, MAX_PAYLOAD_SIZE));
  // A hole of a whole zero sector inside the frame, with data after it: that sector of an unfinished
  // write never reached the disk, although later sectors of the same write did.
  if (containsZeroSector(buf, at, Math.min(claimedEnd, zeroTailStart))) return { kind: 'torn', reason: `${problem}; zero sector inside` };
  if (chainContinuesAfter(buf, at, zeroTailStart, length, runningCrc)) return corrupt;
  if (zeroTailStart < claimedEnd) return { kind: 'torn', reason: `${problem}; write cut short at ${zeroTailStart}` };
  return corrupt;
}

/**
 * True when some later frame, before the zero tail, carries a checksum that chains on from the bad
 * frame at `at` (taking either its stored checksum or one recomputed with the claimed length). That
 * frame was written after the bad one, so the bad one is damage, not an interrupted write.
 */
function chainContinuesAfter(buf: Buffer, at: number, zeroTailStart: number, length: number, runningCrc: number | null): boolean {
  const seeds = new Set<number>([buf.readUInt32LE(at)]);
  const end = at + FRAME_HEADER_SIZE + length;
  if (length <= MAX_PAYLOAD_SIZE && end <= buf.length) seeds.add(updateCrc(runningCrc ?? 0, buf.subarray(at + 4, end)));
  for (let y = at + FRAME_ALIGNMENT; y + FRAME_HEADER_SIZE <= zeroTailStart; y += FRAME_ALIGNMENT) {
    const type = buf[y + 8]!;
    if (!isRecordType(type) || type === RecordType.crc) continue;
    if (buf[y + 9] !== 0 || buf[y + 10] !== 0 || buf[y + 11] !== 0) continue;
    const len = buf.readUInt32LE(y + 4);
    if (y + FRAME_HEADER_SIZE + len > buf.length) continue;
    const bytes = buf.subarray(y + 4, y + FRAME_HEADER_SIZE + len);
    const stored = buf.readUInt32LE(y);
    for (const seed of seeds) if (updateCrc(seed, bytes) === stored) return true;
  }
  return false;
}

function containsZeroSector(buf: Buffer, from: number, to: number): boolean {
  for (let s = Math.ceil(from / SECTOR_SIZE) * SECTOR_SIZE; s + SECTOR_SIZE <= to; s += SECTOR_SIZE) {
    if (isZero(buf, s, s + SECTOR_SIZE)) return true;
  }
  return false;
}

const ZERO_CHUNK = Buffer.alloc(64 * 1024);

function findZeroTailStart(buf: Buffer): number {
  let i = buf.length;
  while (i >= ZERO_CHUNK.length && ZERO_CHUNK.equals(buf.subarray(i - ZERO_CHUNK.length, i))) i -= ZERO_CHUNK.length;
  while (i > 0 && buf[i - 1] === 0) i--;
  return i;
}

function firstNonZero(buf: Buffer, from: number): number {
  let i = from;
  while (i + ZERO_CHUNK.length <= buf.length && ZERO_CHUNK.equals(buf.subarray(i, i + ZERO_CHUNK.length))) i += ZERO_CHUNK.length;
  while (i < buf.length && buf[i] === 0) i++;
  return i;
}

function isZero(buf: Buffer, from: number, to: number): boolean {
  if (to - from <= 64) {
    for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
    return true;
  }
  return firstNonZero(buf.subarray(0, to), from) >= to;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
