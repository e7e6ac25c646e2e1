import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, FrameTooLargeError } from '../../../src/rafthttp/frame-decoder.js';

function frame(payload: number[]): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  b.writeUInt32BE(payload.length, 0);
  Buffer.from(payload).copy(b, 4);
  return b;
}

test('frames come out whole whatever the chunk boundaries', () => {
  const payloads = [[1, 2, 3], [], [4], Array.from({ length: 300 }, (_, i) => i & 0xff), [5, 6]];
  const stream = Buffer.concat(payloads.map(frame));
  for (const step of [1, 2, 3, 4, 5, 7, 64, stream.length]) {
    const d = new FrameDecoder(1000);
    const got: number[][] = [];
    for (let i = 0; i < stream.length; i += step) d.push(stream.subarray(i, i + step), (f) => got.push([...f]));
    assert.deepEqual(got, payloads, `chunks of ${step}`);
    assert.equal(d.buffered, 0);
  }
});

test('a frame over the limit is an error as soon as its header is seen', () => {
  const d = new FrameDecoder(10);
  d.push(frame([1, 2, 3]), () => {});
  const big = frame(Array.from({ length: 11 }, () => 0));
  d.push(big.subarray(0, 2), () => {});
  assert.throws(() => d.push(big.subarray(2, 5), () => {}), FrameTooLargeError);
});

test('a frame of exactly the limit passes', () => {
  const d = new FrameDecoder(10);
  const got: number[] = [];
  d.push(frame(Array.from({ length: 10 }, () => 7)), (f) => got.push(f.length));
  assert.deepEqual(got, [10]);
});
