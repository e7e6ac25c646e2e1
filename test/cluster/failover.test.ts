/**
 * kill -9 the leader of a 3- and a 5-member cluster: writes resume on a new leader, nothing
 * acknowledged before is lost, and the old leader catches up when it comes back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, delay } from '../support/cluster.js';
import { clusterImpl, putKey, readKey } from './cluster-impl.js';

/** Bound on how long writes may stay unavailable after the leader dies (election timeout is 500 ms). */
const failoverLimitMs = 15_000;

/**
 * Sends a write of `attempt-N` every 50 ms, to the URLs in turn, until one is acknowledged; each
 * write waits at most 3 s. Resolves with the first acknowledged attempt, or null after `boundMs`.
 */
function firstAcknowledged(urls: readonly string[], key: string, boundMs: number): Promise<{ attempt: number; at: number } | null> {
  return new Promise((resolve) => {
    let attempt = 0;
    let settled = false;
    const finish = (v: { attempt: number; at: number } | null): void => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      clearTimeout(limit);
      resolve(v);
    };
    const send = (): void => {
      const n = ++attempt;
      putKey(urls[n % urls.length]!, key, `attempt-${n}`, 3000)
        .then((r) => { if (r.status === 200 || r.status === 201) finish({ attempt: n, at: Date.now() }); })
        .catch(() => undefined);
    };
    const ticker = setInterval(send, 50);
    const limit = setTimeout(() => finish(null), boundMs);
    send();
  });
}

for (const size of [3, 5]) {
  test(`${size} members: kill -9 the leader, writes resume on a new leader`, { timeout: 90_000 }, async (t) => {
    const cluster = await Cluster.start({ impl: clusterImpl, size });
    try {
      const oldLeader = await cluster.leader();
      const before = await putKey(cluster.members[oldLeader]!.clientURL, '/failover/before', 'acknowledged');
      assert.equal(before.status, 201);

      await cluster.kill9(oldLeader);
      const killedAt = Date.now();
      // Start a write every 50 ms, to the surviving members in turn, until one is acknowledged: the
      // time from the kill to that acknowledgement is the failover time seen by clients.
      const survivors = cluster.live();
      const first = await firstAcknowledged(survivors.map((m) => m.clientURL), '/failover/after', failoverLimitMs);
      assert.ok(first, `no write was acknowledged within ${failoverLimitMs} ms of killing the leader`);
      const failoverMs = first.at - killedAt;
      t.diagnostic(`${size} members: first acknowledged write ${failoverMs} ms after kill -9 of the leader`);
      // Let the writes still in flight settle (each is bounded by 3 s).
      await delay(3100);

      const newLeader = await cluster.leader(10_000, oldLeader);
      assert.notEqual(newLeader, oldLeader);
      const leaderURL = cluster.members[newLeader]!.clientURL;
      assert.equal(await readKey(leaderURL, '/failover/before', true), 'acknowledged');
      const last = await readKey(leaderURL, '/failover/after', true);
      assert.ok(last !== null && /^attempt-\d+$/.test(last), `unexpected value after failover: ${last}`);

      // The old leader comes back as a follower and catches up.
      const restartedAt = Date.now();
      await cluster.restart(oldLeader);
      const back = cluster.members[oldLeader]!.clientURL;
      for (;;) {
        if ((await readKey(back, '/failover/after', false).catch(() => null)) === last) break;
        assert.ok(Date.now() - restartedAt < 15_000, 'the restarted old leader did not catch up within 15 s');
        await delay(50);
      }
      t.diagnostic(`${size} members: old leader restarted and caught up in ${Date.now() - restartedAt} ms`);
    } finally {
      await cluster.stop();
    }
  });
}

test('a leader whose process dies is replaced without waiting out the election timeout', { timeout: 90_000 }, async (t) => {
  // Flotilla's own behaviour (etcd waits the timeout out): members that find nothing listening at
  // the leader's peer port campaign at once. The election timeout is made long (5 s) so that a
  // member waiting it out could not answer within the bound below; peers connect directly, since a
  // fault proxy would accept the connection that the dead member's port refuses.
  const electionMs = 5000;
  const cluster = await Cluster.start({ impl: 'flotilla', size: 3, heartbeatMs: 50, electionMs, direct: true });
  try {
    const oldLeader = await cluster.leader(2 * electionMs + 5000);
    const survivor = cluster.members.find((_, i) => i !== oldLeader)!;
    assert.equal((await putKey(cluster.members[oldLeader]!.clientURL, '/fast-failover/before', 'x')).status, 201);
    await cluster.kill9(oldLeader);
    const killedAt = Date.now();
    // A write every 50 ms (one sent before the survivor noticed goes to the dead leader and is lost),
    // until one is acknowledged; a member waiting out the timeout would take at least 5 s.
    const boundMs = electionMs - 1000;
    const first = await firstAcknowledged([survivor.clientURL], '/fast-failover/after', boundMs);
    const logs = (): string => cluster.members.map((m, i) => (i === oldLeader ? '' : `\n${m.name}:\n${m.logTail(8)}`)).join('');
    assert.ok(first !== null, `no write was acknowledged within ${boundMs} ms of killing the leader; survivors' logs:${logs()}`);
    t.diagnostic(`write ${first.attempt} acknowledged ${first.at - killedAt} ms after kill -9 of the leader (election timeout ${electionMs} ms)`);
    const newLeader = await cluster.leader(2000, oldLeader);
    assert.equal(await readKey(cluster.members[newLeader]!.clientURL, '/fast-failover/before', true), 'x');
  } finally {
    await cluster.stop();
  }
});

test('a leader stopped with SIGTERM hands leadership over first, so writes go on without an election', { timeout: 90_000 }, async (t) => {
  // etcd hands leadership to a follower before a graceful stop. The election timeout is long (5 s)
  // and the peers talk through the fault proxies, which accept the connections a stopped member's
  // port would refuse: only the hand-over gives the cluster a leader within the bound.
  const electionMs = 5000;
  const cluster = await Cluster.start({ impl: clusterImpl, size: 3, heartbeatMs: 50, electionMs });
  try {
    const oldLeader = await cluster.leader(2 * electionMs + 5000);
    const survivor = cluster.members.find((_, i) => i !== oldLeader)!;
    assert.equal((await putKey(cluster.members[oldLeader]!.clientURL, '/handover/before', 'x')).status, 201);
    const stoppingAt = Date.now();
    await cluster.terminate(oldLeader);
    const boundMs = electionMs - 1000;
    const first = await firstAcknowledged([survivor.clientURL], '/handover/after', boundMs);
    assert.ok(first !== null, `no write was acknowledged within ${boundMs} ms of stopping the leader`);
    t.diagnostic(`write ${first.attempt} acknowledged ${first.at - stoppingAt} ms after SIGTERM to the leader (election timeout ${electionMs} ms)`);
    const newLeader = await cluster.leader(2000, oldLeader);
    assert.equal(await readKey(cluster.members[newLeader]!.clientURL, '/handover/before', true), 'x');
  } finally {
    await cluster.stop();
  }
});
