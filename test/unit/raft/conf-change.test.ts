import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfChangeType, decodeConfChange, encodeConfChange, type ConfChange } from '../../../src/raft/conf-change.js';
import { EntryType, MessageType } from '../../../src/raft/messages.js';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { StateType } from '../../../src/raft/raft.js';
import { TestNetwork, dataOf, ids, msg, newTestRaft, persist, readMessages } from './harness.js';

const cc = (type: ConfChange['type'], id: number): ConfChange => ({ type, nodeId: BigInt(id), context: new Uint8Array() });

test('conf changes round-trip through their entry encoding', () => {
  const c: ConfChange = { type: ConfChangeType.AddLearnerNode, nodeId: 0xfedcba9876543210n, context: new Uint8Array([7, 8]) };
  assert.deepEqual(decodeConfChange(encodeConfChange(c)), c);
  assert.throws(() => decodeConfChange(new Uint8Array(3)));
});

test('adding a member: it starts with no configuration, gets the log, and then counts for the quorum', () => {
  const nt = TestNetwork.of(3);
  const joiner = newTestRaft(4, [], { storage: new MemoryStorage() });
  nt.peers.set(4n, joiner);
  nt.elect(1);
  assert.equal(joiner.promotable(), false);
  const leader = nt.get(1);
  leader.applyConfChange(cc(ConfChangeType.AddNode, 4));
  nt.propose(1, 'a');
  assert.deepEqual(dataOf(joiner), dataOf(leader));
  assert.deepEqual(leader.trk.voters, ids(1, 2, 3, 4));
  assert.equal(leader.trk.quorum(), 3);
  // With 2 and 3 gone, 1 and 4 are not a quorum of 4.
  nt.isolate(2);
  nt.isolate(3);
  nt.propose(1, 'b');
  assert.equal(leader.raftLog.committed, 2);
});

test('removing a member shrinks the quorum so pending entries may commit', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(3);
  nt.isolate(2);
  nt.propose(1, 'a');
  const leader = nt.get(1);
  assert.equal(leader.raftLog.committed, 1);
  leader.applyConfChange(cc(ConfChangeType.RemoveNode, 2));
  leader.applyConfChange(cc(ConfChangeType.RemoveNode, 3));
  assert.equal(leader.raftLog.committed, 2); // the single remaining voter is a quorum
});

test('only one conf change may be pending: a second one becomes an empty entry', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  r.becomeCandidate();
  r.becomeLeader();
  persist(r);
  r.step(msg(MessageType.AppResp, 2, 1, { term: 1, index: 1 }));
  r.raftLog.appliedTo(1);
  const entry = (c: ConfChange) => ({ term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(c) });
  r.step(msg(MessageType.Prop, 1, 1, { entries: [entry(cc(ConfChangeType.AddNode, 4))] }));
  r.step(msg(MessageType.Prop, 1, 1, { entries: [entry(cc(ConfChangeType.AddNode, 5))] }));
  const ents = r.raftLog.entries(2, Infinity);
  assert.deepEqual(ents.map((e) => e.type), [EntryType.ConfChange, EntryType.Normal]);
  assert.equal(ents[1]!.data.length, 0);
  assert.equal(r.pendingConfIndex, 2);
});

test('a new leader may not propose a conf change before applying what it inherited', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  r.becomeCandidate();
  r.becomeLeader();
  assert.equal(r.pendingConfIndex, 0); // log was empty before the no-op
  const s = MemoryStorage.withMembers(ids(1, 2, 3));
  s.append([{ term: 1, index: 1, type: 0, data: new Uint8Array() }]);
  s.setHardState({ term: 1, vote: 0n, commit: 0 });
  const r2 = newTestRaft(1, [1, 2, 3], { storage: s });
  r2.becomeCandidate();
  r2.becomeLeader();
  assert.equal(r2.pendingConfIndex, 1);
});

test('a member with committed but unapplied conf changes does not campaign', () => {
  const s = MemoryStorage.withMembers(ids(1, 2, 3));
  s.append([{ term: 1, index: 1, type: EntryType.ConfChange, data: encodeConfChange(cc(ConfChangeType.RemoveNode, 1)) }]);
  s.setHardState({ term: 1, vote: 0n, commit: 1 });
  const r = newTestRaft(1, [1, 2, 3], { storage: s });
  r.step(msg(MessageType.Hup, 1, 1));
  assert.equal(r.state, StateType.Follower);
  r.raftLog.appliedTo(1);
  r.step(msg(MessageType.Hup, 1, 1));
  assert.equal(r.state, StateType.Candidate);
});

test('a removed member cannot campaign, and a removed leader drops proposals', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  const leader = nt.get(1);
  leader.applyConfChange(cc(ConfChangeType.RemoveNode, 1));
  const before = leader.raftLog.lastIndex();
  nt.propose(1, 'x');
  assert.equal(leader.raftLog.lastIndex(), before);
  const f = nt.get(3);
  f.applyConfChange(cc(ConfChangeType.RemoveNode, 3));
  assert.equal(f.promotable(), false);
  f.step(msg(MessageType.Hup, 3, 3));
  assert.equal(f.state, StateType.Follower);
  assert.equal(readMessages(f).length, 0);
});

test('learners receive the log but neither vote nor count for commit', () => {
  const nt = TestNetwork.of(2);
  const learner = newTestRaft(3, [], { storage: MemoryStorage.withMembers(ids(1, 2), ids(3)) });
  nt.peers.set(3n, learner);
  nt.elect(1);
  const leader = nt.get(1);
  leader.applyConfChange(cc(ConfChangeType.AddLearnerNode, 3));
  nt.propose(1, 'a');
  assert.deepEqual(dataOf(learner), dataOf(leader));
  assert.equal(learner.promotable(), false);
  assert.deepEqual(leader.confState(), { voters: ids(1, 2), learners: ids(3) });
  nt.isolate(2);
  nt.propose(1, 'b');
  assert.equal(leader.raftLog.committed, 2); // 1 + learner is not a quorum
  leader.applyConfChange(cc(ConfChangeType.AddNode, 3)); // promotion
  assert.deepEqual(leader.confState(), { voters: ids(1, 2, 3) });
  nt.recover();
  nt.propose(1, 'c');
  assert.equal(leader.raftLog.committed, 4);
});
