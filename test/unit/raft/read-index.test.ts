import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType } from '../../../src/raft/messages.js';
import { TestNetwork, msg, newTestRaft, readMessages } from './harness.js';

const ctx = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('the leader answers ReadIndex with its commit index after a quorum confirms leadership', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.propose(1, 'a');
  const leader = nt.get(1);
  nt.send(msg(MessageType.ReadIndex, 1, 1, { context: ctx('r1') }));
  assert.equal(leader.readStates.length, 1);
  assert.equal(leader.readStates[0]!.index, 2);
  assert.equal(text(leader.readStates[0]!.requestCtx), 'r1');
  // It took a heartbeat round carrying the context, and no log write.
  const hbs = nt.delivered.filter((m) => m.type === MessageType.Heartbeat && m.context && text(m.context) === 'r1');
  assert.equal(hbs.length, 2);
  assert.equal(leader.raftLog.lastIndex(), 2);
});

test('a follower forwards ReadIndex to the leader and gets the read state back', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.send(msg(MessageType.ReadIndex, 2, 2, { context: ctx('f1') }));
  const f = nt.get(2);
  assert.equal(f.readStates.length, 1);
  assert.equal(f.readStates[0]!.index, 1);
  assert.equal(text(f.readStates[0]!.requestCtx), 'f1');
});

test('a leader cut off from the quorum never answers a read', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(1);
  nt.send(msg(MessageType.ReadIndex, 1, 1, { context: ctx('lost') }));
  assert.equal(nt.get(1).readStates.length, 0);
});

test('reads wait until the leader has committed an entry of its own term', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  r.step(msg(MessageType.ReadIndex, 1, 1, { context: ctx('early') }));
  assert.equal(readMessages(r).filter((m) => m.type === MessageType.Heartbeat).length, 0);
  r.step(msg(MessageType.AppResp, 2, 1, { term: 1, index: 1 })); // no-op committed
  const hbs = readMessages(r).filter((m) => m.type === MessageType.Heartbeat);
  assert.equal(hbs.length, 2);
  r.step(msg(MessageType.HeartbeatResp, 2, 1, { term: 1, context: ctx('early') }));
  assert.deepEqual(r.readStates.map((rs) => [rs.index, text(rs.requestCtx)]), [[1, 'early']]);
});

test('releasing one read releases the earlier ones too, each with its own index', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.ignore(MessageType.HeartbeatResp);
  nt.send(msg(MessageType.ReadIndex, 1, 1, { context: ctx('a') }));
  nt.propose(1, 'x');
  nt.send(msg(MessageType.ReadIndex, 1, 1, { context: ctx('b') }));
  assert.equal(nt.get(1).readStates.length, 0);
  nt.recover();
  nt.send(msg(MessageType.Beat, 1, 1));
  assert.deepEqual(nt.get(1).readStates.map((rs) => [text(rs.requestCtx), rs.index]), [
    ['a', 1],
    ['b', 2],
  ]);
});

test('a single-member cluster answers reads at once', () => {
  const r = newTestRaft(1, [1]);
  r.step(msg(MessageType.Hup, 1, 1));
  readMessages(r);
  r.step(msg(MessageType.ReadIndex, 1, 1, { context: ctx('solo') }));
  assert.equal(r.readStates.length, 1);
  assert.equal(r.readStates[0]!.index, 1);
});
