import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../src/rafthttp/backoff.js';

test('delays double up to the maximum and reset after success', () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000, 1000]);
  assert.equal(b.failures, 6);
  b.reset();
  assert.equal(b.next(), 100);
});

test('jitter shortens each delay by at most its fraction', () => {
  const values = [0.999, 0.5];
  let i = 0;
  const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0.5, random: () => values[i++ % values.length] });
  assert.equal(b.next(), 50);
  assert.equal(b.next(), 150);
});
