/**
 * A fresh cluster whose members see each other elects its first leader well before the election
 * timeout, as etcd does with --initial-election-tick-advance (the default).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HEARTBEAT_MS, InProcessCluster } from './in-process-cluster.js';

const ELECTION_MS = 4000; // 200 ticks: without the advance no election starts before 4 s

test('with peers connected the first election comes two ticks short of the timeout', { timeout: 30_000 }, async () => {
  const started = Date.now();
  const c = await InProcessCluster.start({ size: 3, electionMs: ELECTION_MS });
  try {
    await c.leader(ELECTION_MS);
    const took = Date.now() - started;
    assert.ok(took < ELECTION_MS / 2, `leader after ${took} ms`);
    const forwarded = c.slots.filter((s) => s.logLines.some((l) => /fast-forwarding 198 ticks \(election ticks 200\) with 2 active peer/.test(l)));
    assert.equal(forwarded.length, 3);
  } finally {
    await c.stop();
  }
});

test('--initial-election-tick-advance=false waits out the whole timeout', { timeout: 30_000 }, async () => {
  const started = Date.now();
  const c = await InProcessCluster.start({ size: 3, electionMs: ELECTION_MS, initialElectionTickAdvance: false });
  try {
    await c.leader(3 * ELECTION_MS);
    const took = Date.now() - started;
    assert.ok(took >= ELECTION_MS - 10 * HEARTBEAT_MS, `leader after ${took} ms`);
    assert.ok(c.slots.every((s) => !s.logLines.some((l) => /fast-forwarding/.test(l))));
  } finally {
    await c.stop();
  }
});
