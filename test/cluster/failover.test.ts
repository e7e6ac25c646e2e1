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
      const first = await new Promise<{ attempt: number; at: number } | null>((resolve) => {
        let attempt = 0;
        let settled = false;
        const finish = (v: { attempt: number; at: number } | null): void => {
          if (settled) return;
          settled = true;
          clearInterval(ticker);
          clearTimeout(limit);
          resolve(v);
        };
        const ticker = setInterval(() => {
          const n = ++attempt;
          const m = survivors[n % survivors.length]!;
          putKey(m.clientURL, '/failover/after', `attempt-${n}`, 3000)
            .then((r) => { if (r.status === 200 || r.status === 201) finish({ attempt: n, at: Date.now() }); })
            .catch(() => undefined);
        }, 50);
        const limit = setTimeout(() => finish(null), failoverLimitMs);
      });
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
