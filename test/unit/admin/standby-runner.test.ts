import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createAdminHandler } from '../../../src/api/admin/admin-handler.js';
import { DEFAULT_ADMIN_CONFIG, type AdminConfig } from '../../../src/etcdserver/admin-config.js';
import type { ClusterMachine } from '../../../src/etcdserver/standby-machines.js';
import { StandbyRunner, type StandbyTimer } from '../../../src/etcdserver/standby-runner.js';
import { serve } from './http-reply.js';

const machines: ClusterMachine[] = [
  { name: 'm1', state: 'follower', clientURL: 'http://127.0.0.1:4010', peerURL: 'http://127.0.0.1:7010' },
  { name: 'm2', state: 'leader', clientURL: 'http://127.0.0.1:4020', peerURL: 'http://127.0.0.1:7020' },
  { name: 'm3', state: 'follower', clientURL: 'http://127.0.0.1:4030', peerURL: 'http://127.0.0.1:7030' },
];
let list = machines;
let config: AdminConfig = { ...DEFAULT_ADMIN_CONFIG, activeSize: 3, syncInterval: 2 };
let cluster: { base: string; close: () => Promise<void> };

before(async () => {
  cluster = await serve(createAdminHandler({
    config: () => config,
    setConfig: () => Promise.reject(new Error('unused')),
    machines: () => list,
    removeMachine: () => Promise.reject(new Error('unused')),
    isLeader: () => true,
    leaderPeerURL: () => null,
  }));
});
after(() => cluster.close());

/** A clock and timer queue the test advances by hand; `scheduled()` resolves at the runner's next timer. */
function manualTime() {
  let now = 0;
  let pending: { at: number; fn: () => void; cancelled: boolean } | null = null;
  let waiter: ((at: number) => void) | null = null;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number): StandbyTimer => {
      const t = { at: now + ms, fn, cancelled: false };
      pending = t;
      waiter?.(t.at);
      waiter = null;
      return { cancel: () => { t.cancelled = true; } };
    },
    /** Resolves with the due time of the next timer the runner sets (bounded). */
    scheduled: () => new Promise<number>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('runner set no timer in time')), 5000);
      waiter = (at) => { clearTimeout(guard); resolve(at); };
    }),
    fire: () => {
      const t = pending;
      assert.ok(t && !t.cancelled, 'a timer is pending');
      pending = null;
      now = t.at;
      t.fn();
    },
  };
}

describe('standby runner', () => {
  it('stays a standby while the cluster is full, then joins through the leader when a place frees', async () => {
    list = machines;
    const time = manualTime();
    const joins: string[] = [];
    let becamePeer!: () => void;
    const peer = new Promise<void>((resolve) => { becamePeer = resolve; });
    let failNextJoin = true;
    const runner = new StandbyRunner({
      self: { name: 'm4', peerURLs: ['http://127.0.0.1:7040'] },
      seedPeerURLs: [cluster.base],
      syncInterval: 5,
      now: time.now,
      setTimer: time.setTimer,
      join: async (leader) => {
        joins.push(leader.name);
        if (failNextJoin) {
          failNextJoin = false;
          throw new Error('leader busy');
        }
      },
      onPeer: () => becamePeer(),
    });
    let next = time.scheduled();
    runner.start();
    assert.equal(await next, 5000);
    assert.equal(runner.leaderClientURL(), null);

    next = time.scheduled();
    time.fire();
    assert.equal(await next, 7000, 'the cluster syncInterval (2 s) is adopted');
    assert.equal(runner.phase, 'waiting');
    assert.equal(runner.leaderClientURL(), 'http://127.0.0.1:4020');
    assert.deepEqual(joins, []);

    list = machines.slice(1); // m1 was removed: room for one more
    next = time.scheduled();
    time.fire();
    assert.equal(await next, 9000, 'a failed join waits one interval');
    assert.deepEqual(joins, ['m2']);

    time.fire();
    await peer;
    assert.deepEqual(joins, ['m2', 'm2']);
    assert.equal(runner.phase, 'joined');
    runner.stop();
  });

  it('keeps retrying when no peer answers, without a leader to redirect to', async () => {
    const closed = await serve((_req, res) => { res.writeHead(500); res.end(); });
    const deadURL = closed.base;
    await closed.close();
    const time = manualTime();
    const runner = new StandbyRunner({
      self: { name: 'm4', peerURLs: ['http://127.0.0.1:7040'] },
      seedPeerURLs: [deadURL],
      syncInterval: 1,
      now: time.now,
      setTimer: time.setTimer,
      join: () => Promise.reject(new Error('unused')),
    });
    let next = time.scheduled();
    runner.start();
    assert.equal(await next, 1000);
    next = time.scheduled();
    time.fire();
    assert.equal(await next, 2000);
    assert.equal(runner.leaderClientURL(), null);
    assert.equal(runner.phase, 'waiting');
    runner.stop();
  });
});
