import { updateCrc } from '../wal/crc.js';
import { readUint64, writeUint64 } from '../wal/record-frame.js';
import type { ConfState, Snapshot } from './snapshot.js';

/**
 * Layout of a snapshot file (little-endian):
 *
 *   0   8  magic "FLOTSNP1"
 *   8   4  CRC-32 of every byte after this field
 *   12  8  index
 *   20  8  term
 *   28  4  number of voters V
 *   32  4  number of learners L
 *   36  8·V voters, then 8·L learners (uint64 member IDs)
 *   ..  8  data length D
 *   ..  D  data
 */
const MAGIC = Buffer.from('FLOTSNP1', 'latin1');
const FIXED_SIZE = 36;
const CRC_START = 12;

export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const builder = new SnapshotFileBuilder(snapshot, [snapshot.data]);
  builder.step(Infinity);
  return builder.file;
}

/**
 * Builds a snapshot file from its data given in parts, a bounded number of bytes at a time (the
 * copy and the checksum are the costly steps for a large store), so a server can build it between
 * turns of its event loop.
 */
export class SnapshotFileBuilder {
  /** The whole file; complete once `step` returned true. */
  readonly file: Buffer;
  private readonly dataStart: number;
  private readonly parts: readonly Uint8Array[];
  private part = 0;
  private partOffset = 0;
  private at: number;
  private crcAt = CRC_START;
  private crc = 0;
  private finished = false;

  constructor(meta: Omit<Snapshot, 'data'>, parts: readonly Uint8Array[]) {
    const { voters, learners } = meta.confState;
    checkNumber(meta.index, 'snapshot index');
    checkNumber(meta.term, 'snapshot term');
    let dataLength = 0;
    for (const p of parts) dataLength += p.byteLength;
    this.dataStart = FIXED_SIZE + 8 * (voters.length + learners.length) + 8;
    const buf = Buffer.allocUnsafe(this.dataStart + dataLength);
    MAGIC.copy(buf, 0);
    writeUint64(buf, meta.index, 12);
    writeUint64(buf, meta.term, 20);
    buf.writeUInt32LE(voters.length, 28);
    buf.writeUInt32LE(learners.length, 32);
    let at = FIXED_SIZE;
    for (const id of [...voters, ...learners]) {
      buf.writeBigUInt64LE(id, at);
      at += 8;
    }
    writeUint64(buf, dataLength, at);
    this.file = buf;
    this.parts = parts;
    this.at = this.dataStart;
  }

  /** The data section of the file (a view, not a copy). */
  get data(): Uint8Array {
    return this.file.subarray(this.dataStart);
  }

  /** Copies and checksums up to `budget` more bytes; true once the file is complete. */
  step(budget: number): boolean {
    if (this.finished) return true;
    let left = budget;
    while (left > 0 && this.part < this.parts.length) {
      const p = this.parts[this.part]!;
      const n = Math.min(left, p.byteLength - this.partOffset);
      this.file.set(n === p.byteLength ? p : p.subarray(this.partOffset, this.partOffset + n), this.at);
      this.at += n;
      this.partOffset += n;
      left -= n;
      if (this.partOffset === p.byteLength) {
        this.part++;
        this.partOffset = 0;
      }
    }
    if (this.part < this.parts.length) return false;
    if (left > 0 && this.crcAt < this.file.length) {
      const end = Math.min(this.file.length, this.crcAt + left);
      this.crc = updateCrc(this.crc, this.file.subarray(this.crcAt, end));
      left -= end - this.crcAt;
      this.crcAt = end;
    }
    if (this.crcAt < this.file.length) return false;
    this.file.writeUInt32LE(this.crc, 8);
    this.finished = true;
    return true;
  }
}

/** Decodes a snapshot file, or returns why it cannot be trusted. */
export function decodeSnapshot(buf: Buffer): Snapshot | string {
  if (buf.length < FIXED_SIZE + 8) return `file of ${buf.length} bytes is too short`;
  if (!buf.subarray(0, 8).equals(MAGIC)) return 'not a snapshot file (bad magic)';
  const stored = buf.readUInt32LE(8);
  const computed = updateCrc(0, buf.subarray(CRC_START));
  if (stored !== computed) return `checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)})`;
  const index = readUint64(buf, 12);
  const term = readUint64(buf, 20);
  const voterCount = buf.readUInt32LE(28);
  const learnerCount = buf.readUInt32LE(32);
  let at = FIXED_SIZE;
  if (at + 8 * (voterCount + learnerCount) + 8 > buf.length) return 'member lists run past the end of the file';
  const readIds = (count: number): bigint[] => {
    const ids: bigint[] = [];
    for (let i = 0; i < count; i++, at += 8) ids.push(buf.readBigUInt64LE(at));
    return ids;
  };
  const confState: ConfState = { voters: readIds(voterCount), learners: readIds(learnerCount) };
  const dataLength = readUint64(buf, at);
  at += 8;
  if (at + dataLength !== buf.length) return `data length ${dataLength} does not match the file size`;
  // A view into the file's buffer, which belongs to the caller: no copy of a large store.
  return { index, term, confState, data: new Uint8Array(buf.buffer, buf.byteOffset + at, dataLength) };
}

function checkNumber(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} ${value} is not a non-negative safe integer`);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
