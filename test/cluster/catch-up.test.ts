/**
 * A follower that was down catches up when it restarts: from the leader's log, and, after the
 * leader compacted its log past the follower (small --snapshot-count), from a snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, delay, httpRequest } from '../support/cluster.js';
import { clusterImpl, readTree, writeMany } from './cluster-impl.js';

/** Waits (bounded) until member `url` holds exactly `count` keys k0..k{count-1} under dir, locally. */
async function waitCaughtUp(url: string, dir: string, count: number, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const tree = await readTree(url, dir).catch(() => new Map<string, string>());
    if (tree.size === count) {
      for (let i = 0; i < count; i++) assert.equal(tree.get(`${dir}/k${i}`), `v${i}`, `${dir}/k${i} on the restarted member`);
      return Date.now() - start;
    }
    assert.ok(tree.size <= count, `more keys than written: ${tree.size}`);
    if (Date.now() - start > timeoutMs) assert.fail(`the follower holds ${tree.size} of ${count} keys after ${timeoutMs} ms`);
    await delay(100);
  }
}

test('a restarted follower catches up from the log', { timeout: 90_000 }, async (t) => {
  const cluster = await Cluster.start({ impl: clusterImpl, size: 3 });
  try {
    const follower = await cluster.follower();
    const leader = await cluster.leader();
    await cluster.kill9(follower);
    await writeMany(cluster.members[leader]!.clientURL, '/catchup', 300);
    await cluster.restart(follower);
    const ms = await waitCaughtUp(cluster.members[follower]!.clientURL, '/catchup', 300, 20_000);
    t.diagnostic(`follower caught up on 300 writes ${ms} ms after it served again`);
  } finally {
    await cluster.stop();
  }
});

// etcd 3.4 keeps 5000 entries behind its snapshot for slow followers, so the follower must miss
// more than that for the leader to have only a snapshot to offer it.
const snapshotWrites = 5400;

test('a restarted follower catches up from a snapshot after compaction', { timeout: 180_000 }, async (t) => {
  const cluster = await Cluster.start({ impl: clusterImpl, size: 3, snapshotCount: 100 });
  try {
    const follower = await cluster.follower();
    const leader = await cluster.leader();
    await cluster.kill9(follower);
    const writeStart = Date.now();
    await writeMany(cluster.members[leader]!.clientURL, '/snapcatchup', snapshotWrites, 24);
    t.diagnostic(`${snapshotWrites} writes with one follower down took ${Date.now() - writeStart} ms`);
    await cluster.restart(follower);
    const m = cluster.members[follower]!;
    const ms = await waitCaughtUp(m.clientURL, '/snapcatchup', snapshotWrites, 60_000);
    t.diagnostic(`follower caught up on ${snapshotWrites} writes ${ms} ms after it served again`);
    // The leader's side of the story: it sent a snapshot (etcd and Flotilla both count them).
    const metrics = await httpRequest('GET', `${cluster.members[leader]!.clientURL}/metrics`).catch(() => null);
    const sent = /^etcd_network_snapshot_send_success\{[^}]*\} (\d+)/m.exec(metrics?.text ?? '');
    const log = m.logTail(400);
    const sawSnapshot = /snapshot/i.test(log) && /(applied|applying|received).*snapshot|snapshot.*(received|applied)/i.test(log);
    t.diagnostic(`snapshot evidence: send_success metric ${sent?.[1] ?? 'absent'}, follower log mentions an incoming snapshot: ${sawSnapshot}`);
    if (clusterImpl === 'reference') assert.ok(sawSnapshot, `the follower's log does not show an incoming snapshot:\n${m.logTail(40)}`);
  } finally {
    await cluster.stop();
  }
});
