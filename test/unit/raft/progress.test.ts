import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inflights } from '../../../src/raft/inflights.js';
import { Progress, ProgressState } from '../../../src/raft/progress.js';

test('inflights: a bounded ring freed by acknowledged index', () => {
  const inf = new Inflights(4);
  for (const i of [2, 4, 6, 8]) inf.add(i);
  assert.equal(inf.full(), true);
  assert.throws(() => inf.add(10));
  inf.freeLE(5);
  assert.equal(inf.length(), 2);
  inf.add(10);
  inf.add(12); // wraps around
  assert.equal(inf.full(), true);
  inf.freeFirstOne();
  assert.equal(inf.length(), 3);
  inf.freeLE(100);
  assert.equal(inf.length(), 0);
});

test('probe sends one message at a time; replicate is bounded by the window', () => {
  const pr = new Progress(5, 2);
  assert.equal(pr.isPaused(), false);
  pr.probeSent = true;
  assert.equal(pr.isPaused(), true);
  assert.equal(pr.maybeUpdate(4), true);
  assert.equal(pr.isPaused(), false);
  pr.becomeReplicate();
  assert.equal(pr.next, 5);
  pr.inflights.add(6);
  pr.inflights.add(7);
  assert.equal(pr.isPaused(), true);
  pr.becomeSnapshot(20);
  assert.equal(pr.isPaused(), true);
  pr.becomeProbe();
  assert.equal(pr.state, ProgressState.Probe);
  assert.equal(pr.next, 21);
});

test('maybeDecrTo ignores stale rejections and backs off to the hint', () => {
  const pr = new Progress(10, 4);
  assert.equal(pr.maybeDecrTo(5, 3), false); // not the last probe (next-1 = 9)
  assert.equal(pr.maybeDecrTo(9, 3), true);
  assert.equal(pr.next, 4);
  const rp = new Progress(10, 4);
  rp.match = 6;
  rp.becomeReplicate();
  rp.next = 12;
  assert.equal(rp.maybeDecrTo(5, 0), false); // below match: stale
  assert.equal(rp.maybeDecrTo(9, 0), true);
  assert.equal(rp.next, 7);
});
