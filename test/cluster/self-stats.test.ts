/**
 * /v2/stats/self under writes: a follower reports the rate at which it receives from the leader,
 * the leader the rate at which it sends, as etcd does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, httpRequest } from '../support/cluster.js';
import { clusterImpl, putKey } from './cluster-impl.js';

interface SelfStats {
  state?: string;
  recvPkgRate?: number;
  recvBandwidthRate?: number;
  sendPkgRate?: number;
  sendBandwidthRate?: number;
}

test('self stats carry receive rates on followers and send rates on the leader', { timeout: 60_000 }, async () => {
  const cluster = await Cluster.start({ impl: clusterImpl, size: 3 });
  try {
    const leader = await cluster.leader();
    const leaderURL = cluster.members[leader]!.clientURL;
    const followerURL = cluster.members.find((_, i) => i !== leader)!.clientURL;
    // Writes for a little over two seconds, so at least one whole one-second window is full of them.
    const until = Date.now() + 2200;
    let n = 0;
    while (Date.now() < until) {
      await Promise.all(Array.from({ length: 8 }, () => putKey(leaderURL, `/stats/k${n++}`, 'v')));
    }
    const [l, f] = await Promise.all([
      httpRequest('GET', `${leaderURL}/v2/stats/self`).then((r) => r.json as SelfStats),
      httpRequest('GET', `${followerURL}/v2/stats/self`).then((r) => r.json as SelfStats),
    ]);
    assert.equal(l.state, 'StateLeader');
    assert.ok((l.sendPkgRate ?? 0) > 0 && (l.sendBandwidthRate ?? 0) > 0, JSON.stringify(l));
    assert.equal(l.recvPkgRate, undefined, JSON.stringify(l));
    assert.equal(f.state, 'StateFollower');
    assert.ok((f.recvPkgRate ?? 0) > 0 && (f.recvBandwidthRate ?? 0) > 0, JSON.stringify(f));
    assert.equal(f.sendPkgRate, undefined, JSON.stringify(f));
  } finally {
    await cluster.stop();
  }
});
