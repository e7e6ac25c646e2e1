/**
 * Layout of one record in a log segment. All integers are little-endian; every frame is padded
 * with zero bytes to a multiple of 8, so frames always start 8-byte aligned.
 *
 *   offset  size  field
 *   0       4     checksum   CRC-32 of bytes 4 .. end of payload, chained (see below)
 *   4       4     length     payload length in bytes (padding excluded)
 *   8       1     type       RecordType (never 0, so an all-zero header marks the end of the log)
 *   9       3     reserved   always zero
 *   12      n     payload
 *   12+n    0..7  padding    zero
 *
 * Checksums are chained: a record's CRC starts from the CRC of the record before it, so a record
 * that is valid on its own but sits in the wrong place (a lost, repeated or reordered write, a
 * segment from another log) breaks the chain. Every segment begins with a `crc` record whose
 * payload carries the running CRC at that point; its own checksum is seeded with that carried
 * value, so a reader can start at any segment and check everything that follows.
 */

export const FRAME_HEADER_SIZE = 12;
export const FRAME_ALIGNMENT = 8;

/** Upper bound for one payload; anything larger in a header is garbage, not a record. */
export const MAX_PAYLOAD_SIZE = 1 << 30;

export const ENTRY_FIXED_SIZE = 17; // term(8) index(8) type(1), then data
export const HARD_STATE_SIZE = 24; // term(8) vote(8) commit(8)
export const SNAPSHOT_MARKER_SIZE = 16; // index(8) term(8)
export const CRC_PAYLOAD_SIZE = 4; // carried running checksum

export function frameSize(payloadLength: number): number {
  return (FRAME_HEADER_SIZE + payloadLength + FRAME_ALIGNMENT - 1) & ~(FRAME_ALIGNMENT - 1);
}

const TWO_32 = 0x1_0000_0000;

/** Writes a non-negative safe integer as uint64. */
export function writeUint64(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt32LE(value % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
}

/** Reads a uint64 as a number; values beyond 2^53 lose precision and are rejected by callers. */
export function readUint64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_32;
}
