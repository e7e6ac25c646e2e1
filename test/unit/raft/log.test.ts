import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { RaftLog } from '../../../src/raft/log.js';
import { CompactedError } from '../../../src/raft/errors.js';
import type { Entry } from '../../../src/raft/messages.js';

function ents(...pairs: [number, number][]): Entry[] {
  return pairs.map(([index, term]) => ({ index, term, type: 0, data: new Uint8Array(0) }));
}

function logWith(stable: [number, number][], unstable: [number, number][] = []): RaftLog {
  const s = new MemoryStorage();
  s.append(ents(...stable));
  const log = new RaftLog(s);
  if (unstable.length > 0) log.append(ents(...unstable));
  return log;
}

test('findConflict: none, new entries, or the first differing term', () => {
  const log = logWith([[1, 1], [2, 2], [3, 3]]);
  assert.equal(log.findConflict(ents([1, 1], [2, 2])), 0);
  assert.equal(log.findConflict(ents([2, 2], [3, 3], [4, 4])), 4);
  assert.equal(log.findConflict(ents([2, 1], [3, 4])), 2);
  assert.equal(log.findConflict([]), 0);
});

test('maybeAppend: rejects a mismatch, appends, truncates a conflict, caps the commit', () => {
  const log = logWith([[1, 1], [2, 2], [3, 3]]);
  assert.equal(log.maybeAppend(3, 2, 3, ents([4, 4])), -1); // wrong term at 3
  assert.equal(log.maybeAppend(4, 3, 3, ents([5, 4])), -1); // missing 4
  assert.equal(log.maybeAppend(3, 3, 10, ents([4, 4], [5, 4])), 5);
  assert.equal(log.committed, 5); // min(leader commit, last new)
  const log2 = logWith([[1, 1], [2, 2], [3, 3]]);
  assert.equal(log2.maybeAppend(1, 1, 1, ents([2, 4])), 2);
  assert.equal(log2.lastIndex(), 2);
  assert.equal(log2.term(2), 4);
  assert.equal(log2.committed, 1);
  // A heartbeat-like append with nothing new keeps the longer log.
  const log3 = logWith([[1, 1], [2, 2], [3, 3]]);
  assert.equal(log3.maybeAppend(1, 1, 2, []), 1);
  assert.equal(log3.lastIndex(), 3);
  assert.equal(log3.committed, 1);
});

test('a conflict with a committed entry is a fatal error', () => {
  const log = logWith([[1, 1], [2, 2], [3, 3]]);
  log.commitTo(3);
  assert.throws(() => log.maybeAppend(1, 1, 3, ents([2, 5])), /conflicts with committed/);
});

test('isUpToDate compares last term first, then length', () => {
  const log = logWith([[1, 1], [2, 2], [3, 3]]);
  assert.equal(log.isUpToDate(2, 4), true);
  assert.equal(log.isUpToDate(5, 2), false);
  assert.equal(log.isUpToDate(3, 3), true);
  assert.equal(log.isUpToDate(2, 3), false);
  assert.equal(log.isUpToDate(4, 3), true);
});

test('the commit rule: only an entry of the given term is committed by counting', () => {
  const log = logWith([[1, 1], [2, 2]], [[3, 3]]);
  assert.equal(log.maybeCommit(2, 3), false);
  assert.equal(log.committed, 0);
  assert.equal(log.maybeCommit(3, 3), true);
  assert.equal(log.committed, 3);
  assert.equal(log.maybeCommit(2, 2), false); // never backwards
});

test('slices span storage and the unstable tail, with size limits', () => {
  const log = logWith([[1, 1], [2, 1], [3, 1]], [[4, 2], [5, 2]]);
  assert.deepEqual(log.slice(2, 6, Infinity).map((e) => e.index), [2, 3, 4, 5]);
  assert.deepEqual(log.slice(4, 6, Infinity).map((e) => e.index), [4, 5]);
  assert.deepEqual(log.slice(2, 6, 60).map((e) => e.index), [2, 3]);
  assert.deepEqual(log.entries(6, Infinity), []);
  (log.storage as MemoryStorage).compact(2);
  assert.throws(() => log.slice(2, 4, Infinity), CompactedError);
  assert.throws(() => log.term(1), CompactedError);
  assert.equal(log.term(2), 1);
  assert.equal(log.term(9), 0);
});

test('stableTo moves entries out of the unstable log only if the term matches', () => {
  const log = logWith([[1, 1]], [[2, 2], [3, 2]]);
  log.stableTo(3, 1);
  assert.equal(log.unstableEntries().length, 2);
  log.stableTo(2, 2);
  assert.deepEqual(log.unstableEntries().map((e) => e.index), [3]);
  assert.equal(log.unstable.offset, 3);
});

test('committed entries are handed out once applied advances', () => {
  const log = logWith([[1, 1], [2, 1], [3, 1]]);
  log.commitTo(2);
  assert.deepEqual(log.nextEnts().map((e) => e.index), [1, 2]);
  log.appliedTo(2);
  assert.equal(log.hasNextEnts(), false);
  log.commitTo(3);
  assert.deepEqual(log.nextEnts().map((e) => e.index), [3]);
  assert.throws(() => log.appliedTo(4), /out of range/);
});

test('restore replaces the log with a snapshot', () => {
  const log = logWith([[1, 1], [2, 1]]);
  log.restore({ data: new Uint8Array(), metadata: { index: 10, term: 4, confState: { voters: [1n] } } });
  assert.equal(log.committed, 10);
  assert.equal(log.firstIndex(), 11);
  assert.equal(log.lastIndex(), 10);
  assert.equal(log.term(10), 4);
  assert.equal(log.hasPendingSnapshot(), true);
  log.append(ents([11, 5]));
  assert.equal(log.lastIndex(), 11);
});

test('findConflictByTerm skips back over a whole term', () => {
  const log = logWith([[1, 1], [2, 2], [3, 2], [4, 4], [5, 4], [6, 4]]);
  assert.equal(log.findConflictByTerm(6, 3), 3);
  assert.equal(log.findConflictByTerm(6, 4), 6);
  assert.equal(log.findConflictByTerm(6, 1), 1);
  assert.equal(log.findConflictByTerm(6, 0), 0);
});
