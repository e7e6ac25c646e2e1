/**
 * A fresh cluster whose members see each other elects its first leader well before the election
 * timeout, as etcd does with --initial-election-tick-advance (the default).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HEARTBEAT_MS, InProcessCluster } from './in-process-cluster.js';

const ELECTION_MS = 4000; // 200 ticks: without the advance no election starts before 4 s

test('with peers connected the first election comes two ticks short of the timeout', { timeout: 30_000 }, async () => {
  // After the advance each member's election is 2 to 202 ticks away (uniformly); without it, no
  // member campaigns before 200 ticks. With five members the first of them all comes later than
  // 187 ticks only with a chance of (15/200)^5, about 2 in a million.
  const c = await InProcessCluster.start({ size: 5, electionMs: ELECTION_MS });
  const started = Date.now();
  try {
    await c.leader(2 * ELECTION_MS);
    const took = Date.now() - started;
    assert.ok(took < ELECTION_MS - 6 * HEARTBEAT_MS, `leader ${took} ms after the members started`);
    const forwarded = c.slots.filter((s) => s.logLines.some((l) => /fast-forwarding 198 ticks \(election ticks 200\) with \d+ active peer/.test(l)));
    assert.equal(forwarded.length, 5);
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
