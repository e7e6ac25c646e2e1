/**
 * Three- and five-member clusters in one process: election, writes through the leader and through
 * followers, quorum reads on followers, identical state on every member, TTL expiry by the leader's
 * sync entries, leader loss, and request timeouts without a quorum.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { EtcdError } from '../../../src/store/errors.js';
import { ClientHandler } from '../../../src/api/v2http/client-handler.js';
import { createHttp1Server, type Http1Handler } from '../../../src/http1/index.js';
import type { EtcdServer } from '../../../src/etcdserver/server.js';
import { InProcessCluster, put, waitFor } from './in-process-cluster.js';

function dump(c: InProcessCluster): string[] {
  return c.servers.map((s) => JSON.stringify(s.store.get('/', { recursive: true, sorted: true, now: 0 })));
}

test('3 members: one leader; writes through leader and follower answer alike; quorum read on a follower', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    const [f1, f2] = c.followers(leader);
    assert.equal(c.servers.filter((s) => s.isLeader()).length, 1);
    for (const s of c.servers) assert.equal(s.members().length, 3);

    const a = await put(leader.server!, '/a', '1');
    assert.deepEqual(a, { action: 'set', node: { key: '/a', value: '1', modifiedIndex: 1, createdIndex: 1 }, index: 1 });
    const b = await put(f1!.server!, '/a', '2');
    assert.deepEqual(b, {
      action: 'set',
      node: { key: '/a', value: '2', modifiedIndex: 2, createdIndex: 2 },
      prevNode: { key: '/a', value: '1', modifiedIndex: 1, createdIndex: 1 },
      index: 2,
    });
    // A store error on a follower's write comes back as the leader's store gives it.
    await assert.rejects(
      f2!.server!.propose({ op: 'create', key: '/a', value: 'x', dir: false, unique: false, ttl: null, time: Date.now() }),
      (err: unknown) => err instanceof EtcdError && err.errorCode === 105 && err.index === 2,
    );

    // Quorum read on a follower right after a write through the other follower sees it.
    await put(f2!.server!, '/q', 'seen');
    await f1!.server!.readBarrier();
    assert.equal(f1!.server!.store.get('/q', { now: Date.now() }).node.value, 'seen');

    await c.converged();
    const views = dump(c);
    assert.equal(new Set(views).size, 1, 'every member holds the same tree');
    assert.equal(new Set(c.servers.map((s) => s.raftTerm())).size, 1);
    // Every member learned every member's client URLs from the publish entries.
    for (const s of c.servers) {
      await waitFor('published client URLs', 3000, () => (s.members().every((m) => m.clientURLs.length === 1) ? true : undefined));
    }
  } finally {
    await c.stop();
  }
});

test('3 members: concurrent writes on every member apply as the same events at the same indexes', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    await c.leader();
    const events: { srv: number; index: number; key: string }[] = [];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      const srv = i % 3;
      writes.push(put(c.servers[srv]!, `/w/k${i}`, `v${i}`).then((e) => { events.push({ srv, index: e.node.modifiedIndex!, key: e.node.key! }); }));
    }
    await Promise.all(writes);
    const indexes = events.map((e) => e.index).sort((x, y) => x - y);
    assert.deepEqual(indexes, Array.from({ length: 60 }, (_, i) => i + 1));
    const applied = await c.converged();
    assert.equal(applied, 60);
    for (const s of c.servers) {
      for (const e of events) assert.equal(s.store.get(e.key, { now: 0 }).node.modifiedIndex, e.index);
    }
    assert.equal(new Set(dump(c)).size, 1);
  } finally {
    await c.stop();
  }
});

test('3 members: TTL keys expire on every member at the same index, by the leader clock only', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    const [f1] = c.followers(leader);
    await put(f1!.server!, '/ttl/short', 'x', 1);
    await put(leader.server!, '/ttl/long', 'y', 60);
    const expired = await waitFor('the short key to expire everywhere', 5000, () => {
      const idx = c.servers.map((s) => {
        try {
          s.store.get('/ttl/short', { now: Date.now() });
          return null;
        } catch {
          return s.store.index;
        }
      });
      return idx.every((i) => i !== null) ? idx : undefined;
    });
    await c.converged();
    assert.equal(new Set(c.servers.map((s) => s.store.index)).size, 1);
    assert.ok(expired.every((i) => i! >= 3));
    for (const s of c.servers) assert.equal(s.store.get('/ttl/long', { now: Date.now() }).node.value, 'y');
    assert.equal(new Set(dump(c)).size, 1);
  } finally {
    await c.stop();
  }
});

for (const size of [3, 5]) {
  test(`${size} members: the leader stops, a new one is elected and writes resume`, { timeout: 30_000 }, async () => {
    const c = await InProcessCluster.start({ size });
    try {
      const old = await c.leader();
      await put(old.server!, '/before', 'x');
      await c.converged();
      await c.stopMember(old);
      const next = await c.leader(5000);
      assert.notEqual(next, old);
      const [f] = c.followers(next);
      const e = await put(f!.server!, '/after', 'y');
      assert.equal(e.node.modifiedIndex, 2);
      await f!.server!.readBarrier();
      assert.equal(f!.server!.store.get('/before', { now: 0 }).node.value, 'x');
      // The old leader comes back as a follower and catches up.
      await c.restartMember(old);
      await c.converged();
      assert.equal(old.server!.store.get('/after', { now: 0 }).node.value, 'y');
      assert.equal(old.server!.isLeader(), false);
    } finally {
      await c.stop();
    }
  });
}

test('3 members: an isolated leader steps down; the majority elects and serves', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const old = await c.leader();
    c.isolate(old);
    const next = await c.leader(5000, old);
    await put(next.server!, '/k', 'majority');
    await waitFor('the isolated leader to step down', 3000, () => (old.server!.isLeader() ? undefined : true));
    c.heal();
    await c.converged();
    assert.equal(old.server!.store.get('/k', { now: 0 }).node.value, 'majority');
  } finally {
    await c.stop();
  }
});

test('3 members: without a quorum a write times out as etcd answers it (error 300, HTTP 500)', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  let serve: Http1Handler | null = null;
  const httpServer = createHttp1Server((req, res) => serve?.(req, res));
  try {
    const leader = await c.leader();
    const [f1, f2] = c.followers(leader);
    await c.stopMember(f1!);
    await c.stopMember(f2!);
    const handler = new ClientHandler(leader.server!);
    serve = (req, res) => handler.serve(req, res);
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const port = (httpServer.address() as AddressInfo).port;
    const started = Date.now();
    const direct = assert.rejects(put(leader.server!, '/x', 'y'), (err: unknown) => {
      assert.ok(err instanceof EtcdError);
      assert.equal(err.errorCode, 300);
      assert.equal(err.message, 'Raft Internal Error');
      assert.equal(err.cause, 'etcdserver: request timed out');
      return true;
    });
    const viaHttp = fetch(`http://127.0.0.1:${port}/v2/keys/y`, {
      method: 'PUT', body: 'value=z', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await direct;
    const res = await viaHttp;
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { errorCode: 300, message: 'Raft Internal Error', cause: 'etcdserver: request timed out', index: 0 });
    assert.ok(Date.now() - started >= 5000, 'etcd waits 5 s plus two election timeouts');
  } finally {
    httpServer.closeAllConnections();
    httpServer.close();
    await c.stop();
  }
});

test('3 members: before a graceful stop the leader hands leadership to a follower; others and a lone member have none to hand', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const old = await c.leader();
    await put(old.server!, '/before', 'x');
    await c.converged();
    const [follower] = c.followers(old);
    assert.equal(await follower!.server!.transferLeadershipForStop(), null, 'a follower has nothing to hand over');
    const termBefore = old.server!.raftTerm();
    const to = await old.server!.transferLeadershipForStop();
    assert.notEqual(to, null);
    const next = await c.leader(5000);
    assert.notEqual(next, old);
    assert.equal(c.idOf(next), to);
    assert.equal(next.server!.raftTerm(), termBefore + 1, 'one election, at once');
    await c.stopMember(old);
    const e = await put(next.server!, '/after', 'y');
    assert.equal(e.node.modifiedIndex, 2);
  } finally {
    await c.stop();
  }
  const single = await InProcessCluster.start({ size: 1 });
  try {
    const only = await single.leader();
    assert.equal(await only.server!.transferLeadershipForStop(), null);
    assert.equal(only.server!.isLeader(), true);
  } finally {
    await single.stop();
  }
});

test('3 members: quorum reads asked on every member at once are all answered within a round trip', { timeout: 30_000 }, async () => {
  // The election timeout is long, so a read the leader drops waits a whole one before it is asked
  // again; every read here must be answered well before that.
  const electionMs = 2000;
  const c = await InProcessCluster.start({ size: 3, electionMs });
  try {
    const timed = (s: EtcdServer): Promise<number> => {
      const t0 = performance.now();
      return s.readBarrier().then(() => performance.now() - t0);
    };
    // Asked before any member knows a leader: answered once one is elected.
    const early = c.servers.map((s) => s.readBarrier().then(() => performance.now()));
    await c.leader(10_000);
    const agreedAt = performance.now();
    for (const doneAt of await Promise.all(early)) assert.ok(doneAt - agreedAt < electionMs / 4, `a read answered ${(doneAt - agreedAt).toFixed(0)} ms after the leader was known`);
    // Asked on every member in the same instant, with a leader in place.
    for (let round = 0; round < 5; round++) {
      const ms = await Promise.all(c.servers.map(timed));
      for (const m of ms) assert.ok(m < electionMs / 4, `round ${round}: a read took ${m.toFixed(0)} ms (${ms.map((x) => x.toFixed(0)).join(', ')})`);
    }
  } finally {
    await c.stop();
  }
});
