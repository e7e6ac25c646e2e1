import { crc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE polynomial, as in zlib), computed natively by Node.
 * `previous` continues a running checksum, which is how records are chained.
 */
export function updateCrc(previous: number, bytes: Uint8Array): number {
  return crc32(bytes, previous);
}

const POLY = 0xedb88320;

/** a·b modulo the CRC polynomial, both in the reflected bit order CRC-32 uses (a must not be 0). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = (b & 1) !== 0 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, for k = 0..31. */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  table.push(p);
  for (let k = 1; k < 32; k++) table.push((p = multModP(p, p)));
  return table;
})();

/** x^(8·bytes) modulo the polynomial: what appending `bytes` bytes does to a running CRC. */
function shiftFor(bytes: number): number {
  let p = 0x80000000; // x^0
  let k = 3; // 2^3 bits per byte
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
  }
  return p;
}

/**
 * The CRC-32 of A followed by B, from the CRC of A, the CRC of B and B's length, without reading
 * either (zlib's crc32_combine): parts whose checksums are known need not be read again.
 */
export function combineCrc(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  return (multModP(shiftFor(lengthB), crcA >>> 0) ^ crcB) >>> 0;
}
