import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType } from '../../../src/raft/messages.js';
import { StateType, type Raft } from '../../../src/raft/raft.js';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { TestNetwork, ids, msg, newTestRaft, readMessages } from './harness.js';

test('a candidate with votes from a majority becomes leader; the others follow', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  assert.equal(nt.get(1).state, StateType.Leader);
  assert.equal(nt.get(1).term, 1);
  for (const id of [2, 3]) {
    assert.equal(nt.get(id).state, StateType.Follower);
    assert.equal(nt.get(id).lead, 1n);
    assert.equal(nt.get(id).vote, 1n);
  }
});

test('a candidate without a majority stays candidate, and loses to rejections', () => {
  const nt = TestNetwork.of(5);
  for (const id of [3, 4, 5]) nt.isolate(id);
  nt.cut(1, 2);
  nt.elect(1);
  assert.equal(nt.get(1).state, StateType.Candidate);
  // Rejections from a majority make it a follower again.
  const r = newTestRaft(1, [1, 2, 3]);
  r.becomeCandidate();
  r.step(msg(MessageType.VoteResp, 2, 1, { term: 1, reject: true }));
  assert.equal(r.state, StateType.Candidate);
  r.step(msg(MessageType.VoteResp, 3, 1, { term: 1, reject: true }));
  assert.equal(r.state, StateType.Follower);
});

test('split vote: two candidates in one term, neither wins, a later election does', () => {
  const nt = TestNetwork.of(3);
  nt.isolate(1);
  nt.isolate(2);
  nt.elect(1);
  nt.elect(2);
  nt.recover();
  // 3 votes for whichever candidate asks first; the other candidate's request in term 1 is rejected.
  nt.send(msg(MessageType.Vote, 2, 3, { term: 1, index: 0, logTerm: 0 }));
  nt.send(msg(MessageType.Vote, 1, 3, { term: 1, index: 0, logTerm: 0 }));
  assert.equal(nt.get(3).vote, 2n);
  const leaders = [1, 2, 3].filter((id) => nt.get(id).state === StateType.Leader);
  assert.deepEqual(leaders, [2]);
  nt.elect(1);
  assert.equal(nt.get(1).state, StateType.Leader);
  assert.equal(nt.get(1).term, 2);
});

test('a member votes at most once per term', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  r.step(msg(MessageType.Vote, 2, 1, { term: 5, index: 0, logTerm: 0 }));
  r.step(msg(MessageType.Vote, 3, 1, { term: 5, index: 0, logTerm: 0 }));
  const resp = readMessages(r);
  assert.deepEqual(resp.map((m) => [Number(m.to), m.type, m.reject]), [
    [2, MessageType.VoteResp, false],
    [3, MessageType.VoteResp, true],
  ]);
  assert.equal(r.vote, 2n);
  // Re-asking by the same candidate is granted again (duplicate request).
  r.step(msg(MessageType.Vote, 2, 1, { term: 5, index: 0, logTerm: 0 }));
  assert.equal(readMessages(r)[0]!.reject, false);
});

test('the planted double-vote bug grants a second vote in the same term', () => {
  const r = newTestRaft(1, [1, 2, 3], { plantedBugs: { voteTwiceInOneTerm: true } });
  r.step(msg(MessageType.Vote, 2, 1, { term: 5, index: 0, logTerm: 0 }));
  r.step(msg(MessageType.Vote, 3, 1, { term: 5, index: 0, logTerm: 0 }));
  assert.deepEqual(readMessages(r).map((m) => m.reject), [false, false]);
});

test('votes are refused to candidates whose log is behind', () => {
  const storage = MemoryStorage.withMembers(ids(1, 2, 3));
  storage.append([
    { term: 1, index: 1, type: 0, data: new Uint8Array() },
    { term: 2, index: 2, type: 0, data: new Uint8Array() },
  ]);
  const r = newTestRaft(1, [1, 2, 3], { storage });
  r.step(msg(MessageType.Vote, 2, 1, { term: 3, index: 5, logTerm: 1 })); // older last term
  r.step(msg(MessageType.Vote, 3, 1, { term: 3, index: 1, logTerm: 2 })); // same term, shorter
  assert.deepEqual(readMessages(r).map((m) => m.reject), [true, true]);
  r.step(msg(MessageType.Vote, 3, 1, { term: 3, index: 2, logTerm: 2 }));
  assert.deepEqual(readMessages(r).map((m) => m.reject), [false]);
});

test('a higher term turns a leader or candidate into a follower', () => {
  const nt = TestNetwork.of(3);
  nt.elect(1);
  const r = nt.get(1);
  r.step(msg(MessageType.App, 2, 1, { term: 4 }));
  assert.equal(r.state, StateType.Follower);
  assert.equal(r.term, 4);
  assert.equal(r.lead, 2n);
  const c = newTestRaft(2, [1, 2, 3]);
  c.becomeCandidate();
  c.step(msg(MessageType.Vote, 3, 2, { term: 7, index: 0, logTerm: 0 }));
  assert.equal(c.state, StateType.Follower);
  assert.equal(c.term, 7);
  assert.equal(c.vote, 3n);
});

test('election timeout: a follower campaigns after its randomized timeout', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  for (let i = 0; i < 9; i++) r.tick();
  assert.equal(r.state, StateType.Follower);
  r.tick();
  assert.equal(r.state, StateType.Candidate);
  const votes = readMessages(r);
  assert.deepEqual(votes.map((m) => [m.type, Number(m.to), m.term]), [
    [MessageType.Vote, 2, 1],
    [MessageType.Vote, 3, 1],
  ]);
});

test('a single-member cluster elects itself at once', () => {
  const r = newTestRaft(1, [1]);
  r.step(msg(MessageType.Hup, 1, 1));
  assert.equal(r.state, StateType.Leader);
});

test('pre-vote: an isolated member does not raise its term, and cannot disrupt on return', () => {
  const nt = TestNetwork.of(3, { preVote: true });
  nt.elect(1);
  assert.equal(nt.get(1).state, StateType.Leader);
  nt.isolate(3);
  for (let i = 0; i < 5; i++) nt.elect(3);
  assert.equal(nt.get(3).state, StateType.PreCandidate);
  assert.equal(nt.get(3).term, 1);
  nt.propose(1, 'x');
  nt.recover();
  nt.elect(3); // pre-vote rejected: 1 and 2 have a longer log
  assert.equal(nt.get(1).state, StateType.Leader);
  assert.equal(nt.get(1).term, 1);
  assert.equal(nt.get(3).state, StateType.Follower);
});

test('pre-vote: a pre-candidate that wins runs a real election with term+1', () => {
  const nt = TestNetwork.of(3, { preVote: true });
  nt.elect(2);
  assert.equal(nt.get(2).state, StateType.Leader);
  assert.equal(nt.get(2).term, 1);
  const types = nt.delivered.map((m) => m.type);
  assert.ok(types.includes(MessageType.PreVote));
  assert.ok(types.includes(MessageType.Vote));
});

test('check quorum: a leader that hears from no one steps down after an election timeout', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true });
  nt.elect(1);
  nt.isolate(1);
  const r = nt.get(1);
  for (let i = 0; i < 10; i++) r.tick();
  assert.equal(r.state, StateType.Leader); // recentActive from the election still counts once
  for (let i = 0; i < 10; i++) r.tick();
  assert.equal(r.state, StateType.Follower);
});

test('check quorum: members in a leader lease ignore vote requests', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true });
  nt.elect(1);
  const f = nt.get(2);
  f.step(msg(MessageType.Vote, 3, 2, { term: 5, index: 10, logTerm: 5 }));
  assert.equal(f.term, 1);
  assert.equal(readMessages(f).length, 0);
});

test('a stale leader learns the new term from the answer to its heartbeat', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true });
  nt.elect(1);
  nt.isolate(1);
  nt.get(3).electionElapsed = 10; // 3 has not heard from 1 for a whole election timeout
  nt.elect(2);
  assert.equal(nt.get(2).state, StateType.Leader);
  nt.recover();
  nt.send(msg(MessageType.Beat, 1, 1));
  assert.equal(nt.get(1).state, StateType.Follower);
  assert.equal(nt.get(1).term, nt.get(2).term);
});

test('a vote request from a lower term is refused with our term, so the candidate catches up', () => {
  const r = newTestRaft(1, [1, 2, 3]);
  r.becomeFollower(9, 0n);
  r.step(msg(MessageType.Vote, 2, 1, { term: 5, index: 10, logTerm: 5 }));
  const [resp] = readMessages(r);
  assert.deepEqual([resp!.type, resp!.term, resp!.reject], [MessageType.VoteResp, 9, true]);
  const c = newTestRaft(2, [1, 2, 3]);
  c.becomeFollower(4, 0n);
  c.becomeCandidate();
  c.step(resp!);
  assert.equal(c.state, StateType.Follower);
  assert.equal(c.term, 9);
});

test('leader down: the followers that learn it elect a new leader within two ticks, with pre-vote and leases', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true, preVote: true });
  nt.elect(1);
  nt.isolate(1);
  const [f2, f3] = [nt.get(2), nt.get(3)];
  // 3 learns first: its pre-vote is ignored by 2, which still honours 1's lease.
  f3.leaderDown(1n);
  assert.equal(f3.lead, 0n);
  for (let i = 0; i < 2 && f3.state === StateType.Follower; i++) { f3.tick(); nt.send(); }
  assert.equal(f3.state, StateType.PreCandidate);
  assert.equal(f2.state, StateType.Follower);
  assert.equal(f2.term, 1);
  // Once 2 learns too, it campaigns within two ticks and 3 (without a leader) grants both rounds.
  f2.leaderDown(1n);
  const leaderAfterTicks = (): number => {
    for (let ticks = 1; ticks <= 2; ticks++) {
      f2.tick();
      nt.send();
      if (f2.state === StateType.Leader) return ticks;
    }
    return -1;
  };
  assert.notEqual(leaderAfterTicks(), -1);
  assert.equal(f2.state, StateType.Leader);
  assert.equal(f2.term, 2);
  assert.equal(f3.lead, 2n);
});

test('leader down about a live leader, or a member that is not the leader, changes nothing for long', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true, preVote: true });
  nt.elect(1);
  const f2 = nt.get(2);
  f2.leaderDown(3n); // not its leader: ignored
  assert.equal(f2.lead, 1n);
  assert.equal(f2.pastElectionTimeout(), false);
  f2.leaderDown(1n); // a wrong report: 2 campaigns, 3 ignores it, 1's next heartbeat brings 2 back
  for (let i = 0; i < 2; i++) { f2.tick(); nt.send(); }
  assert.equal(f2.state, StateType.PreCandidate);
  nt.send(msg(MessageType.Beat, 1, 1));
  assert.equal(nt.get(1).state, StateType.Leader);
  assert.equal(nt.get(1).term, 1);
  assert.equal(f2.state, StateType.Follower);
  assert.equal(f2.lead, 1n);
  // Without the report the follower waits out its whole randomized election timeout.
  const quiet = TestNetwork.of(3, { checkQuorum: true, preVote: true });
  quiet.elect(1);
  quiet.isolate(1);
  for (let i = 0; i < 9; i++) { quiet.get(2).tick(); quiet.send(); }
  assert.equal(quiet.get(2).state, StateType.Follower);
});

test('leader down: followers that campaign in the same instant split the vote, then retry within three ticks', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true, preVote: true });
  nt.elect(1);
  nt.isolate(1);
  const [f2, f3] = [nt.get(2), nt.get(3)];
  f2.leaderDown(1n);
  f3.leaderDown(1n);
  // Both become pre-candidates before either hears from the other.
  for (let i = 0; i < 2; i++) {
    if (f2.state === StateType.Follower) f2.tick();
    if (f3.state === StateType.Follower) f3.tick();
  }
  assert.equal(f2.state, StateType.PreCandidate);
  assert.equal(f3.state, StateType.PreCandidate);
  nt.send();
  // Each granted the other's pre-vote, then voted for itself: term 2 has no leader.
  assert.deepEqual([f2.state, f3.state, f2.term, f3.term, f2.vote, f3.vote], [StateType.Candidate, StateType.Candidate, 2, 2, 2n, 3n]);
  const leader = (): Raft | undefined => [f2, f3].find((f) => f.state === StateType.Leader);
  for (let ticks = 1; !leader(); ticks++) {
    assert.ok(ticks <= 3, 'no leader within three ticks of the split vote');
    // One ticks ahead of the other, as two processes' clocks would.
    f2.tick();
    nt.send();
    f3.tick();
    nt.send();
  }
  const won = leader()!;
  const other = won === f2 ? f3 : f2;
  assert.deepEqual([won.term, other.term, other.state, other.lead], [3, 3, StateType.Follower, won.id]);
});

test('without a leader found gone, a split vote waits out the randomized election timeout', () => {
  const nt = TestNetwork.of(3, { checkQuorum: true, preVote: true });
  nt.elect(1);
  nt.isolate(1);
  const [f2, f3] = [nt.get(2), nt.get(3)];
  // The same split as above, reached through elapsed timeouts instead of a report.
  for (const f of [f2, f3]) f.electionElapsed = 1_000;
  f2.tick();
  f3.tick();
  nt.send();
  assert.deepEqual([f2.state, f3.state, f2.term], [StateType.Candidate, StateType.Candidate, 2]);
  for (let i = 0; i < 3; i++) { f2.tick(); nt.send(); f3.tick(); nt.send(); }
  assert.deepEqual([f2.state, f3.state, f2.term], [StateType.Candidate, StateType.Candidate, 2]);
});
