import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { combineCrc, updateCrc } from '../../../src/wal/crc.js';

test('the combined CRC of two parts equals the CRC of their concatenation', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
      const whole = updateCrc(0, Buffer.concat([a, b]));
      assert.equal(combineCrc(updateCrc(0, a), updateCrc(0, b), b.length), whole);
    }),
    { numRuns: 500 },
  );
});

test('combining many parts of many sizes, some of them large, gives the CRC of the whole', () => {
  const parts = [0, 1, 7, 4096, 65_537, 1 << 20, 3, 2_000_003].map((n) => randomBytes(n));
  let crc = 0;
  for (const p of parts) crc = combineCrc(crc, updateCrc(0, p), p.length);
  assert.equal(crc, updateCrc(0, Buffer.concat(parts)));
  // An empty second part leaves the first CRC as it is.
  assert.equal(combineCrc(0x12345678, 0, 0), 0x12345678);
});
