/**
 * Membership changes at runtime: a member added with POST /v2/members catches up and serves; a
 * removed member stops serving while the rest of the cluster carries on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, delay, httpRequest } from '../support/cluster.js';
import { clusterImpl, putKey, readKey, readTree, writeMany } from './cluster-impl.js';

test('a member added at runtime catches up and serves', { timeout: 90_000 }, async (t) => {
  const cluster = await Cluster.start({ impl: clusterImpl, size: 3 });
  try {
    const leader = await cluster.leader();
    await writeMany(cluster.members[leader]!.clientURL, '/added', 100);
    const started = Date.now();
    const added = await cluster.addMember();
    t.diagnostic(`the added member served quorum reads ${Date.now() - started} ms after POST /v2/members`);
    const m = cluster.members[added]!;

    const list = await cluster.memberList();
    assert.equal(list.length, 4);
    assert.deepEqual(list.find((x) => x.name === m.name)?.peerURLs, [m.peerURL]);

    const tree = await readTree(m.clientURL, '/added');
    assert.equal(tree.size, 100);
    for (let i = 0; i < 100; i++) assert.equal(tree.get(`/added/k${i}`), `v${i}`);

    const w = await putKey(m.clientURL, '/added/through-new-member', 'yes');
    assert.equal(w.status, 201);
    for (const other of cluster.live()) {
      assert.equal(await readKey(other.clientURL, '/added/through-new-member', true), 'yes', `quorum read on ${other.name}`);
    }
    // A quorum of 4 is 3: with one of the original members down, the cluster still takes writes.
    const down = cluster.members.findIndex((x, i) => i !== added && i !== leader);
    await cluster.kill9(down);
    const w2 = await putKey(m.clientURL, '/added/one-down', 'still', 10_000);
    assert.equal(w2.status, 201);
  } finally {
    await cluster.stop();
  }
});

for (const which of ['follower', 'leader'] as const) {
  test(`a removed ${which} stops serving and the rest carries on`, { timeout: 90_000 }, async (t) => {
    const cluster = await Cluster.start({ impl: clusterImpl, size: 3 });
    try {
      const leader = await cluster.leader();
      const target = which === 'leader' ? leader : await cluster.follower();
      const m = cluster.members[target]!;
      assert.equal((await putKey(m.clientURL, '/removed/before', 'x')).status, 201);

      await cluster.removeMember(target);
      const removedAt = Date.now();
      // Stops serving: its process exits, or its client port no longer answers quorum reads.
      for (;;) {
        const r = m.running
          ? await httpRequest('GET', `${m.clientURL}/v2/keys/removed/before?quorum=true`, { timeoutMs: 1000 }).catch(() => null)
          : null;
        if (r === null || r.status >= 500) break;
        assert.ok(Date.now() - removedAt < 20_000, `${m.name} still answers ${r.status} 20 s after its removal`);
        await delay(100);
      }
      t.diagnostic(`removed ${which} stopped serving ${Date.now() - removedAt} ms after DELETE (process ${m.running ? 'still running' : 'exited'})`);

      const rest = cluster.members.filter((x) => x !== m);
      const list = await cluster.memberList();
      assert.deepEqual(list.map((x) => x.name).sort(), rest.map((x) => x.name).sort());
      const newLeader = await cluster.leader(10_000, target);
      const w = await putKey(cluster.members[newLeader]!.clientURL, '/removed/after', 'y', 10_000);
      assert.equal(w.status, 201);
      for (const x of rest) assert.equal(await readKey(x.clientURL, '/removed/after', true), 'y');
    } finally {
      await cluster.stop();
    }
  });
}
