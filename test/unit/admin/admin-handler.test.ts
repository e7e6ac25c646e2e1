import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { AdminError, type AdminFace } from '../../../src/api/admin/admin-face.js';
import { AdminHandler, commitIndexBody } from '../../../src/api/admin/admin-handler.js';
import { createServerAdminFace, type AdminServer } from '../../../src/api/admin/server-admin-face.js';
import { applyAdminConfigUpdate, DEFAULT_ADMIN_CONFIG, type AdminConfig, type AdminConfigUpdate } from '../../../src/etcdserver/admin-config.js';
import type { ClusterMachine } from '../../../src/etcdserver/standby-machines.js';
import { EtcdError } from '../../../src/store/errors.js';
import { send, serve } from './http-reply.js';

/** A face whose answers the tests set; it records what it was asked to change. */
class FakeFace implements AdminFace {
  current: AdminConfig = DEFAULT_ADMIN_CONFIG;
  leader = true;
  leaderURL: string | null = 'http://127.0.0.1:7001';
  list: ClusterMachine[] = [
    { name: 'peer1', state: 'leader', clientURL: 'http://127.0.0.1:4001', peerURL: 'http://127.0.0.1:7001' },
    { name: 'peer2', state: 'follower', clientURL: 'http://127.0.0.1:4002', peerURL: 'http://127.0.0.1:7002' },
  ];
  updates: AdminConfigUpdate[] = [];
  removed: string[] = [];
  failWith: Error | null = null;
  commitIndex = 300;

  config(): AdminConfig {
    return this.current;
  }
  async setConfig(update: AdminConfigUpdate): Promise<AdminConfig> {
    if (this.failWith) throw this.failWith;
    this.updates.push(update);
    this.current = applyAdminConfigUpdate(this.current, update);
    return this.current;
  }
  machines(): readonly ClusterMachine[] {
    return this.list;
  }
  async removeMachine(name: string): Promise<number> {
    if (this.failWith) throw this.failWith;
    if (!this.list.some((m) => m.name === name)) throw new AdminError(404, `No such machine: ${name}`);
    this.removed.push(name);
    return this.commitIndex;
  }
  isLeader(): boolean {
    return this.leader;
  }
  leaderPeerURL(): string | null {
    return this.leaderURL;
  }
}

let face: FakeFace;
let base: string;
let close: () => Promise<void>;

before(async () => {
  const handler = new AdminHandler({
    config: () => face.config(),
    setConfig: (u) => face.setConfig(u),
    machines: () => face.machines(),
    removeMachine: (n) => face.removeMachine(n),
    isLeader: () => face.isLeader(),
    leaderPeerURL: () => face.leaderPeerURL(),
  });
  ({ base, close } = await serve((req, res) => {
    if (!handler.handle(req, res)) {
      res.writeHead(418);
      res.end('not admin');
    }
  }));
});
after(() => close());
beforeEach(() => {
  face = new FakeFace();
});

describe('/v2/admin/config', () => {
  it('GET answers the configuration as JSON with a newline', async () => {
    const r = await send(base, 'GET', '/v2/admin/config');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{"activeSize":9,"removeDelay":1800,"syncInterval":5}\n');
  });

  it('PUT on the leader commits the numeric fields and answers the result (clamped)', async () => {
    const r = await send(base, 'PUT', '/v2/admin/config', '{"activeSize":1,"syncInterval":"9","removeDelay":30.5}');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"activeSize":3,"removeDelay":30.5,"syncInterval":5}\n');
    assert.deepEqual(face.updates, [{ activeSize: 1, removeDelay: 30.5 }]);
    const again = await send(base, 'GET', '/v2/admin/config');
    assert.equal(again.body, '{"activeSize":3,"removeDelay":30.5,"syncInterval":5}\n');
  });

  it('PUT with invalid JSON is a 500 plain-text error and changes nothing', async () => {
    const r = await send(base, 'PUT', '/v2/admin/config', '{"activeSize":');
    assert.equal(r.status, 500);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.ok(r.body.endsWith('\n') && r.body.length > 1);
    const empty = await send(base, 'PUT', '/v2/admin/config', '');
    assert.equal(empty.status, 500);
    assert.equal(empty.body, 'EOF\n');
    assert.deepEqual(face.updates, []);
  });

  it('PUT on a follower redirects to the leader peer URL with path and query', async () => {
    face.leader = false;
    face.leaderURL = 'http://127.0.0.1:7003';
    const r = await send(base, 'PUT', '/v2/admin/config?x=1', '{"activeSize":5}');
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, 'http://127.0.0.1:7003/v2/admin/config?x=1');
    assert.deepEqual(face.updates, []);
  });

  it('PUT on a follower that knows no leader is error 300', async () => {
    face.leader = false;
    face.leaderURL = null;
    const r = await send(base, 'PUT', '/v2/admin/config', '{"activeSize":5}');
    assert.equal(r.status, 500);
    assert.equal(r.headers['x-etcd-index'], '0');
    assert.equal(r.body, '{"errorCode":300,"message":"Raft Internal Error","index":0}\n');
  });

  it('a commit that times out is answered as etcd answers error 300', async () => {
    face.failWith = new EtcdError(300, 'etcdserver: request timed out', 0);
    const r = await send(base, 'PUT', '/v2/admin/config', '{"activeSize":5}');
    assert.equal(r.status, 500);
    assert.equal(r.body, '{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}\n');
  });

  it('other methods are 405', async () => {
    const r = await send(base, 'POST', '/v2/admin/config', '{}');
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'GET, PUT');
  });
});

describe('/v2/admin/machines', () => {
  it('GET lists the machines', async () => {
    const r = await send(base, 'GET', '/v2/admin/machines');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(
      r.body,
      '[{"name":"peer1","state":"leader","clientURL":"http://127.0.0.1:4001","peerURL":"http://127.0.0.1:7001"},' +
        '{"name":"peer2","state":"follower","clientURL":"http://127.0.0.1:4002","peerURL":"http://127.0.0.1:7002"}]\n',
    );
  });

  it('GET of one machine answers it, or null', async () => {
    const r = await send(base, 'GET', '/v2/admin/machines/peer2');
    assert.equal(r.body, '{"name":"peer2","state":"follower","clientURL":"http://127.0.0.1:4002","peerURL":"http://127.0.0.1:7002"}\n');
    const none = await send(base, 'GET', '/v2/admin/machines/nobody');
    assert.equal(none.status, 200);
    assert.equal(none.body, 'null\n');
  });

  it('DELETE on the leader removes the machine and answers the commit index as an 8-byte varint', async () => {
    face.commitIndex = 300;
    const r = await send(base, 'DELETE', '/v2/admin/machines/peer2');
    assert.equal(r.status, 200);
    assert.deepEqual([...r.bytes], [0xac, 0x02, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(face.removed, ['peer2']);
  });

  it('DELETE of an unknown machine is 404; on a follower it is redirected', async () => {
    const r = await send(base, 'DELETE', '/v2/admin/machines/nobody');
    assert.equal(r.status, 404);
    assert.equal(r.body, 'No such machine: nobody\n');
    face.leader = false;
    const f = await send(base, 'DELETE', '/v2/admin/machines/peer2');
    assert.equal(f.status, 307);
    assert.equal(f.headers.location, 'http://127.0.0.1:7001/v2/admin/machines/peer2');
    assert.deepEqual(face.removed, []);
  });

  it('names are URL-decoded', async () => {
    face.list = [{ name: 'a b', state: 'leader', clientURL: '', peerURL: '' }];
    const r = await send(base, 'GET', '/v2/admin/machines/a%20b');
    assert.equal(r.body, '{"name":"a b","state":"leader","clientURL":"","peerURL":""}\n');
  });

  it('other admin paths are 404 and other paths are left to the next handler', async () => {
    assert.equal((await send(base, 'GET', '/v2/admin/other')).status, 404);
    assert.equal((await send(base, 'GET', '/v2/admin/machines/a/b')).status, 404);
    const r = await send(base, 'GET', '/members');
    assert.equal(r.status, 418);
    assert.equal((await send(base, 'GET', '/v2/administrator')).status, 418);
  });
});

describe('varint body', () => {
  it('matches Go binary.PutUvarint into 8 bytes', () => {
    assert.deepEqual([...commitIndexBody(0)], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...commitIndexBody(127)], [127, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...commitIndexBody(128)], [0x80, 1, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...commitIndexBody(2 ** 49 - 1)], [255, 255, 255, 255, 255, 255, 127, 0]);
  });
});

describe('server admin face', () => {
  function fakeServer(): AdminServer & { removedIds: string[]; proposed: AdminConfigUpdate[] } {
    const members = [
      { id: 'b2', name: 'two', peerURLs: ['http://127.0.0.1:7002'], clientURLs: ['http://127.0.0.1:4002'] },
      { id: 'a1', name: 'one', peerURLs: ['http://127.0.0.1:7001'], clientURLs: ['http://127.0.0.1:4001'] },
      { id: 'c3', name: 'dup', peerURLs: ['http://127.0.0.1:7003'], clientURLs: [] },
      { id: 'd4', name: 'dup', peerURLs: ['http://127.0.0.1:7004'], clientURLs: [] },
    ];
    let config = DEFAULT_ADMIN_CONFIG;
    const s = {
      removedIds: [] as string[],
      proposed: [] as AdminConfigUpdate[],
      members: () => members,
      leaderId: () => 'b2',
      isLeader: () => true,
      raftIndex: () => 42,
      membership: {
        addMember: () => Promise.reject(new Error('unused')),
        updateMember: () => Promise.reject(new Error('unused')),
        removeMember: async (id: string) => { s.removedIds.push(id); },
      },
      adminConfig: () => config,
      updateAdminConfig: async (u: AdminConfigUpdate) => { s.proposed.push(u); config = applyAdminConfigUpdate(config, u); return config; },
    };
    return s;
  }

  it('maps machines, leader URL, config and removal by name onto the server', async () => {
    const server = fakeServer();
    const f = createServerAdminFace(server);
    assert.deepEqual(f.machines().map((m) => `${m.name}:${m.state}`), ['dup:follower', 'dup:follower', 'one:follower', 'two:leader']);
    assert.equal(f.leaderPeerURL(), 'http://127.0.0.1:7002');
    assert.deepEqual(await f.setConfig({ activeSize: 4 }), { activeSize: 4, removeDelay: 1800, syncInterval: 5 });
    assert.deepEqual(server.proposed, [{ activeSize: 4 }]);
    assert.equal(await f.removeMachine('one'), 42);
    assert.deepEqual(server.removedIds, ['a1']);
    await assert.rejects(f.removeMachine('zzz'), (e: unknown) => e instanceof AdminError && e.status === 404);
    await assert.rejects(f.removeMachine('dup'), (e: unknown) => e instanceof AdminError && e.status === 409);
  });
});
