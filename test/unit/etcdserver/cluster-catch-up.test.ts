/**
 * Members that fall behind or arrive late: a follower restarted from its data dir catches up from
 * the log; a follower cut off while the leader compacts its log gets a snapshot; a member added at
 * runtime joins with `initialClusterState: 'existing'`; a removed member stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType } from '../../../src/raft/index.js';
import { InProcessCluster, put, waitFor } from './in-process-cluster.js';

function tree(s: { store: { get(k: string, o: { recursive: boolean; sorted: boolean; now: number }): unknown } }): string {
  return JSON.stringify(s.store.get('/', { recursive: true, sorted: true, now: 0 }));
}

test('a follower restarted from its data dir catches up from the log', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    const [f] = c.followers(leader);
    await put(leader.server!, '/r/0', 'before');
    await c.converged();
    await c.stopMember(f!);
    for (let i = 1; i <= 30; i++) await put(leader.server!, `/r/${i}`, `v${i}`);
    await c.restartMember(f!);
    const index = await c.converged();
    assert.equal(index, 31);
    assert.equal(f!.server!.store.get('/r/30', { now: 0 }).node.value, 'v30');
    assert.equal(tree(f!.server!), tree(leader.server!));
    assert.ok(f!.logLines.some((l) => /restarting member/.test(l)));

    // Restarted while cut off from everyone, it still replays every write it knew was committed.
    await c.stopMember(f!);
    const fid = BigInt('0x' + leader.server!.members().find((m) => m.name === f!.name)!.id);
    c.network.isolate(fid, leader.server!.members().map((m) => BigInt('0x' + m.id)));
    await c.restartMember(f!);
    assert.equal(f!.server!.store.index, 31);
    assert.equal(f!.server!.store.get('/r/30', { now: 0 }).node.value, 'v30');
    c.heal();
  } finally {
    await c.stop();
  }
});

test('a follower far behind gets a snapshot after the leader compacted its log', { timeout: 60_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3, snapshotCount: 20, snapshotCatchUpEntries: 5 });
  try {
    const leader = await c.leader();
    const [f, other] = c.followers(leader);
    await put(leader.server!, '/s/first', 'x');
    await c.converged();
    c.isolate(f!);
    for (let i = 0; i < 80; i++) await put(leader.server!, `/s/k${i}`, `v${i}`);
    await waitFor('the leader to snapshot and compact', 5000, () =>
      leader.logLines.some((l) => /saved snapshot at index/.test(l)) ? true : undefined);
    const snapsBefore = c.network.delivered.get(MessageType.Snap) ?? 0;
    c.heal();
    await c.converged(10_000);
    assert.ok((c.network.delivered.get(MessageType.Snap) ?? 0) > snapsBefore, 'a snapshot was sent');
    assert.ok(f!.logLines.some((l) => /applied snapshot at index/.test(l)));
    assert.equal(tree(f!.server!), tree(leader.server!));
    // Writes keep replicating to it afterwards, and it serves quorum reads.
    await put(other!.server!, '/s/after', 'y');
    await f!.server!.readBarrier();
    assert.equal(f!.server!.store.get('/s/after', { now: 0 }).node.value, 'y');
    // It restarts from its own snapshot.
    await c.stopMember(f!);
    await c.restartMember(f!);
    await c.converged();
    assert.equal(tree(f!.server!), tree(leader.server!));
  } finally {
    await c.stop();
  }
});

test('a member is added at runtime, joins, serves; a member is removed and stops', { timeout: 60_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    for (let i = 0; i < 10; i++) await put(leader.server!, `/m/k${i}`, `v${i}`);
    const [f1] = c.followers(leader);
    // Added through a follower, as POST /v2/members may arrive anywhere.
    const added = await f1!.server!.membership.addMember([InProcessCluster.peerUrl(3)]);
    assert.deepEqual(added.peerURLs, [InProcessCluster.peerUrl(3)]);
    assert.equal(added.name, '');
    await waitFor('every member to list the new one', 3000, () =>
      c.servers.every((s) => s.members().some((m) => m.id === added.id)) ? true : undefined);
    const { slot } = await c.join(3);
    assert.equal(slot.server!.memberId, added.id);
    await c.converged(10_000);
    assert.equal(slot.server!.store.get('/m/k9', { now: 0 }).node.value, 'v9');
    await put(slot.server!, '/m/from-new', 'z');
    await slot.server!.readBarrier();
    for (const s of c.servers) {
      await waitFor('the new member published', 3000, () => s.members().find((m) => m.id === added.id)?.name === 'm3' ? true : undefined);
    }
    // A second add while the cluster is healthy, then remove a follower.
    const victim = c.followers(await c.leader()).find((s) => s !== slot)!;
    const victimId = victim.server!.memberId;
    await (await c.leader()).server!.membership.removeMember(victimId);
    await waitFor('the removed member to learn it', 5000, () => (victim.removed ? true : undefined));
    for (const s of c.servers) assert.ok(!s.members().some((m) => m.id === victimId));
    await assert.rejects((await c.leader()).server!.membership.removeMember(victimId), /permanently removed/);
    // The rest (3 of 3 remaining voters) keep serving.
    await put(slot.server!, '/m/after-remove', 'ok');
    await c.stopMember(victim);
  } finally {
    await c.stop();
  }
});

test('the leader removes itself: it stops and the others elect a new leader', { timeout: 60_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    await put(leader.server!, '/l', '1');
    await leader.server!.membership.removeMember(leader.server!.memberId).catch(() => undefined);
    await waitFor('the old leader to learn it was removed', 5000, () => (leader.removed ? true : undefined));
    await c.stopMember(leader);
    const next = await c.leader(5000);
    assert.notEqual(next, leader);
    const e = await put(next.server!, '/l', '2');
    assert.equal(e.node.value, '2');
    assert.equal(next.server!.members().length, 2);
  } finally {
    await c.stop();
  }
});

test('0.4 -peers: a new machine asks the cluster to add it, then joins and serves', { timeout: 60_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    await put(leader.server!, '/p/k', 'v');
    const { slot } = await c.join(3, true);
    assert.ok(slot.logLines.some((l) => /asked .* to add this member/.test(l)));
    await c.converged(10_000);
    assert.equal(slot.server!.store.get('/p/k', { now: 0 }).node.value, 'v');
    for (const s of c.servers) assert.equal(s.members().length, 4);
    await put(slot.server!, '/p/new', 'w');
  } finally {
    await c.stop();
  }
});
