/**
 * The cluster configuration through the Raft log, on a three-member in-process cluster: a PUT on the
 * leader reaches every member at the same index, survives a restart (log replay) and a snapshot.
 *
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { AdminHandler } from '../../../src/api/admin/admin-handler.js';
import { createServerAdminFace } from '../../../src/api/admin/server-admin-face.js';
import { DEFAULT_ADMIN_CONFIG, type AdminConfig } from '../../../src/etcdserver/admin-config.js';
import { EtcdServer } from '../../../src/etcdserver/server.js';
import { InProcessCluster, put, waitFor } from '../etcdserver/in-process-cluster.js';
import { send, serve } from './http-reply.js';

describe('admin config through the log', () => {
  let cluster: InProcessCluster;
  before(async () => {
    cluster = await InProcessCluster.start({ size: 3, snapshotCount: 20, snapshotCatchUpEntries: 5 });
  });
  after(() => cluster.stop());

  const configOf = (s: EtcdServer): AdminConfig => s.adminConfig();

  it('a PUT on the leader is applied by every member, and survives restart and snapshot', async () => {
    const leader = await cluster.leader();
    const admin = await serve((req, res) => { new AdminHandler(createServerAdminFace(leader.server!)).handle(req, res); });
    try {
      for (const s of cluster.servers) assert.deepEqual(configOf(s), DEFAULT_ADMIN_CONFIG);
      const r = await send(admin.base, 'PUT', '/v2/admin/config', '{"activeSize":4,"syncInterval":0.5}');
      assert.equal(r.status, 200);
      assert.equal(r.body, '{"activeSize":4,"removeDelay":1800,"syncInterval":1}\n');
      const second = await send(admin.base, 'PUT', '/v2/admin/config', '{"removeDelay":60}');
      assert.equal(second.body, '{"activeSize":4,"removeDelay":60,"syncInterval":1}\n');
      const want = { activeSize: 4, removeDelay: 60, syncInterval: 1 };
      await waitFor('every member applied the config', 5000, () => (cluster.servers.every((s) => configOf(s).removeDelay === 60) ? true : undefined));
      for (const s of cluster.servers) assert.deepEqual(configOf(s), want);
      // The store's index did not move: the config is not a store write.
      assert.equal(leader.server!.store.index, 0);

      // Restart a follower: the log replays the entries.
      const follower = cluster.followers(leader)[0]!;
      await cluster.stopMember(follower);
      const restarted = await cluster.restartMember(follower);
      assert.deepEqual(configOf(restarted), want);

      // Enough writes for a snapshot, then restart again: the snapshot carries the config.
      for (let i = 0; i < 30; i++) await put(leader.server!, `/k${i}`, 'v');
      await cluster.converged();
      await cluster.stopMember(follower);
      assert.ok(follower.logLines.some((l) => l.includes('saved snapshot')), 'the follower saved a snapshot');
      const again = await cluster.restartMember(follower);
      assert.deepEqual(configOf(again), want);
    } finally {
      await admin.close();
    }
  });
});
