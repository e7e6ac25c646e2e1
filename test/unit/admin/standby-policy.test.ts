import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_ADMIN_CONFIG, type AdminConfig } from '../../../src/etcdserver/admin-config.js';
import { leaderOf, machinesFromMembers, parseMachineList } from '../../../src/etcdserver/standby-machines.js';
import { planNextRemoval, type RemovalCandidate } from '../../../src/etcdserver/standby-removal.js';
import { PeerRemovalLoop } from '../../../src/etcdserver/standby-removal-loop.js';
import { decideMachineRole } from '../../../src/etcdserver/standby-role.js';

const config3: AdminConfig = { ...DEFAULT_ADMIN_CONFIG, activeSize: 3, removeDelay: 10 };

function member(n: number, name = `m${n}`) {
  return { id: `a${n}`, name, peerURLs: [`http://127.0.0.1:70${n}0`], clientURLs: name === '' ? [] : [`http://127.0.0.1:40${n}0`] };
}

describe('machine list', () => {
  it('sorts by name, marks the leader, lists unpublished members with empty names', () => {
    const list = machinesFromMembers([member(2, 'peer2'), member(3, ''), member(1, 'peer1')], 'a2');
    assert.deepEqual(list, [
      { name: '', state: 'follower', clientURL: '', peerURL: 'http://127.0.0.1:7030' },
      { name: 'peer1', state: 'follower', clientURL: 'http://127.0.0.1:4010', peerURL: 'http://127.0.0.1:7010' },
      { name: 'peer2', state: 'leader', clientURL: 'http://127.0.0.1:4020', peerURL: 'http://127.0.0.1:7020' },
    ]);
    assert.equal(leaderOf(list)?.name, 'peer2');
    assert.equal(leaderOf(machinesFromMembers([member(1)], null)), null);
  });

  it('parses a list as a member sends it', () => {
    const list = parseMachineList('[{"name":"a","state":"leader","clientURL":"http://c","peerURL":"http://p"},{"name":"b","state":"follower"}]');
    assert.deepEqual(list, [
      { name: 'a', state: 'leader', clientURL: 'http://c', peerURL: 'http://p' },
      { name: 'b', state: 'follower', clientURL: '', peerURL: '' },
    ]);
    assert.throws(() => parseMachineList('{}'), /not a JSON array/);
  });
});

describe('peer or standby', () => {
  const members = [member(1), member(2), member(3)];
  it('a listed machine is a peer (by peer URL or by name)', () => {
    assert.equal(decideMachineRole(members, config3, { name: 'x', peerURLs: ['http://127.0.0.1:7020/'] }), 'peer');
    assert.equal(decideMachineRole(members, config3, { name: 'm3', peerURLs: ['http://127.0.0.1:9999'] }), 'peer');
  });
  it('a new machine joins while there is room and is a standby once the cluster is full', () => {
    const me = { name: 'm4', peerURLs: ['http://127.0.0.1:7040'] };
    assert.equal(decideMachineRole(members, config3, me), 'standby');
    assert.equal(decideMachineRole(members, { ...config3, activeSize: 4 }, me), 'join');
    assert.equal(decideMachineRole(members.slice(0, 2), config3, me), 'join');
  });
  it('an empty name never matches a member that has not published', () => {
    assert.equal(decideMachineRole([member(1, '')], config3, { name: '', peerURLs: ['http://127.0.0.1:7777'] }), 'join');
  });
});

describe('leader removal policy', () => {
  const now = 1_000_000;
  const heard = (n: number, ago: number | null): RemovalCandidate => ({ id: `a${n}`, name: `m${n}`, lastHeard: ago === null ? null : now - ago });

  it('removes nothing when the cluster fits and everyone answers', () => {
    const plan = planNextRemoval({ selfId: 'a1', members: [heard(1, 0), heard(2, 100), heard(3, 9_000)], config: config3, now, leaderSince: 0, random: () => 0 });
    assert.equal(plan, null);
  });

  it('removes the peer silent longest beyond removeDelay, never itself', () => {
    const plan = planNextRemoval({
      selfId: 'a1',
      members: [heard(1, 50_000), heard(2, 11_000), heard(3, 20_000)],
      config: config3, now, leaderSince: 0, random: () => 0,
    });
    assert.deepEqual(plan, { id: 'a3', name: 'm3', reason: 'unreachable', silentMs: 20_000 });
  });

  it('counts silence from the leader takeover when the peer was last heard before it (or never)', () => {
    const members = [heard(1, 0), heard(2, null), heard(3, 60_000)];
    assert.equal(planNextRemoval({ selfId: 'a1', members, config: config3, now, leaderSince: now - 5_000, random: () => 0 }), null);
    const plan = planNextRemoval({ selfId: 'a1', members, config: config3, now, leaderSince: now - 10_001, random: () => 0 });
    assert.equal(plan?.reason, 'unreachable');
    assert.equal(plan?.silentMs, 10_001);
  });

  it('beyond activeSize removes one random other peer', () => {
    const members = [heard(1, 0), heard(2, 0), heard(3, 0), heard(4, 0), heard(5, 0)];
    const picks = [0, 0.3, 0.6, 0.99].map((r) => planNextRemoval({ selfId: 'a3', members, config: config3, now, leaderSince: 0, random: () => r }));
    assert.deepEqual(picks.map((p) => p?.id), ['a1', 'a2', 'a4', 'a5']);
    assert.ok(picks.every((p) => p?.reason === 'excess'));
  });

  it('an unreachable peer goes first even when the cluster is too big', () => {
    const members = [heard(1, 0), heard(2, 0), heard(3, 0), heard(4, 99_000)];
    const plan = planNextRemoval({ selfId: 'a1', members, config: config3, now, leaderSince: 0, random: () => 0 });
    assert.equal(plan?.id, 'a4');
    assert.equal(plan?.reason, 'unreachable');
  });
});

describe('leader removal loop', () => {
  it('removes one peer at a time while leading, and plans again after a failure', async () => {
    let leading = true;
    let members = [{ id: 'a1', name: 'm1' }, { id: 'a2', name: 'm2' }, { id: 'a3', name: 'm3' }, { id: 'a4', name: 'm4' }];
    const heard: Record<string, number | null> = { a1: 1000, a2: 1000, a3: 1000, a4: null };
    const calls: string[] = [];
    let settle!: (ok: boolean) => void;
    const lines: string[] = [];
    const loop = new PeerRemovalLoop(
      {
        isLeader: () => leading,
        selfId: 'a1',
        members: () => members,
        lastHeard: (id) => heard[id] ?? null,
        leaderSince: () => 0,
        config: () => ({ activeSize: 3, removeDelay: 5, syncInterval: 1 }),
      },
      (id) => {
        calls.push(id);
        return new Promise<void>((resolve, reject) => { settle = (ok) => (ok ? resolve() : reject(new Error('timed out'))); });
      },
      () => 0.5,
      (line) => lines.push(line),
    );
    const first = loop.check(7000);
    assert.deepEqual(first, { id: 'a4', name: 'm4', reason: 'unreachable', silentMs: 7000 });
    assert.equal(loop.check(7001), null, 'one removal at a time');
    settle(false);
    await new Promise((r) => setImmediate(r));
    assert.equal(loop.pending, null);
    assert.equal(loop.check(8000)?.id, 'a4', 'planned again after the failure');
    settle(true);
    await new Promise((r) => setImmediate(r));
    members = members.filter((m) => m.id !== 'a4');
    heard.a2 = 8500;
    heard.a3 = 8500;
    assert.equal(loop.check(9000), null, 'three peers fit activeSize 3 and all answer');
    leading = false;
    members.push({ id: 'a5', name: 'm5' });
    heard.a5 = 9000;
    assert.equal(loop.check(9500), null, 'only the leader removes');
    leading = true;
    assert.equal(loop.check(9600)?.reason, 'excess');
    assert.deepEqual(calls, ['a4', 'a4', 'a3']);
    assert.deepEqual(lines.slice(0, 2), ['removing m4: unreachable for 7 s', 'removing m4 failed: timed out']);
  });
});
