import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow } from '../../../src/rafthttp/rate-window.js';

test('the rate is what the last whole second carried', () => {
  const w = new RateWindow();
  w.record(3, 300, 10_000);
  w.record(2, 200, 10_900);
  assert.deepEqual(w.rate(10_950), { messages: 0, bytes: 0 });
  w.record(1, 100, 11_100);
  assert.deepEqual(w.rate(11_200), { messages: 5, bytes: 500 });
  assert.deepEqual(w.rate(12_050), { messages: 1, bytes: 100 });
  // Silence for longer than a window: nothing recent to report.
  assert.deepEqual(w.rate(15_000), { messages: 0, bytes: 0 });
});
