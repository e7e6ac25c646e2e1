/**
 * The admin API over a real three-member in-process cluster: the machine list comes from the
 * applied membership, a removal by name goes through a Raft conf change, a follower redirects it,
 * and the removed machine is then one the cluster has room for again. The configuration itself is
 * held by a stand-in here until the server applies admin-config entries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { AdminHandler } from '../../../src/api/admin/admin-handler.js';
import { createServerAdminFace, type AdminServer } from '../../../src/api/admin/server-admin-face.js';
import { applyAdminConfigUpdate, DEFAULT_ADMIN_CONFIG, type AdminConfig } from '../../../src/etcdserver/admin-config.js';
import type { EtcdServer } from '../../../src/etcdserver/server.js';
import { parseMachineList } from '../../../src/etcdserver/standby-machines.js';
import { planNextRemoval } from '../../../src/etcdserver/standby-removal.js';
import { decideMachineRole } from '../../../src/etcdserver/standby-role.js';
import { InProcessCluster, waitFor } from '../etcdserver/in-process-cluster.js';
import { send, serve } from './http-reply.js';

/** The admin server of an etcd server: everything but the configuration comes from the server itself. */
function adminServerOf(server: EtcdServer, config: { value: AdminConfig }): AdminServer {
  // Compile-time check that the server already offers the rest of what the admin face needs.
  const facts: Omit<AdminServer, 'adminConfig' | 'updateAdminConfig'> = server;
  return {
    members: () => facts.members(),
    leaderId: () => facts.leaderId(),
    isLeader: () => facts.isLeader(),
    raftIndex: () => facts.raftIndex(),
    membership: facts.membership,
    adminConfig: () => config.value,
    updateAdminConfig: async (u) => (config.value = applyAdminConfigUpdate(config.value, u)),
  };
}

let cluster: InProcessCluster;

before(async () => {
  cluster = await InProcessCluster.start({ size: 3 });
});
after(() => cluster.stop());

describe('admin API on an in-process cluster', () => {
  it('lists the members, removes one by name through the leader, and a follower redirects', async () => {
    const leader = await cluster.leader();
    const follower = cluster.followers(leader)[0]!;
    await waitFor('every member published', 10_000, () => (follower.server!.members().every((m) => m.clientURLs.length > 0) ? true : undefined));
    const config = { value: { ...DEFAULT_ADMIN_CONFIG, activeSize: 3 } };
    const onLeader = await serve((req, res) => { new AdminHandler(createServerAdminFace(adminServerOf(leader.server!, config))).handle(req, res); });
    const onFollower = await serve((req, res) => { new AdminHandler(createServerAdminFace(adminServerOf(follower.server!, config))).handle(req, res); });
    try {
      const list = await send(onFollower.base, 'GET', '/v2/admin/machines');
      assert.equal(list.status, 200);
      const machines = parseMachineList(list.body);
      assert.deepEqual(machines.map((m) => m.name), ['m0', 'm1', 'm2']);
      assert.deepEqual(machines.filter((m) => m.state === 'leader').map((m) => m.name), [leader.name]);
      assert.ok(machines.every((m) => m.clientURL.startsWith('http://127.0.0.1:3000')), list.body);

      const victim = cluster.followers(leader).find((s) => s !== follower)!;
      const redirected = await send(onFollower.base, 'DELETE', `/v2/admin/machines/${victim.name}`);
      assert.equal(redirected.status, 307);
      assert.equal(redirected.headers.location, `${InProcessCluster.peerUrl(Number(leader.name.slice(1)))}/v2/admin/machines/${victim.name}`);

      // A fourth machine would be a standby while three peers run.
      const newcomer = { name: 'm9', peerURLs: ['http://127.0.0.1:20009'] };
      assert.equal(decideMachineRole(leader.server!.members(), config.value, newcomer), 'standby');

      const removed = await send(onLeader.base, 'DELETE', `/v2/admin/machines/${victim.name}`);
      assert.equal(removed.status, 200);
      assert.equal(removed.bytes.length, 8);
      await waitFor('the removal applied on the follower', 5000, () => (follower.server!.members().length === 2 ? true : undefined));
      assert.equal((await send(onLeader.base, 'GET', `/v2/admin/machines/${victim.name}`)).body, 'null\n');
      assert.equal(decideMachineRole(leader.server!.members(), config.value, newcomer), 'join');
      assert.equal(decideMachineRole(leader.server!.members(), config.value, { name: victim.name, peerURLs: [] }), 'join');
      await waitFor('the removed member told so', 5000, () => (victim.removed ? true : undefined));

      // With two peers and activeSize 3 the leader has nothing to remove.
      const now = Date.now();
      const plan = planNextRemoval({
        selfId: leader.server!.memberId,
        members: leader.server!.members().map((m) => ({ id: m.id, name: m.name, lastHeard: now })),
        config: config.value, now, leaderSince: now - 1000, random: () => 0,
      });
      assert.equal(plan, null);
    } finally {
      await onLeader.close();
      await onFollower.close();
    }
  });
});
