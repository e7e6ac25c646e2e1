import { combineCrc, updateCrc } from '../wal/crc.js';
import { readUint64, writeUint64 } from '../wal/record-frame.js';
import type { ConfState, Snapshot } from './snapshot.js';

/**
 * Layout of a whole snapshot file (little-endian):
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
 *
 * A snapshot that shares parts with earlier ones (magic "FLOTSNP2") has the same fields up to D,
 * then says where each part of the data is: in this file, or in an earlier snapshot file, where an
 * unchanged stretch of the store was already written. Only the parts that changed are written again.
 *
 *   ..  4  number of referenced files F, then per file: 2 name length, the name (ASCII)
 *   ..  4  number of parts P, then per part (24 bytes): 4 file (0: this file, k: the k-th
 *          referenced file), 8 offset in that file, 8 length, 4 CRC-32 of the part's bytes
 *   ..     the bytes of the parts kept in this file, in order
 *
 * The file's own CRC covers every byte of it after the CRC field; each part's CRC is checked where
 * the part is read, so a damaged or missing earlier file makes the snapshot unusable, never wrong.
 * Parts are only ever referenced where they are written in full, so references never chain.
 */
const MAGIC = Buffer.from('FLOTSNP1', 'latin1');
const MAGIC_SHARED = Buffer.from('FLOTSNP2', 'latin1');
const FIXED_SIZE = 36;
const CRC_START = 12;
const PART_ENTRY = 24;

export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const builder = new SnapshotFileBuilder(snapshot, [snapshot.data]);
  builder.step(Infinity);
  return builder.file;
}

/** Checksums of parts already summed, by the part itself, for parts declared never to change. */
const knownCrcs = new WeakMap<Uint8Array, number>();

/** Where a part of a snapshot's data is written in full: a file, a byte range in it, its checksum. */
export interface PartLocation {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

export interface SnapshotFileBuilderOptions {
  /**
   * The parts never change once handed over (the store's encoded chunks): their checksums are
   * remembered, and a part seen by an earlier build is not read again.
   */
  readonly immutableParts?: boolean;
  /**
   * Where a part is already written, if it is: such a part is referenced instead of written again.
   * With this option the file has the sharing layout ("FLOTSNP2"), even if nothing is shared.
   */
  readonly locate?: (part: Uint8Array) => PartLocation | undefined;
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
  /** Sharing layout only: where each part is (undefined: in this file), the files referenced, and
   * where the table of parts starts in the head. */
  private readonly locations: (PartLocation | undefined)[] | null = null;
  private readonly files: string[] = [];
  private readonly tableAt: number = 0;
  /** The parts written in this file, with their checksums once known. */
  private readonly ownParts: readonly Uint8Array[];
  private readonly ownCrcs: number[] = [];

  constructor(meta: Omit<Snapshot, 'data'>, parts: readonly Uint8Array[], options: SnapshotFileBuilderOptions = {}) {
    this.remember = options.immutableParts ?? false;
    const { voters, learners } = meta.confState;
    checkNumber(meta.index, 'snapshot index');
    checkNumber(meta.term, 'snapshot term');
    let dataLength = 0;
    for (const p of parts) dataLength += p.byteLength;
    const fixed = FIXED_SIZE + 8 * (voters.length + learners.length) + 8;
    let headSize = fixed;
    this.ownParts = parts;
    if (options.locate !== undefined) {
      const locate = options.locate;
      this.locations = parts.map((p) => {
        const at = p.byteLength > 0 ? locate(p) : undefined;
        return at !== undefined && at.length === p.byteLength ? at : undefined;
      });
      for (const at of this.locations) if (at !== undefined && !this.files.includes(at.file)) this.files.push(at.file);
      this.ownParts = parts.filter((_, i) => this.locations![i] === undefined);
      this.tableAt = fixed + 4 + this.files.reduce((n, f) => n + 2 + Buffer.byteLength(f, 'latin1'), 0);
      headSize = this.tableAt + 4 + PART_ENTRY * parts.length;
    }
    const head = Buffer.alloc(headSize);
    (this.locations === null ? MAGIC : MAGIC_SHARED).copy(head, 0);
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
    at += 8;
    if (this.locations !== null) {
      head.writeUInt32LE(this.files.length, at);
      at += 4;
      for (const f of this.files) {
        head.writeUInt16LE(Buffer.byteLength(f, 'latin1'), at);
        at += 2 + head.write(f, at + 2, 'latin1');
      }
      head.writeUInt32LE(parts.length, at);
    }
    this.head = head;
    this.parts = parts;
    this.dataLength = dataLength;
    // In the sharing layout the head is summed at the end, once its table is filled in.
    this.crc = this.locations === null ? updateCrc(0, head.subarray(CRC_START)) : 0;
  }

  /** Checksums up to `budget` more bytes; true once the file is complete. */
  step(budget: number): boolean {
    if (this.finished) return true;
    let left = budget;
    while (this.part < this.ownParts.length) {
      const p = this.ownParts[this.part]!;
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
      this.ownCrcs.push(crc);
      this.crc = combineCrc(this.crc, crc, p.byteLength);
      this.part++;
      this.partAt = 0;
      this.partCrc = 0;
    }
    if (this.locations !== null) this.finishTable();
    this.head.writeUInt32LE(this.crc, 8);
    this.finished = true;
    return true;
  }

  /** Sharing layout: fills in the table of parts and puts the head's checksum in front of the parts'. */
  private finishTable(): void {
    const head = this.head;
    let at = this.tableAt + 4;
    let own = 0;
    let offset = head.length;
    for (let i = 0; i < this.parts.length; i++, at += PART_ENTRY) {
      const where = this.locations![i];
      const length = this.parts[i]!.byteLength;
      if (where === undefined) {
        head.writeUInt32LE(0, at);
        writeUint64(head, offset, at + 4);
        head.writeUInt32LE(this.ownCrcs[own++]!, at + 20);
        offset += length;
      } else {
        head.writeUInt32LE(this.files.indexOf(where.file) + 1, at);
        writeUint64(head, where.offset, at + 4);
        head.writeUInt32LE(where.crc, at + 20);
      }
      writeUint64(head, length, at + 12);
    }
    const partsLength = offset - head.length;
    this.crc = combineCrc(updateCrc(0, head.subarray(CRC_START)), this.crc, partsLength);
  }

  /** The file as consecutive parts: its head, then the data parts it holds. Complete once `step` returned true. */
  fileParts(): readonly Uint8Array[] {
    this.mustBeFinished();
    return [this.head, ...this.ownParts];
  }

  /** The earlier files this one refers to (none in the whole-file layout). */
  referencedFiles(): readonly string[] {
    return this.files;
  }

  /** Where each part this file holds in full will be once the file is saved as `file`. */
  ownLocations(file: string): [Uint8Array, PartLocation][] {
    this.mustBeFinished();
    const out: [Uint8Array, PartLocation][] = [];
    let offset = this.head.length;
    for (let i = 0; i < this.ownParts.length; i++) {
      const p = this.ownParts[i]!;
      out.push([p, { file, offset, length: p.byteLength, crc: this.ownCrcs[i]! }]);
      offset += p.byteLength;
    }
    return out;
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
    if (this.fileBytes === null) this.fileBytes = Buffer.concat(this.fileParts());
    return this.fileBytes;
  }

  private mustBeFinished(): void {
    if (!this.finished) throw new Error('snapshot file not finished');
  }
}

/** The head of a file in the sharing layout: the files it refers to and where each part is. */
export interface SharedLayout {
  readonly files: readonly string[];
  readonly parts: readonly { readonly file: number; readonly offset: number; readonly length: number; readonly crc: number }[];
  /** Bytes of head before the first part held in the file. */
  readonly headLength: number;
}

/**
 * Reads the file list and part table of a file in the sharing layout from its first bytes: the
 * layout, `null` for a whole-file snapshot, a number of bytes when `head` is too short to tell, or
 * why the head is damaged. The file's checksum is not checked here.
 */
export function readSharedLayout(head: Buffer): SharedLayout | null | number | string {
  if (head.length < FIXED_SIZE) return FIXED_SIZE;
  if (head.subarray(0, 8).equals(MAGIC)) return null;
  if (!head.subarray(0, 8).equals(MAGIC_SHARED)) return 'not a snapshot file (bad magic)';
  let at = FIXED_SIZE + 8 * (head.readUInt32LE(28) + head.readUInt32LE(32)) + 8;
  if (!Number.isSafeInteger(at)) return 'member lists run past the end of the file';
  if (head.length < at + 4) return at + 4;
  const fileCount = head.readUInt32LE(at);
  at += 4;
  const files: string[] = [];
  for (let i = 0; i < fileCount; i++) {
    if (head.length < at + 2) return at + 2 + 2 * (fileCount - i);
    const n = head.readUInt16LE(at);
    if (head.length < at + 2 + n) return at + 2 + n + 2 * (fileCount - i - 1);
    files.push(head.toString('latin1', at + 2, at + 2 + n));
    at += 2 + n;
  }
  if (head.length < at + 4) return at + 4;
  const partCount = head.readUInt32LE(at);
  at += 4;
  const headLength = at + PART_ENTRY * partCount;
  if (!Number.isSafeInteger(headLength)) return 'part table runs past the end of the file';
  if (head.length < headLength) return headLength;
  const parts: { file: number; offset: number; length: number; crc: number }[] = [];
  for (let i = 0; i < partCount; i++, at += PART_ENTRY) {
    const file = head.readUInt32LE(at);
    if (file > files.length) return `part ${i} names file ${file} of ${files.length}`;
    parts.push({ file, offset: readUint64(head, at + 4), length: readUint64(head, at + 12), crc: head.readUInt32LE(at + 20) });
  }
  return { files, parts, headLength };
}

/**
 * Decodes a snapshot file, or returns why it cannot be trusted. A file that shares parts with
 * earlier ones reads them through `readFile` (by file name; it may throw), and its data is then a
 * new buffer holding all parts.
 */
export function decodeSnapshot(buf: Buffer, readFile?: (name: string) => Buffer): Snapshot | string {
  if (buf.length < FIXED_SIZE + 8) return `file of ${buf.length} bytes is too short`;
  const layout = readSharedLayout(buf);
  if (typeof layout === 'number') return `file of ${buf.length} bytes is too short`;
  if (typeof layout === 'string') return layout;
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
  if (layout !== null) {
    const data = gatherParts(buf, layout, dataLength, readFile);
    return typeof data === 'string' ? data : { index, term, confState, data };
  }
  if (at + dataLength !== buf.length) return `data length ${dataLength} does not match the file size`;
  // A view into the file's buffer, which belongs to the caller: no copy of a large store.
  return { index, term, confState, data: new Uint8Array(buf.buffer, buf.byteOffset + at, dataLength) };
}

/** The data of a file in the sharing layout, each part read from where it is and checked. */
function gatherParts(buf: Buffer, layout: SharedLayout, dataLength: number, readFile?: (name: string) => Buffer): Uint8Array | string {
  const out = Buffer.allocUnsafe(dataLength);
  let at = 0;
  let own = layout.headLength;
  const files = new Map<number, Buffer>();
  for (let i = 0; i < layout.parts.length; i++) {
    const part = layout.parts[i]!;
    const name = part.file === 0 ? 'this file' : layout.files[part.file - 1]!;
    let source: Buffer;
    if (part.file === 0) {
      if (part.offset !== own) return `part ${i} is at offset ${part.offset}, expected ${own}`;
      own += part.length;
      source = buf;
    } else {
      let f = files.get(part.file);
      if (f === undefined) {
        if (readFile === undefined) return `part ${i} is in ${name}, which cannot be read here`;
        try {
          f = readFile(name);
        } catch (err) {
          return `part ${i} is in ${name}, which cannot be read: ${err instanceof Error ? err.message : String(err)}`;
        }
        files.set(part.file, f);
      }
      source = f;
    }
    if (part.offset + part.length > source.length || at + part.length > dataLength) {
      return `part ${i} (${part.length} bytes at offset ${part.offset} of ${name}) runs past the end`;
    }
    const bytes = source.subarray(part.offset, part.offset + part.length);
    const crc = updateCrc(0, bytes);
    if (crc !== part.crc) return `part ${i} (${part.length} bytes at offset ${part.offset} of ${name}): checksum mismatch (stored ${hex(part.crc)}, computed ${hex(crc)})`;
    bytes.copy(out, at);
    at += part.length;
  }
  if (own !== buf.length) return `the parts end at offset ${own}, the file at ${buf.length}`;
  if (at !== dataLength) return `data length ${dataLength} does not match the parts (${at} bytes)`;
  return out;
}

function checkNumber(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} ${value} is not a non-negative safe integer`);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
