/**
 * A write whose proposal a change of leader loses fails as soon as the new leader's first entry is
 * applied, with etcd's error for it, instead of hanging until the request times out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EtcdError } from '../../../src/store/errors.js';
import { InProcessCluster, put } from './in-process-cluster.js';

const LEADER_FAIL = 'etcdserver: request timed out, possibly due to previous leader failure';

test('a write forwarded to a leader that is cut off fails with the leader-failure error once a new leader leads', async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const old = await c.leader();
    const follower = c.slots.find((s) => s !== old)!;
    await put(follower.server!, '/before', 'v');
    c.isolate(old);
    const started = Date.now();
    const outcome: unknown = await put(follower.server!, '/lost', 'v').then(() => 'applied', (err: unknown) => err);
    const elapsed = Date.now() - started;
    assert.ok(outcome instanceof EtcdError, `the write failed: ${String(outcome)}`);
    assert.equal(outcome.errorCode, 300);
    assert.equal(outcome.cause, LEADER_FAIL);
    // The request timeout is 5 s plus two election timeouts; a new leader takes about one.
    assert.ok(elapsed < 3000, `failed after ${elapsed} ms`);
    const next = await c.leader(5000, old);
    assert.notEqual(next, old);
    await put(follower.server!, '/after', 'v');
    assert.equal(next.server!.store.get('/after', { now: 0 }).node.value, 'v');
    assert.throws(() => next.server!.store.get('/lost', { now: 0 }), /Key not found/);
  } finally {
    await c.stop();
  }
});

test('writes in flight while leadership moves are all applied and answered', async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const old = await c.leader();
    // Handed to Raft by the old leader, in its term; the new leader's log holds them ahead of its
    // own first entry, so none of them counts as lost.
    const writes = Array.from({ length: 50 }, (_, i) => put(old.server!, `/k${i}`, 'v'));
    const moved = await old.server!.transferLeadershipForStop(5000);
    assert.ok(moved !== null);
    const outcomes = await Promise.allSettled(writes);
    assert.deepEqual(outcomes.filter((o) => o.status === 'rejected'), []);
    const next = await c.leader(5000);
    assert.notEqual(next, old);
    await put(next.server!, '/k50', 'v');
    await c.converged();
    for (const server of c.servers) for (let i = 0; i <= 50; i++) assert.equal(server.store.get(`/k${i}`, { now: 0 }).node.value, 'v');
  } finally {
    await c.stop();
  }
});
