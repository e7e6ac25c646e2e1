import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundTripTracker } from '../../../src/rafthttp/round-trip-tracker.js';

test('an append response settles every append up to its index, timed from the newest of them', () => {
  const t = new RoundTripTracker();
  t.appendSent(10, 100);
  t.appendSent(20, 104);
  t.appendSent(30, 108);
  t.appendAnswered(20, false, 110);
  assert.deepEqual(t.stats.view().counts, { fail: 0, success: 1 });
  assert.equal(t.stats.view().latency.current, 6);
  t.appendAnswered(30, false, 120);
  assert.equal(t.stats.view().latency.current, 12);
  // Nothing pending any more: a repeated response is not a round trip.
  t.appendAnswered(30, false, 130);
  assert.equal(t.stats.view().counts.success, 2);
});

test('a rejected append and a failed send count as failures and forget what was pending', () => {
  const t = new RoundTripTracker();
  t.appendSent(5, 0);
  t.appendAnswered(4, true, 1);
  t.appendAnswered(5, false, 2);
  t.heartbeatSent(3);
  t.sendFailed();
  t.heartbeatAnswered(9);
  assert.deepEqual(t.stats.view().counts, { fail: 2, success: 0 });
});

test('heartbeat round trips give etcd-style latency statistics', () => {
  const t = new RoundTripTracker();
  for (const [sent, answered] of [[0, 2], [10, 14], [20, 26]]) {
    t.heartbeatSent(sent);
    t.heartbeatAnswered(answered);
  }
  const v = t.stats.view();
  assert.deepEqual(v.counts, { fail: 0, success: 3 });
  assert.equal(v.latency.minimum, 2);
  assert.equal(v.latency.maximum, 6);
  assert.equal(v.latency.average, 4);
  assert.ok(Math.abs(v.latency.standardDeviation - Math.sqrt(8 / 3)) < 1e-9);
});
