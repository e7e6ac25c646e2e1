import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RequestWaits, type WaitTimer } from '../../../src/etcdserver/request-waits.js';

/** A clock moved by hand; `sweep` is the sweep registered, if any. */
function manualTimer(): WaitTimer & { at: number; sweep: (() => void) | null; armed: number } {
  const t = {
    at: 0,
    sweep: null as (() => void) | null,
    armed: 0,
    now: () => t.at,
    every(_ms: number, sweep: () => void) {
      t.sweep = sweep;
      t.armed++;
      return () => { t.sweep = null; };
    },
  };
  return t;
}

function settled<T>(p: Promise<T>): { state: () => string } {
  let state = 'pending';
  p.then((v) => { state = `resolved ${String(v)}`; }, (e: unknown) => { state = `rejected ${(e as Error).message}`; });
  return { state: () => state };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a waiter fails with its timeout error at the first sweep after its deadline, and not before', async () => {
  const timer = manualTimer();
  const waits = new RequestWaits<string>(timer, 100);
  const a = settled(waits.register(1n, 500, () => new Error('timed out 1')));
  timer.at = 200;
  const b = settled(waits.register(2n, 500, () => new Error('timed out 2')));
  assert.equal(timer.armed, 1, 'one sweep serves every waiter');
  timer.at = 499;
  timer.sweep!();
  await flush();
  assert.equal(a.state(), 'pending');
  timer.at = 500;
  timer.sweep!();
  await flush();
  assert.equal(a.state(), 'rejected timed out 1');
  assert.equal(b.state(), 'pending');
  waits.resolve(2n, 'done');
  await flush();
  assert.equal(b.state(), 'resolved done');
  assert.equal(waits.size, 0);
  timer.sweep!();
  assert.equal(timer.sweep, null, 'sweeping stops once nothing waits');
  const c = settled(waits.register(3n, 500, () => new Error('timed out 3')));
  assert.equal(timer.armed, 2, 'and starts again with the next waiter');
  waits.rejectAll(new Error('stopped'));
  await flush();
  assert.equal(c.state(), 'rejected stopped');
  assert.equal(timer.sweep, null);
});

test('waiters proposed in an earlier term fail when a later term is applied; later and unproposed ones wait on', async () => {
  const timer = manualTimer();
  const waits = new RequestWaits<string>(timer, 100);
  const old = settled(waits.register(1n, 5000, () => new Error('timeout')));
  const current = settled(waits.register(2n, 5000, () => new Error('timeout')));
  const queued = settled(waits.register(3n, 5000, () => new Error('timeout')));
  waits.markProposed(1n, 4);
  waits.markProposed(2n, 5);
  waits.rejectProposedBefore(5, () => new Error('leader lost'));
  await flush();
  assert.deepEqual([old.state(), current.state(), queued.state()], ['rejected leader lost', 'pending', 'pending']);
  waits.rejectAll(new Error('stopped'));
});
