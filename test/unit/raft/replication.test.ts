import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, type Entry } from '../../../src/raft/messages.js';
import { StateType } from '../../../src/raft/raft.js';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { ProgressState } from '../../../src/raft/progress.js';
import { TestNetwork, dataOf, ids, msg, newTestRaft, persist, readMessages } from './harness.js';

const enc = (s: string) => new TextEncoder().encode(s);

function storageWithTerms(peers: number[], terms: number[]): MemoryStorage {
  const s = MemoryStorage.withMembers(ids(...peers));
  s.append(terms.map((term, i): Entry => ({ term, index: i + 1, type: 0, data: enc(`t${term}`) })));
  s.setHardState({ term: Math.max(0, ...terms), vote: 0n, commit: 0 });
  return s;
}

test('a proposal is replicated and committed on every member', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.propose(1, 'a');
  nt.propose(2, 'b'); // forwarded by a follower
  for (const id of [1, 2, 3]) {
    assert.deepEqual(dataOf(nt.get(id)), ['1:1:', '1:2:a', '1:3:b']);
    assert.equal(nt.get(id).raftLog.committed, 3);
  }
});

test('a follower missing entries is probed back to the point of agreement', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(3);
  for (const s of ['a', 'b', 'c']) nt.propose(1, s);
  nt.recover();
  nt.propose(1, 'd');
  assert.deepEqual(dataOf(nt.get(3)), dataOf(nt.get(1)));
  assert.equal(nt.get(3).raftLog.committed, 5);
});

test('conflicting uncommitted entries on a follower are truncated and replaced', () => {
  // Follower 2 holds entries of term 2 that were never committed; leader 1 has term-3 entries.
  const peers = [1, 2, 3];
  const r1 = newTestRaft(1, peers, { storage: storageWithTerms(peers, [1, 1, 3]) });
  const r2 = newTestRaft(2, peers, { storage: storageWithTerms(peers, [1, 2, 2, 2]) });
  const r3 = newTestRaft(3, peers, { storage: storageWithTerms(peers, [1, 1]) });
  const nt = new TestNetwork([r1, r2, r3]);
  nt.elect(1);
  assert.equal(r1.state, StateType.Leader);
  nt.propose(1, 'x');
  assert.deepEqual(dataOf(r2), dataOf(r1));
  assert.deepEqual(dataOf(r2).map((d) => d.split(':')[0]), ['1', '1', '3', '4', '4']);
  const rejects = nt.delivered.filter((m) => m.type === MessageType.AppResp && m.reject);
  assert.ok(rejects.length >= 1);
  assert.equal(rejects[0]!.from, 2n);
  assert.equal(rejects[0]!.rejectHint, 3); // last index <= 3 on 2 whose term is <= 3
  assert.equal(rejects[0]!.logTerm, 2);
});

test('commit rule: an older-term entry is not committed by counting replicas (Figure 8)', () => {
  const peers = [1, 2, 3];
  // 1 has entry 2 from term 2; it becomes leader in term 3 and replicates it to 2 before its no-op.
  const s1 = storageWithTerms(peers, [1, 2]);
  s1.setHardState({ term: 2, vote: 0n, commit: 1 });
  const r1 = newTestRaft(1, peers, { storage: s1, maxEntriesPerMsg: 1 });
  const s2 = storageWithTerms(peers, [1]);
  s2.setHardState({ term: 2, vote: 0n, commit: 1 });
  const r2 = newTestRaft(2, peers, { storage: s2 });
  r1.becomeCandidate();
  r1.becomeLeader();
  persist(r1);
  // Replica 2 acknowledges index 2 (term 2): a quorum holds it, but it is not of term 3.
  r1.step(msg(MessageType.AppResp, 2, 1, { term: 3, index: 2 }));
  assert.equal(r1.raftLog.committed, 1);
  // Once the no-op of term 3 is on a quorum, everything before it commits.
  r1.step(msg(MessageType.AppResp, 2, 1, { term: 3, index: 3 }));
  assert.equal(r1.raftLog.committed, 3);
  void r2;
});

test('the planted commit-rule bug commits the older-term entry by counting', () => {
  const peers = [1, 2, 3];
  const s1 = storageWithTerms(peers, [1, 2]);
  s1.setHardState({ term: 2, vote: 0n, commit: 1 });
  const r1 = newTestRaft(1, peers, { storage: s1, plantedBugs: { commitOlderTermByCounting: true } });
  r1.becomeCandidate();
  r1.becomeLeader();
  persist(r1);
  r1.step(msg(MessageType.AppResp, 2, 1, { term: 3, index: 2 }));
  assert.equal(r1.raftLog.committed, 2);
});

test('the leader counts its own entries only once they are persisted', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  r.becomeCandidate();
  r.becomeLeader();
  r.step(msg(MessageType.AppResp, 2, 1, { term: 1, index: 1 }));
  assert.equal(r.raftLog.committed, 0); // leader's no-op is not yet durable: only 1 of 3
  persist(r);
  assert.equal(r.raftLog.committed, 1);
});

test('pipelining: appends go out back to back until the inflight window fills', () => {
  const r = newTestRaft(1, [1, 2], { maxInflightMsgs: 3 });
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  r.step(msg(MessageType.AppResp, 2, 1, { term: 1, index: 1 })); // 2 is now replicating
  readMessages(r);
  const pr = r.trk.progress.get(2n)!;
  assert.equal(pr.state, ProgressState.Replicate);
  for (let i = 0; i < 5; i++) {
    r.step(msg(MessageType.Prop, 1, 1, { entries: [{ term: 0, index: 0, type: 0, data: enc(`p${i}`) }] }));
    readMessages(r); // one append per proposal while the window has room
  }
  assert.equal(pr.inflights.full(), true);
  assert.equal(pr.next, 5); // entries 2..4 in flight, 5 and 6 wait
  r.step(msg(MessageType.AppResp, 2, 1, { term: 1, index: 4 }));
  const more = readMessages(r).filter((m) => m.type === MessageType.App);
  assert.deepEqual(more.map((m) => m.entries.map((e) => e.index)), [[5, 6]]); // batched
});

test('batching: many proposals between flushes travel in one append per follower', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  const r = nt.get(1);
  for (let i = 0; i < 100; i++) {
    r.step(msg(MessageType.Prop, 1, 1, { entries: [{ term: 0, index: 0, type: 0, data: enc(`e${i}`) }] }));
  }
  const apps = readMessages(r).filter((m) => m.type === MessageType.App);
  assert.equal(apps.length, 2);
  assert.equal(apps[0]!.entries.length, 100);
});

test('maxEntriesPerMsg and maxSizePerMsg split long appends', () => {
  const r = newTestRaft(1, [1, 2], { maxEntriesPerMsg: 4, maxSizePerMsg: 1 << 20 });
  r.becomeCandidate();
  r.becomeLeader();
  persist(r);
  r.step(msg(MessageType.AppResp, 2, 1, { term: 1, index: 1 }));
  readMessages(r);
  r.step(msg(MessageType.Prop, 1, 1, { entries: Array.from({ length: 10 }, () => ({ term: 0, index: 0, type: 0 as const, data: enc('z') })) }));
  const apps = readMessages(r).filter((m) => m.type === MessageType.App);
  assert.deepEqual(apps.map((m) => m.entries.length), [4, 4, 2]);
});

test('a follower answers an append it cannot place with a rejection and hint', () => {
  const r = newTestRaft(2, [1, 2], { storage: storageWithTerms([1, 2], [1, 1]) });
  r.step(msg(MessageType.App, 1, 2, { term: 2, index: 5, logTerm: 2, entries: [] }));
  const [resp] = readMessages(r);
  assert.equal(resp!.type, MessageType.AppResp);
  assert.equal(resp!.reject, true);
  assert.equal(resp!.index, 5);
  assert.equal(resp!.rejectHint, 2);
  assert.equal(resp!.logTerm, 1);
});

test('heartbeats carry a commit index capped by the follower match', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.isolate(3);
  nt.propose(1, 'a');
  const r = nt.get(1);
  r.step(msg(MessageType.Beat, 1, 1));
  const hbs = readMessages(r).filter((m) => m.type === MessageType.Heartbeat);
  const byTo = new Map(hbs.map((m) => [Number(m.to), m.commit]));
  assert.equal(byTo.get(2), 2);
  assert.equal(byTo.get(3), 1);
});

test('proposals to a candidate are dropped; a follower without a leader drops them too', () => {
  const c = newTestRaft(1, [1, 2, 3]);
  c.becomeCandidate();
  readMessages(c);
  c.step(msg(MessageType.Prop, 1, 1, { entries: [{ term: 0, index: 0, type: 0, data: enc('x') }] }));
  assert.equal(c.raftLog.lastIndex(), 0);
  const f = newTestRaft(2, [1, 2, 3]);
  f.step(msg(MessageType.Prop, 2, 2, { entries: [{ term: 0, index: 0, type: 0, data: enc('x') }] }));
  assert.equal(readMessages(f).length, 0);
});

test('an unreachable follower in replicate state falls back to probing', () => {
  const nt = TestNetwork.of(2);
  nt.elect(1);
  nt.propose(1, 'a');
  const r = nt.get(1);
  const pr = r.trk.progress.get(2n)!;
  assert.equal(pr.state, ProgressState.Replicate);
  r.step(msg(MessageType.Unreachable, 2, 1));
  assert.equal(pr.state, ProgressState.Probe);
  assert.equal(pr.next, pr.match + 1);
});

test('a stale append (below the commit index) is answered with the commit index', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  nt.propose(1, 'a');
  const f = nt.get(2);
  f.step(msg(MessageType.App, 1, 2, { term: 1, index: 0, logTerm: 0, entries: [], commit: 0 }));
  const [resp] = readMessages(f);
  assert.equal(resp!.type, MessageType.AppResp);
  assert.equal(resp!.reject, false);
  assert.equal(resp!.index, 2);
});

test('a proposal delivered twice (a duplicated forward) is logged twice without corrupting the log', () => {
  const r = newTestRaft(1, [1, 2]);
  r.becomeCandidate();
  r.becomeLeader();
  // 1 forwarded this proposal while it was a follower; it comes back (twice) now that 1 leads.
  const entries: Entry[] = [{ term: 0, index: 0, type: 0, data: enc('dup') }];
  const m = msg(MessageType.Prop, 1, 1, { entries });
  r.step(m);
  r.step(m);
  const logged = r.raftLog.entries(1, Infinity);
  assert.deepEqual(logged.map((e) => [e.index, e.term]), [[1, 1], [2, 1], [3, 1]]);
  assert.equal(entries[0]!.index, 0); // the message's own entry objects are never stamped
  assert.notEqual(logged[1], logged[2]);
});

test('forwarding does not modify the received message', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  const f = nt.get(2);
  const m = msg(MessageType.Prop, 3, 2, { entries: [{ term: 0, index: 0, type: 0, data: enc('x') }] });
  f.step(m);
  const out = readMessages(f).filter((x) => x.type === MessageType.Prop);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.to, 1n);
  assert.equal(m.to, 2n);
});
