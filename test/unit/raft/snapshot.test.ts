import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, type Snapshot } from '../../../src/raft/messages.js';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { ProgressState } from '../../../src/raft/progress.js';
import { TestNetwork, dataOf, ids, msg, newTestRaft, readMessages } from './harness.js';

function snapshotAt(index: number, term: number, voters: number[]): Snapshot {
  return { data: new Uint8Array([1, 2, 3]), metadata: { index, term, confState: { voters: ids(...voters) } } };
}

test('a follower behind the compacted log receives a snapshot and then catches up', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(3);
  for (const s of ['a', 'b', 'c', 'd']) nt.propose(1, s);
  const leader = nt.get(1);
  const storage = leader.raftLog.storage as MemoryStorage;
  storage.createSnapshot(4, { voters: ids(1, 2, 3) }, new Uint8Array([42]));
  storage.compact(4);
  nt.recover();
  // The leader probes 3, learns it is behind the first index, and sends the snapshot.
  leader.trk.progress.get(3n)!.recentActive = true;
  nt.send(msg(MessageType.Beat, 1, 1));
  const snaps = nt.delivered.filter((m) => m.type === MessageType.Snap);
  assert.equal(snaps.length, 1);
  assert.equal(snaps[0]!.snapshot!.metadata.index, 4);
  const f = nt.get(3);
  assert.equal(f.raftLog.committed, 5);
  assert.deepEqual(dataOf(f), dataOf(leader).filter((d) => Number(d.split(':')[1]) > 4));
  assert.equal(leader.trk.progress.get(3n)!.state, ProgressState.Replicate);
  assert.equal(leader.trk.progress.get(3n)!.match, 5);
});

test('a leader does not send a snapshot to a follower it has not heard from', () => {
  const r = newTestRaft(1, [1, 2]);
  const storage = r.raftLog.storage as MemoryStorage;
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  storage.createSnapshot(1, { voters: ids(1, 2) }, new Uint8Array());
  storage.compact(1);
  const pr = r.trk.progress.get(2n)!;
  pr.next = 1;
  pr.recentActive = false;
  pr.probeSent = false;
  r.bcastAppend();
  assert.equal(readMessages(r).filter((m) => m.type === MessageType.Snap).length, 0);
  pr.recentActive = true;
  r.bcastAppend();
  assert.equal(readMessages(r).filter((m) => m.type === MessageType.Snap).length, 1);
  assert.equal(pr.state, ProgressState.Snapshot);
  assert.equal(pr.pendingSnapshot, 1);
});

test('a failed snapshot send returns the follower to probing after the next heartbeat', () => {
  const r = newTestRaft(1, [1, 2]);
  r.becomeCandidate();
  r.becomeLeader();
  const pr = r.trk.progress.get(2n)!;
  pr.becomeSnapshot(10);
  r.step(msg(MessageType.SnapStatus, 2, 1, { reject: true }));
  assert.equal(pr.state, ProgressState.Probe);
  assert.equal(pr.probeSent, true);
  assert.equal(pr.next, 1);
  readMessages(r);
  r.step(msg(MessageType.HeartbeatResp, 2, 1, { term: 1 }));
  const apps = readMessages(r).filter((m) => m.type === MessageType.App);
  assert.deepEqual(apps.map((m) => [Number(m.to), m.index]), [[2, 0]]); // probing from the start again
});

test('restore installs a newer snapshot, ignores an older one, and fast-forwards on a match', () => {
  const s = MemoryStorage.withMembers(ids(1, 2));
  const r = newTestRaft(2, [1, 2], { storage: s });
  assert.equal(r.restore(snapshotAt(10, 3, [1, 2, 3])), true);
  assert.equal(r.raftLog.committed, 10);
  assert.equal(r.raftLog.lastIndex(), 10);
  assert.deepEqual(r.confState().voters, ids(1, 2, 3));
  assert.equal(r.restore(snapshotAt(8, 3, [1, 2])), false);
  // A snapshot whose last entry is already in the log only moves the commit index.
  r.raftLog.append([{ term: 3, index: 11, type: 0, data: new Uint8Array() }]);
  assert.equal(r.restore(snapshotAt(11, 3, [1, 2])), false);
  assert.equal(r.raftLog.committed, 11);
  assert.equal(r.raftLog.lastIndex(), 11);
});

test('a member with a pending snapshot cannot campaign', () => {
  const r = newTestRaft(2, [1, 2]);
  r.restore(snapshotAt(10, 3, [1, 2]));
  assert.equal(r.promotable(), false);
  r.raftLog.stableSnapTo(10);
  assert.equal(r.promotable(), true);
});

test('a snapshot message answers with the new last index', () => {
  const r = newTestRaft(2, [1, 2]);
  r.step(msg(MessageType.Snap, 1, 2, { term: 4, snapshot: snapshotAt(20, 4, [1, 2]) }));
  const [resp] = readMessages(r);
  assert.equal(resp!.type, MessageType.AppResp);
  assert.equal(resp!.index, 20);
  assert.equal(r.lead, 1n);
});
