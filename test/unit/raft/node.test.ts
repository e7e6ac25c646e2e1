import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RaftNode, type Ready } from '../../../src/raft/node.js';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { initialClusterLog } from '../../../src/raft/initial-cluster.js';
import { decodeConfChange } from '../../../src/raft/conf-change.js';
import { EntryType, MessageType } from '../../../src/raft/messages.js';
import { StateType } from '../../../src/raft/raft.js';
import { FixedRandom } from './harness.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Handles one Ready the way a server does; returns the applied normal entries' data. */
function handle(node: RaftNode, storage: MemoryStorage, rd: Ready): string[] {
  if (rd.snapshot) storage.applySnapshot(rd.snapshot);
  storage.append(rd.entries);
  if (rd.hardState) storage.setHardState(rd.hardState);
  const applied: string[] = [];
  for (const e of rd.committedEntries) {
    if (e.type === EntryType.ConfChange) node.applyConfChange(decodeConfChange(e.data));
    else if (e.data.length > 0) applied.push(dec(e.data));
  }
  node.advance();
  return applied;
}

function bootstrapped(ids: bigint[], id: bigint): { node: RaftNode; storage: MemoryStorage } {
  const storage = new MemoryStorage();
  const boot = initialClusterLog(ids);
  storage.append(boot.entries);
  storage.setHardState(boot.hardState);
  const node = new RaftNode({ id, storage, electionTick: 10, heartbeatTick: 1, random: new FixedRandom(3) });
  return { node, storage };
}

test('a single-member cluster: bootstrap, elect, propose, commit and apply through Ready/advance', () => {
  const { node, storage } = bootstrapped([1n], 1n);
  // The first Ready hands out the bootstrap membership entries for applying.
  let rd = node.ready();
  assert.deepEqual(rd.committedEntries.map((e) => e.type), [EntryType.ConfChange]);
  handle(node, storage, rd);
  node.campaign();
  rd = node.ready();
  assert.equal(rd.softState?.state, StateType.Leader);
  assert.equal(rd.mustSync, true);
  assert.deepEqual(rd.entries.map((e) => [e.index, e.term]), [[2, 2]]); // the no-op
  handle(node, storage, rd);
  assert.equal(node.propose(enc('hello')), true);
  const applied: string[] = [];
  for (let i = 0; i < 5 && node.hasReady(); i++) applied.push(...handle(node, storage, node.ready()));
  assert.deepEqual(applied, ['hello']);
  assert.equal(storage.getHardState().commit, 3);
  assert.equal(node.status().applied, 3);
  assert.equal(node.hasReady(), false);
});

test('messages leave through Ready, and hard state appears only when it changes', () => {
  const storages = new Map<bigint, MemoryStorage>();
  const nodes = new Map<bigint, RaftNode>();
  for (const id of [1n, 2n, 3n]) {
    const { node, storage } = bootstrapped([1n, 2n, 3n], id);
    nodes.set(id, node);
    storages.set(id, storage);
  }
  const pump = (): string[] => {
    const applied: string[] = [];
    for (let round = 0; round < 50; round++) {
      let any = false;
      for (const [id, n] of nodes) {
        if (!n.hasReady()) continue;
        any = true;
        const rd = n.ready();
        applied.push(...handle(n, storages.get(id)!, rd).map((d) => `${id}:${d}`));
        for (const m of rd.messages) nodes.get(m.to)!.step(m);
      }
      if (!any) break;
    }
    return applied;
  };
  pump();
  nodes.get(1n)!.campaign();
  pump();
  assert.equal(nodes.get(1n)!.status().state, StateType.Leader);
  assert.equal(nodes.get(2n)!.status().lead, 1n);
  assert.equal(nodes.get(2n)!.propose(enc('via-follower')), true);
  assert.equal(nodes.get(1n)!.proposeMany([enc('m1'), enc('m2')]), true);
  const applied = pump();
  for (const id of ['1', '2', '3']) {
    assert.deepEqual(applied.filter((a) => a.startsWith(`${id}:`)).map((a) => a.slice(2)).sort(), ['m1', 'm2', 'via-follower']);
  }
  // Nothing changed: no hard state in the next Ready.
  nodes.get(1n)!.tick();
  const rd = nodes.get(1n)!.ready();
  assert.equal(rd.hardState, null);
  assert.ok(rd.messages.every((m) => m.type === MessageType.Heartbeat));
  nodes.get(1n)!.advance();
  // ReadIndex through the face.
  nodes.get(3n)!.readIndex(enc('q'));
  let readIndex = -1;
  for (let round = 0; round < 10; round++) {
    for (const [id, n] of nodes) {
      if (!n.hasReady()) continue;
      const r = n.ready();
      if (id === 3n) for (const rs of r.readStates) if (dec(rs.requestCtx) === 'q') readIndex = rs.index;
      handle(n, storages.get(id)!, r);
      for (const m of r.messages) nodes.get(m.to)!.step(m);
    }
  }
  assert.equal(readIndex, nodes.get(1n)!.status().commit);
});

test('step ignores local message types and responses from unknown members', () => {
  const { node } = bootstrapped([1n, 2n], 1n);
  assert.equal(node.step({ type: MessageType.Hup, to: 1n, from: 2n, term: 0, logTerm: 0, index: 0, entries: [], commit: 0, snapshot: null, reject: false, rejectHint: 0, context: null }), false);
  assert.equal(node.step({ type: MessageType.AppResp, to: 1n, from: 9n, term: 1, logTerm: 0, index: 0, entries: [], commit: 0, snapshot: null, reject: false, rejectHint: 0, context: null }), false);
});

test('proposals without a leader are refused', () => {
  const { node } = bootstrapped([1n, 2n, 3n], 2n);
  assert.equal(node.propose(enc('x')), false);
});

test('restart: the core resumes from storage and re-delivers entries after the snapshot', () => {
  const { node, storage } = bootstrapped([1n], 1n);
  handle(node, storage, node.ready());
  node.campaign();
  for (let i = 0; i < 3 && node.hasReady(); i++) handle(node, storage, node.ready());
  node.propose(enc('a'));
  for (let i = 0; i < 3 && node.hasReady(); i++) handle(node, storage, node.ready());
  const again = new RaftNode({ id: 1n, storage, electionTick: 10, heartbeatTick: 1, random: new FixedRandom(0) });
  const rd = again.ready();
  assert.equal(again.status().term, 2);
  assert.deepEqual(rd.committedEntries.map((e) => e.index), [1, 2, 3]);
  assert.equal(rd.entries.length, 0);
});

test('entries written asynchronously are handed out once and commit only once marked stable', () => {
  const { node, storage } = bootstrapped([1n], 1n);
  handle(node, storage, node.ready());
  node.campaign();
  handle(node, storage, node.ready()); // the leader's no-op, persisted at once
  while (node.hasReady()) handle(node, storage, node.ready());

  assert.equal(node.propose(enc('a')), true);
  let rd = node.ready();
  assert.deepEqual(rd.entries.map((e) => dec(e.data)), ['a']);
  storage.append(rd.entries);
  const a = node.advanceWriting();
  assert.deepEqual(a, { index: 3, term: 2 });

  assert.equal(node.propose(enc('b')), true);
  rd = node.ready();
  assert.deepEqual(rd.entries.map((e) => dec(e.data)), ['b'], 'a is not handed out again');
  assert.deepEqual(rd.committedEntries, [], 'a is not on disk yet, so not committed');
  storage.append(rd.entries);
  const b = node.advanceWriting();
  assert.equal(node.hasReady(), false);

  node.markStable(a!.index, a!.term);
  rd = node.ready();
  assert.deepEqual(rd.entries, []);
  assert.deepEqual(rd.committedEntries.map((e) => dec(e.data)), ['a']);
  node.advance();
  node.markStable(b!.index, b!.term);
  rd = node.ready();
  assert.deepEqual(rd.committedEntries.map((e) => dec(e.data)), ['b']);
  node.advance();
  assert.equal(node.hasReady(), false);
});

test('entries replaced while being written are handed out again', async () => {
  const { UnstableLog } = await import('../../../src/raft/unstable-log.js');
  const u = new UnstableLog(5);
  const e = (index: number, term: number) => ({ index, term, type: EntryType.Normal, data: new Uint8Array(0) });
  u.truncateAndAppend([e(5, 1), e(6, 1), e(7, 1)]);
  u.acceptInProgress(7);
  assert.deepEqual(u.notInProgress(), []);
  u.truncateAndAppend([e(6, 2)]); // a new leader replaces 6 and 7
  assert.deepEqual(u.notInProgress().map((x) => [x.index, x.term]), [[6, 2]]);
  u.stableTo(7, 1); // the old write of 7 completes: it no longer matches and changes nothing
  assert.deepEqual(u.notInProgress().map((x) => [x.index, x.term]), [[6, 2]]);
  u.stableTo(5, 1);
  assert.equal(u.offset, 6);
  assert.deepEqual(u.notInProgress().map((x) => [x.index, x.term]), [[6, 2]]);
});
