import { crc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE polynomial, as in zlib), computed natively by Node.
 * `previous` continues a running checksum, which is how records are chained.
 */
export function updateCrc(previous: number, bytes: Uint8Array): number {
  return crc32(bytes, previous);
}
