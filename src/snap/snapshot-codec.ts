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
  const { voters, learners } = snapshot.confState;
  checkNumber(snapshot.index, 'snapshot index');
  checkNumber(snapshot.term, 'snapshot term');
  const size = FIXED_SIZE + 8 * (voters.length + learners.length) + 8 + snapshot.data.byteLength;
  const buf = Buffer.allocUnsafe(size);
  MAGIC.copy(buf, 0);
  writeUint64(buf, snapshot.index, 12);
  writeUint64(buf, snapshot.term, 20);
  buf.writeUInt32LE(voters.length, 28);
  buf.writeUInt32LE(learners.length, 32);
  let at = FIXED_SIZE;
  for (const id of [...voters, ...learners]) {
    buf.writeBigUInt64LE(id, at);
    at += 8;
  }
  writeUint64(buf, snapshot.data.byteLength, at);
  buf.set(snapshot.data, at + 8);
  buf.writeUInt32LE(updateCrc(0, buf.subarray(CRC_START)), 8);
  return buf;
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
  return { index, term, confState, data: new Uint8Array(buf.subarray(at)) };
}

function checkNumber(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} ${value} is not a non-negative safe integer`);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
