/**
 * `/metrics` of a 3-member cluster: the traffic, round trips and connections of each peer, as
 * etcd 3.4 labels them, and what the leader reports once a follower is killed. Runs against either
 * implementation (CLUSTER_IMPL).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, httpRequest } from '../support/cluster.js';
import { parseExposition, sampleValue, type Family } from '../support/prometheus-text.js';
import { clusterImpl, putKey } from './cluster-impl.js';

async function metrics(url: string): Promise<Map<string, Family>> {
  const r = await httpRequest('GET', `${url}/metrics`);
  assert.equal(r.status, 200);
  return parseExposition(r.text);
}

/** Polls the member's metrics until `ok` holds (bounded); returns the last scrape. */
async function until(url: string, ok: (m: Map<string, Family>) => boolean, what: string, timeoutMs = 15_000): Promise<Map<string, Family>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await metrics(url);
    if (ok(m)) return m;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('metrics count each peer\'s traffic and round trips, and a lost peer', { timeout: 90_000 }, async () => {
  const cluster = await Cluster.start({ impl: clusterImpl, size: 3, heartbeatMs: 100, electionMs: 1000 });
  try {
    const leader = await cluster.leader();
    const leaderURL = cluster.members[leader]!.clientURL;
    for (let i = 0; i < 20; i++) assert.ok([200, 201].includes((await putKey(leaderURL, `/metrics/k${i}`, 'v')).status));
    const me = cluster.members[leader]!.id!;
    const others = cluster.members.filter((_, i) => i !== leader).map((m) => m.id!);
    const rtt = (m: Map<string, Family>, id: string): number => sampleValue(m, 'etcd_network_peer_round_trip_time_seconds_count', { To: id }) ?? 0;
    // etcd times its round trips with probes every few seconds, Flotilla with heartbeats.
    const seen = await until(leaderURL, (m) => others.every((id) => rtt(m, id) > 0), 'round trips to both followers');
    for (const id of others) {
      assert.ok((sampleValue(seen, 'etcd_network_peer_sent_bytes_total', { To: id }) ?? 0) > 0, `bytes sent to ${id}`);
      assert.ok((sampleValue(seen, 'etcd_network_peer_received_bytes_total', { From: id }) ?? 0) > 0, `bytes received from ${id}`);
      assert.equal(sampleValue(seen, 'etcd_network_active_peers', { Local: me, Remote: id }), 1, `${id} active`);
    }
    for (const m of cluster.members) {
      const fam = await metrics(m.clientURL);
      // One, unless the machine was slow enough for an election to go wrong at the start.
      assert.ok((sampleValue(fam, 'etcd_server_leader_changes_seen_total') ?? 0) >= 1, `leader changes seen by ${m.id}`);
      assert.equal(sampleValue(fam, 'etcd_server_has_leader'), 1);
      assert.equal(sampleValue(fam, 'etcd_server_is_leader'), m.id === me ? 1 : 0);
    }

    // A follower dies: the leader's connection to it goes, and is counted as lost.
    const victim = cluster.members.findIndex((_, i) => i !== leader);
    const victimId = cluster.members[victim]!.id!;
    await cluster.kill9(victim);
    await putKey(leaderURL, '/metrics/after', 'v');
    const lost = await until(
      leaderURL,
      (m) =>
        sampleValue(m, 'etcd_network_active_peers', { Local: me, Remote: victimId }) === 0 &&
        (sampleValue(m, 'etcd_network_disconnected_peers_total', { Local: me, Remote: victimId }) ?? 0) >= 1,
      `the leader to count ${victimId} as lost`,
    );
    const survivor = others.find((id) => id !== victimId)!;
    assert.equal(sampleValue(lost, 'etcd_network_active_peers', { Local: me, Remote: survivor }), 1);
  } finally {
    await cluster.stop();
  }
});
