import { combineCrc, updateCrc } from '../wal/crc.js';
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

/** Checksums of parts already summed, by the part itself, for parts declared never to change. */
const knownCrcs = new WeakMap<Uint8Array, number>();

export interface SnapshotFileBuilderOptions {
  /**
   * The parts never change once handed over (the store's encoded chunks): their checksums are
   * remembered, and a part seen by an earlier build is not read again.
   */
  readonly immutableParts?: boolean;
}

/**
 * Builds a snapshot file from its data given in parts, checksumming a bounded number of bytes at a
 * time so a server can build it between turns of its event loop. Nothing is copied: the file is its
 * head followed by the parts, written out as they are. With `immutableParts`, a part whose checksum
 * an earlier build computed (a stretch of the store that did not change since the last snapshot)
 * is not read again: its checksum is folded into the file's (`combineCrc`).
 */
export class SnapshotFileBuilder {
  private readonly head: Buffer;
  private readonly parts: readonly Uint8Array[];
  private readonly dataLength: number;
  /** Next part to fold into the checksum, and the running checksum of the part being read. */
  private part = 0;
  private partAt = 0;
  private partCrc = 0;
  private crc: number;
  private finished = false;
  private dataBytes: Uint8Array | null = null;
  private fileBytes: Buffer | null = null;
  private readonly remember: boolean;

  constructor(meta: Omit<Snapshot, 'data'>, parts: readonly Uint8Array[], options: SnapshotFileBuilderOptions = {}) {
    this.remember = options.immutableParts ?? false;
    const { voters, learners } = meta.confState;
    checkNumber(meta.index, 'snapshot index');
    checkNumber(meta.term, 'snapshot term');
    let dataLength = 0;
    for (const p of parts) dataLength += p.byteLength;
    const head = Buffer.alloc(FIXED_SIZE + 8 * (voters.length + learners.length) + 8);
    MAGIC.copy(head, 0);
    writeUint64(head, meta.index, 12);
    writeUint64(head, meta.term, 20);
    head.writeUInt32LE(voters.length, 28);
    head.writeUInt32LE(learners.length, 32);
    let at = FIXED_SIZE;
    for (const id of [...voters, ...learners]) {
      head.writeBigUInt64LE(id, at);
      at += 8;
    }
    writeUint64(head, dataLength, at);
    this.head = head;
    this.parts = parts;
    this.dataLength = dataLength;
    this.crc = updateCrc(0, head.subarray(CRC_START));
  }

  /** Checksums up to `budget` more bytes; true once the file is complete. */
  step(budget: number): boolean {
    if (this.finished) return true;
    let left = budget;
    while (this.part < this.parts.length) {
      const p = this.parts[this.part]!;
      let crc = this.partAt === 0 && this.remember ? knownCrcs.get(p) : undefined;
      if (crc === undefined) {
        if (left <= 0) return false;
        const end = Math.min(p.byteLength, this.partAt + left);
        this.partCrc = updateCrc(this.partCrc, p.subarray(this.partAt, end));
        left -= end - this.partAt;
        this.partAt = end;
        if (end < p.byteLength) return false;
        crc = this.partCrc;
        if (this.remember) knownCrcs.set(p, crc);
      }
      this.crc = combineCrc(this.crc, crc, p.byteLength);
      this.part++;
      this.partAt = 0;
      this.partCrc = 0;
    }
    this.head.writeUInt32LE(this.crc, 8);
    this.finished = true;
    return true;
  }

  /** The file as consecutive parts: its head, then the data parts. Complete once `step` returned true. */
  fileParts(): readonly Uint8Array[] {
    this.mustBeFinished();
    return [this.head, ...this.parts];
  }

  /** The data section in one buffer, copied together on first use (a follower's catch-up needs it). */
  get data(): Uint8Array {
    this.mustBeFinished();
    if (this.dataBytes === null) this.dataBytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.dataLength);
    return this.dataBytes;
  }

  /** The whole file in one buffer (copied together on first use). */
  get file(): Buffer {
    this.mustBeFinished();
    if (this.fileBytes === null) this.fileBytes = Buffer.concat([this.head, ...this.parts], this.head.length + this.dataLength);
    return this.fileBytes;
  }

  private mustBeFinished(): void {
    if (!this.finished) throw new Error('snapshot file not finished');
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
