import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType } from '../../../src/raft/messages.js';
import { StateType } from '../../../src/raft/raft.js';
import { TestNetwork, msg } from './harness.js';

test('transfer to an up-to-date follower: TimeoutNow, then it wins at once', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true });
  nt.elect(1);
  nt.send(msg(MessageType.TransferLeader, 2, 1));
  assert.ok(nt.delivered.some((m) => m.type === MessageType.TimeoutNow && m.to === 2n));
  assert.equal(nt.get(2).state, StateType.Leader);
  assert.equal(nt.get(2).term, 2);
  assert.equal(nt.get(1).state, StateType.Follower);
  assert.equal(nt.get(1).lead, 2n);
});

test('transfer to a lagging follower first brings its log up to date', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(3);
  nt.propose(1, 'a');
  nt.propose(1, 'b');
  nt.recover();
  nt.send(msg(MessageType.TransferLeader, 3, 1));
  assert.equal(nt.get(3).state, StateType.Leader);
  assert.equal(nt.get(3).raftLog.lastIndex(), 4); // caught up (3) plus its own no-op
});

test('proposals are dropped while a transfer is in progress; it is abandoned after an election timeout', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(3);
  nt.send(msg(MessageType.TransferLeader, 3, 1));
  const leader = nt.get(1);
  assert.equal(leader.leadTransferee, 3n);
  const before = leader.raftLog.lastIndex();
  nt.propose(1, 'dropped');
  assert.equal(leader.raftLog.lastIndex(), before);
  for (let i = 0; i < leader.electionTimeout; i++) leader.tick();
  assert.equal(leader.leadTransferee, 0n);
  nt.propose(1, 'accepted');
  assert.equal(leader.raftLog.lastIndex(), before + 1);
});

test('a transfer request on a follower is forwarded to the leader; to itself it is ignored', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.send(msg(MessageType.TransferLeader, 3, 2)); // 3 asks through follower 2
  assert.equal(nt.get(3).state, StateType.Leader);
  nt.send(msg(MessageType.TransferLeader, 3, 3));
  assert.equal(nt.get(3).state, StateType.Leader);
  assert.equal(nt.get(3).leadTransferee, 0n);
});

test('TimeoutNow skips pre-vote and overrides the leader lease of the voters', () => {
  const nt = TestNetwork.of(3, { preVote: true, checkQuorum: true });
  nt.elect(1);
  nt.send(msg(MessageType.TransferLeader, 2, 1));
  assert.equal(nt.get(2).state, StateType.Leader);
  const afterTimeout = nt.delivered.slice(nt.delivered.findIndex((m) => m.type === MessageType.TimeoutNow));
  assert.equal(afterTimeout.some((m) => m.type === MessageType.PreVote), false);
  assert.ok(afterTimeout.some((m) => m.type === MessageType.Vote));
});
