import { updateCrc } from './crc.js';
import {
  CRC_PAYLOAD_SIZE,
  ENTRY_FIXED_SIZE,
  FRAME_HEADER_SIZE,
  HARD_STATE_SIZE,
  SNAPSHOT_MARKER_SIZE,
  frameSize,
  writeUint64,
} from './record-frame.js';
import { RecordType } from './record-type.js';
import type { HardState, WalEntry, WalSnapshotMarker } from './types.js';

const INITIAL_CAPACITY = 64 * 1024;
const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * A growable buffer of encoded record frames, written to disk with one write call per batch.
 * Frames are appended with a zero checksum; `seal` fills the chained checksums in one pass once the
 * running CRC the batch continues from is known (which, across a segment cut, is only at flush time).
 */
export class FrameBuffer {
  private buf: Buffer;
  private used = 0;
  private sealedUpTo = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.used;
  }

  /** The encoded bytes; valid until the next append or reset. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  /** Drops frames appended after `length` (which must be a frame boundary at or past the last seal). */
  rewind(length: number): void {
    if (length < this.sealedUpTo || length > this.used) throw new RangeError(`cannot rewind to ${length}`);
    this.used = length;
  }

  reset(): void {
    this.used = 0;
    this.sealedUpTo = 0;
  }

  appendEntry(entry: WalEntry): void {
    checkIndexOrTerm(entry.index, 'entry index');
    checkIndexOrTerm(entry.term, 'entry term');
    if (entry.type !== 0 && entry.type !== 1) throw new RangeError(`entry type ${String(entry.type)} is not 0 or 1`);
    const dataLength = entry.data.byteLength;
    const at = this.beginFrame(RecordType.entry, ENTRY_FIXED_SIZE + dataLength);
    const buf = this.buf;
    writeUint64(buf, entry.term, at);
    writeUint64(buf, entry.index, at + 8);
    buf[at + 16] = entry.type;
    buf.set(entry.data, at + ENTRY_FIXED_SIZE);
  }

  appendHardState(state: HardState): void {
    checkIndexOrTerm(state.term, 'hard state term');
    checkIndexOrTerm(state.commit, 'hard state commit');
    if (state.vote < 0n || state.vote > MAX_UINT64) throw new RangeError(`vote ${state.vote} is not a uint64`);
    const at = this.beginFrame(RecordType.hardState, HARD_STATE_SIZE);
    writeUint64(this.buf, state.term, at);
    this.buf.writeBigUInt64LE(state.vote, at + 8);
    writeUint64(this.buf, state.commit, at + 16);
  }

  appendSnapshotMarker(marker: WalSnapshotMarker): void {
    checkIndexOrTerm(marker.index, 'snapshot index');
    checkIndexOrTerm(marker.term, 'snapshot term');
    const at = this.beginFrame(RecordType.snapshot, SNAPSHOT_MARKER_SIZE);
    writeUint64(this.buf, marker.index, at);
    writeUint64(this.buf, marker.term, at + 8);
  }

  appendMetadata(metadata: Uint8Array): void {
    const at = this.beginFrame(RecordType.metadata, metadata.byteLength);
    this.buf.set(metadata, at);
  }

  /** A crc record; the running checksum it carries is filled in by `seal`. */
  appendCrc(): void {
    const at = this.beginFrame(RecordType.crc, CRC_PAYLOAD_SIZE);
    this.buf.writeUInt32LE(0, at);
  }

  /**
   * Fills in the checksums of all frames appended since the last seal, continuing the chain from
   * `runningCrc`. Returns the running CRC after the last frame.
   */
  seal(runningCrc: number): number {
    const buf = this.buf;
    let crc = runningCrc >>> 0;
    let at = this.sealedUpTo;
    while (at < this.used) {
      const payloadLength = buf.readUInt32LE(at + 4);
      if (buf[at + 8] === RecordType.crc) buf.writeUInt32LE(crc, at + FRAME_HEADER_SIZE);
      crc = updateCrc(crc, buf.subarray(at + 4, at + FRAME_HEADER_SIZE + payloadLength));
      buf.writeUInt32LE(crc, at);
      at += frameSize(payloadLength);
    }
    this.sealedUpTo = at;
    return crc;
  }

  /** Reserves a frame, writes its header (checksum left zero) and padding; returns the payload offset. */
  private beginFrame(type: RecordType, payloadLength: number): number {
    const size = frameSize(payloadLength);
    this.ensureCapacity(size);
    const at = this.used;
    const buf = this.buf;
    buf.writeUInt32LE(0, at);
    buf.writeUInt32LE(payloadLength, at + 4);
    buf.writeUInt32LE(type, at + 8); // type byte followed by three zero bytes
    const payloadEnd = at + FRAME_HEADER_SIZE + payloadLength;
    buf.fill(0, payloadEnd, at + size);
    this.used = at + size;
    return at + FRAME_HEADER_SIZE;
  }

  private ensureCapacity(extra: number): void {
    const needed = this.used + extra;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

function checkIndexOrTerm(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} ${value} is not a non-negative safe integer`);
}
