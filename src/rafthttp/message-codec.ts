/**
 * Binary encoding of one Raft message, as it travels between members.
 *
 * Layout (big-endian; "u64n" is a JS number written as two u32 halves, "id" a bigint as u64):
 *   u8 type, u8 flags (1 reject, 2 context, 4 snapshot, 8 snapshot has learners),
 *   id to, id from, u64n term, logTerm, index, commit, rejectHint,
 *   u32 entry count, then per entry: u64n term, u64n index, u8 type, u32 length, data;
 *   [context] u32 length, bytes;
 *   [snapshot] u64n index, u64n term, u32 voter count, ids, [learners] u32 count, ids,
 *              u64n data length, data.
 * The snapshot's data always comes last, so a sender can stream it without copying it into the frame.
 */
import type { Entry, EntryType, Message, MessageType, Snapshot } from '../raft/messages.js';

const FLAG_REJECT = 1;
const FLAG_CONTEXT = 2;
const FLAG_SNAPSHOT = 4;
const FLAG_LEARNERS = 8;

const HEAD_BYTES = 1 + 1 + 8 + 8 + 5 * 8 + 4;
const ENTRY_HEAD_BYTES = 8 + 8 + 1 + 4;
const TWO_32 = 0x1_0000_0000;

export class MessageDecodeError extends Error {}

/** Size of the encoded message without the snapshot's data. */
function headSize(m: Message): number {
  let size = HEAD_BYTES;
  for (const e of m.entries) size += ENTRY_HEAD_BYTES + e.data.length;
  if (m.context) size += 4 + m.context.length;
  const s = m.snapshot;
  if (s) {
    size += 8 + 8 + 4 + 8 * s.metadata.confState.voters.length + 8;
    const learners = s.metadata.confState.learners;
    if (learners) size += 4 + 8 * learners.length;
  }
  return size;
}

/** Encoded size of the whole message, snapshot data included. */
export function encodedSize(m: Message): number {
  return headSize(m) + (m.snapshot ? m.snapshot.data.length : 0);
}

function write32(buf: Uint8Array, off: number, v: number): number {
  buf[off] = v >>> 24;
  buf[off + 1] = v >>> 16;
  buf[off + 2] = v >>> 8;
  buf[off + 3] = v;
  return off + 4;
}

function read32(buf: Uint8Array, off: number): number {
  return ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>> 0;
}

function writeNumber(buf: Uint8Array, off: number, n: number): number {
  write32(buf, off, Math.floor(n / TWO_32));
  return write32(buf, off + 4, n >>> 0);
}

function readNumber(buf: Uint8Array, off: number): number {
  return read32(buf, off) * TWO_32 + read32(buf, off + 4);
}

/**
 * Member IDs repeat in almost every message, and bigint arithmetic is slow: the halves of the last
 * few IDs written, and the bigints of the last few read, are kept.
 */
const ID_CACHE = 4;
const writtenIds: bigint[] = [];
const writtenHalves: number[] = [];
const readHalves: number[] = [];
const readIds: bigint[] = [];
let writtenNext = 0;
let readNext = 0;

function writeId(buf: Uint8Array, off: number, id: bigint): number {
  for (let i = 0; i < writtenIds.length; i++) {
    if (writtenIds[i] === id) {
      write32(buf, off, writtenHalves[2 * i]);
      return write32(buf, off + 4, writtenHalves[2 * i + 1]);
    }
  }
  const hi = Number(BigInt.asUintN(64, id) >> 32n);
  const lo = Number(BigInt.asUintN(32, id));
  const slot = writtenNext;
  writtenNext = (writtenNext + 1) % ID_CACHE;
  writtenIds[slot] = id;
  writtenHalves[2 * slot] = hi;
  writtenHalves[2 * slot + 1] = lo;
  write32(buf, off, hi);
  return write32(buf, off + 4, lo);
}

function readId(buf: Uint8Array, off: number): bigint {
  const hi = read32(buf, off);
  const lo = read32(buf, off + 4);
  for (let i = 0; i < readIds.length; i++) {
    if (readHalves[2 * i] === hi && readHalves[2 * i + 1] === lo) return readIds[i];
  }
  const id = (BigInt(hi) << 32n) | BigInt(lo);
  const slot = readNext;
  readNext = (readNext + 1) % ID_CACHE;
  readIds[slot] = id;
  readHalves[2 * slot] = hi;
  readHalves[2 * slot + 1] = lo;
  return id;
}

/**
 * Writes the message, except a snapshot's data, at `off` of `buf` (which must have room for it);
 * returns the offset after it.
 */
function writeHead(m: Message, buf: Uint8Array, off: number): number {
  let flags = 0;
  if (m.reject) flags |= FLAG_REJECT;
  if (m.context) flags |= FLAG_CONTEXT;
  if (m.snapshot) {
    flags |= FLAG_SNAPSHOT;
    if (m.snapshot.metadata.confState.learners) flags |= FLAG_LEARNERS;
  }
  buf[off] = m.type;
  buf[off + 1] = flags;
  off = writeId(buf, off + 2, m.to);
  off = writeId(buf, off, m.from);
  off = writeNumber(buf, off, m.term);
  off = writeNumber(buf, off, m.logTerm);
  off = writeNumber(buf, off, m.index);
  off = writeNumber(buf, off, m.commit);
  off = writeNumber(buf, off, m.rejectHint);
  off = write32(buf, off, m.entries.length);
  for (const e of m.entries) {
    off = writeNumber(buf, off, e.term);
    off = writeNumber(buf, off, e.index);
    buf[off] = e.type;
    off = write32(buf, off + 1, e.data.length);
    const d = e.data;
    const n = d.length;
    if (n < 64) {
      for (let i = 0; i < n; i++) buf[off + i] = d[i];
    } else {
      buf.set(d, off);
    }
    off += n;
  }
  if (m.context) {
    off = write32(buf, off, m.context.length);
    buf.set(m.context, off);
    off += m.context.length;
  }
  const s = m.snapshot;
  if (s) {
    off = writeNumber(buf, off, s.metadata.index);
    off = writeNumber(buf, off, s.metadata.term);
    const { voters, learners } = s.metadata.confState;
    off = write32(buf, off, voters.length);
    for (const v of voters) off = writeId(buf, off, v);
    if (learners) {
      off = write32(buf, off, learners.length);
      for (const l of learners) off = writeId(buf, off, l);
    }
    off = writeNumber(buf, off, s.data.length);
  }
  return off;
}

/** Writes the whole message at `off` of `buf`; returns the offset after it. */
export function encodeMessageInto(m: Message, buf: Uint8Array, off: number): number {
  off = writeHead(m, buf, off);
  if (m.snapshot) {
    buf.set(m.snapshot.data, off);
    off += m.snapshot.data.length;
  }
  return off;
}

export function encodeMessage(m: Message): Buffer {
  const buf = Buffer.allocUnsafe(encodedSize(m));
  encodeMessageInto(m, buf, 0);
  return buf;
}

/**
 * The message in two parts, head and snapshot data, so a large snapshot is written as it is
 * rather than copied; the concatenation of the parts is `encodeMessage(m)`.
 */
export function encodeMessageParts(m: Message): { head: Buffer; data: Uint8Array } {
  const head = Buffer.allocUnsafe(headSize(m));
  writeHead(m, head, 0);
  return { head, data: m.snapshot ? m.snapshot.data : new Uint8Array(0) };
}

/**
 * Room for the entry data of one decoded message. Small ones are cut from shared 64 KiB slabs, one
 * allocation for hundreds of messages; a slab lives as long as any entry cut from it.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_PIECE = 4 * 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;

function entryStore(size: number): Uint8Array {
  if (size > SLAB_MAX_PIECE) return new Uint8Array(size);
  if (slabUsed + size > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const piece = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return piece;
}

function need(buf: Uint8Array, off: number, n: number): void {
  if (off + n > buf.length) throw new MessageDecodeError(`message truncated: need ${n} bytes at offset ${off} of ${buf.length}`);
}

/**
 * Decodes one message that fills `frame` exactly. Entry data and contexts are copied out, so the
 * message does not keep `frame` alive; a snapshot's data is a view of `frame`.
 */
export function decodeMessage(frame: Uint8Array): Message {
  // A plain view: Buffer's subarray is much slower than Uint8Array's.
  const buf = frame.constructor === Uint8Array ? frame : new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  need(buf, 0, HEAD_BYTES);
  const type = buf[0] as MessageType;
  const flags = buf[1];
  const to = readId(buf, 2);
  const from = readId(buf, 10);
  const term = readNumber(buf, 18);
  const logTerm = readNumber(buf, 26);
  const index = readNumber(buf, 34);
  const commit = readNumber(buf, 42);
  const rejectHint = readNumber(buf, 50);
  const count = read32(buf, 58);
  let off = HEAD_BYTES;
  const entries: Entry[] = new Array(count);
  if (count > 0) {
    // First pass: bounds and total data size, so all entries share one fresh buffer.
    let total = 0;
    let p = off;
    for (let i = 0; i < count; i++) {
      need(buf, p, ENTRY_HEAD_BYTES);
      const len = read32(buf, p + 17);
      p += ENTRY_HEAD_BYTES;
      need(buf, p, len);
      p += len;
      total += len;
    }
    const store = entryStore(total);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const eterm = readNumber(buf, off);
      const eindex = readNumber(buf, off + 8);
      const etype = buf[off + 16] as EntryType;
      const len = read32(buf, off + 17);
      off += ENTRY_HEAD_BYTES;
      if (len < 64) {
        for (let j = 0; j < len; j++) store[at + j] = buf[off + j];
      } else {
        store.set(buf.subarray(off, off + len), at);
      }
      entries[i] = { term: eterm, index: eindex, type: etype, data: store.subarray(at, at + len) };
      at += len;
      off += len;
    }
  }
  let context: Uint8Array | null = null;
  if (flags & FLAG_CONTEXT) {
    need(buf, off, 4);
    const len = read32(buf, off);
    off += 4;
    need(buf, off, len);
    context = new Uint8Array(len);
    context.set(buf.subarray(off, off + len));
    off += len;
  }
  let snapshot: Snapshot | null = null;
  if (flags & FLAG_SNAPSHOT) {
    need(buf, off, 20);
    const sindex = readNumber(buf, off);
    const sterm = readNumber(buf, off + 8);
    const nVoters = read32(buf, off + 16);
    off += 20;
    need(buf, off, 8 * nVoters);
    const voters: bigint[] = [];
    for (let i = 0; i < nVoters; i++, off += 8) voters.push(readId(buf, off));
    let learners: bigint[] | undefined;
    if (flags & FLAG_LEARNERS) {
      need(buf, off, 4);
      const nLearners = read32(buf, off);
      off += 4;
      need(buf, off, 8 * nLearners);
      learners = [];
      for (let i = 0; i < nLearners; i++, off += 8) learners.push(readId(buf, off));
    }
    need(buf, off, 8);
    const len = readNumber(buf, off);
    off += 8;
    need(buf, off, len);
    const data = buf.subarray(off, off + len);
    off += len;
    snapshot = {
      data,
      metadata: { index: sindex, term: sterm, confState: learners ? { voters, learners } : { voters } },
    };
  }
  if (off !== buf.length) throw new MessageDecodeError(`message has ${buf.length - off} trailing bytes`);
  return {
    type, to, from, term, logTerm, index, entries, commit, snapshot,
    reject: (flags & FLAG_REJECT) !== 0, rejectHint, context,
  };
}
