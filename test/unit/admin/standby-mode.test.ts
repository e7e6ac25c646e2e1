/** The removal loop as the 0.4 mode runs it beside a server, and the removed member's data moved aside. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveDataAside, startRemovalLoop, type RemovalServer } from '../../../src/etcdserver/standby-mode.js';
import type { AdminConfig } from '../../../src/etcdserver/admin-config.js';
import type { MemberInfo } from '../../../src/api/v2http/server-face.js';

function fakeServer(ids: string[], config: AdminConfig) {
  const members: MemberInfo[] = ids.map((id) => ({ id, name: `m${id}`, peerURLs: [`http://p${id}`], clientURLs: [`http://c${id}`] }));
  const removed: string[] = [];
  const server: RemovalServer & { leading: boolean; list: MemberInfo[] } = {
    memberId: ids[0]!,
    leading: true,
    list: members,
    isLeader() { return this.leading; },
    leaderId() { return this.leading ? ids[0]! : null; },
    members() { return this.list; },
    adminConfig: () => config,
    membership: {
      addMember: () => Promise.reject(new Error('unused')),
      updateMember: () => Promise.reject(new Error('unused')),
      removeMember: async (id: string) => {
        removed.push(id);
        server.list = server.list.filter((m) => m.id !== id);
      },
    },
  };
  return { server, removed };
}

test('the loop removes peers only while leading, never itself, one excess peer at a time', async () => {
  const { server, removed } = fakeServer(['a', 'b', 'c', 'd'], { activeSize: 3, removeDelay: 1800, syncInterval: 5 });
  let now = 1000;
  const loop = startRemovalLoop(server, { activeSince: () => now }, { now: () => now, everyMs: 60_000, random: () => 0 });
  try {
    server.leading = false;
    assert.equal(loop.check(), null);
    server.leading = true;
    const plan = loop.check();
    assert.equal(plan?.reason, 'excess');
    assert.notEqual(plan?.id, 'a');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(removed, ['b']);
    now += 1000;
    assert.equal(loop.check(), null, 'three peers is activeSize');
  } finally {
    loop.stop();
  }
});

test('silence counts from the takeover and from when a member first appeared, then removes the silent peer', async () => {
  const { server, removed } = fakeServer(['a', 'b', 'c'], { activeSize: 9, removeDelay: 2, syncInterval: 5 });
  let now = 0;
  const heard = new Map<bigint, number>([[0xbn, 0], [0xcn, 0]]);
  const loop = startRemovalLoop(server, { activeSince: (id) => heard.get(id) ?? null }, { now: () => now, everyMs: 60_000 });
  try {
    now = 100_000;
    // Leading since now: nobody is silent yet, though last heard 100 s ago.
    assert.equal(loop.check(), null);
    heard.set(0xbn, 100_500);
    heard.set(0xcn, 100_500);
    now = 101_000;
    server.list = [...server.list, { id: 'e', name: '', peerURLs: ['http://pe'], clientURLs: [] }];
    now = 102_000;
    assert.equal(loop.check(), null, 'a member just added is not unreachable');
    heard.set(0xbn, 104_500);
    now = 104_600;
    const plan = loop.check();
    assert.equal(plan?.reason, 'unreachable');
    assert.equal(plan?.id, 'c', 'the longest silent first (c: 4.1 s)');
    await new Promise((r) => setImmediate(r));
    now = 104_700;
    assert.equal(loop.check()?.id, 'e', 'then the new member, silent since it appeared 2.7 s ago');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(removed, ['c', 'e']);
  } finally {
    loop.stop();
  }
});

test('a removed member\'s data dir and separate WAL dir are moved aside', () => {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-aside-'));
  try {
    mkdirSync(join(root, 'data', 'member', 'wal'), { recursive: true });
    mkdirSync(join(root, 'wal'));
    writeFileSync(join(root, 'wal', 'x.wal'), 'x');
    const moved = moveDataAside(join(root, 'data'), join(root, 'wal'), 42);
    assert.deepEqual(moved, [join(root, 'data', 'member.removed-42'), join(root, 'wal.removed-42')]);
    assert.deepEqual(readdirSync(join(root, 'data')), ['member.removed-42']);
    assert.deepEqual(moveDataAside(join(root, 'data'), undefined, 43), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
