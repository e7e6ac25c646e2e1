import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { CompactedError, UnavailableError, SnapshotOutOfDateError } from '../../../src/raft/errors.js';
import type { Entry } from '../../../src/raft/messages.js';

function ents(...pairs: [number, number][]): Entry[] {
  return pairs.map(([index, term]) => ({ index, term, type: 0, data: new Uint8Array([index]) }));
}

function storageWith(...pairs: [number, number][]): MemoryStorage {
  const s = new MemoryStorage();
  s.append(ents(...pairs));
  return s;
}

test('term lookups inside, before and after the kept range', () => {
  const s = storageWith([1, 1], [2, 1], [3, 2]);
  s.compact(1);
  assert.equal(s.term(1), 1); // the dummy entry keeps the compacted term
  assert.equal(s.term(3), 2);
  assert.throws(() => s.term(0), CompactedError);
  assert.throws(() => s.term(4), UnavailableError);
  assert.equal(s.firstIndex(), 2);
  assert.equal(s.lastIndex(), 3);
});

test('entries honour bounds and the size limit (always at least one)', () => {
  const s = storageWith([1, 1], [2, 1], [3, 1], [4, 1]);
  assert.deepEqual(s.entries(2, 4, Infinity).map((e) => e.index), [2, 3]);
  assert.deepEqual(s.entries(1, 5, 0).map((e) => e.index), [1]);
  assert.deepEqual(s.entries(1, 5, 50).map((e) => e.index), [1, 2]); // 25 bytes each
  assert.throws(() => s.entries(1, 6, Infinity), UnavailableError);
  s.compact(2);
  assert.throws(() => s.entries(2, 4, Infinity), CompactedError);
});

test('append truncates a conflicting suffix and ignores compacted entries', () => {
  const s = storageWith([1, 1], [2, 1], [3, 1]);
  s.append(ents([2, 2], [3, 2], [4, 2]));
  assert.deepEqual([s.term(1), s.term(2), s.term(3), s.term(4)], [1, 2, 2, 2]);
  s.compact(3);
  s.append(ents([2, 2], [3, 2], [4, 2], [5, 3]));
  assert.equal(s.lastIndex(), 5);
  assert.equal(s.term(5), 3);
  assert.throws(() => s.append(ents([7, 3])), /missing log entry/);
});

test('snapshots: create, compact, apply, and refuse older ones', () => {
  const s = storageWith([1, 1], [2, 2], [3, 3]);
  const snap = s.createSnapshot(2, { voters: [1n, 2n] }, new Uint8Array([9]));
  assert.deepEqual(snap.metadata, { index: 2, term: 2, confState: { voters: [1n, 2n] } });
  assert.throws(() => s.createSnapshot(1, undefined, new Uint8Array()), SnapshotOutOfDateError);
  s.compact(2);
  assert.equal(s.firstIndex(), 3);
  const other = new MemoryStorage();
  other.applySnapshot(snap);
  assert.equal(other.firstIndex(), 3);
  assert.equal(other.lastIndex(), 2);
  assert.equal(other.term(2), 2);
  assert.deepEqual(other.initialState().confState, { voters: [1n, 2n] });
  assert.throws(() => other.applySnapshot(snap), SnapshotOutOfDateError);
});

test('a snapshot whose data is given as a function builds it once, when first read', () => {
  const s = storageWith([1, 1], [2, 2], [3, 3]);
  let calls = 0;
  s.createSnapshot(3, { voters: [1n] }, () => { calls++; return new Uint8Array([4, 2]); });
  assert.equal(calls, 0);
  assert.equal(s.snapshot().metadata.index, 3);
  assert.equal(calls, 0, 'reading the metadata does not build the data');
  assert.deepEqual([...s.snapshot().data], [4, 2]);
  assert.deepEqual([...s.snapshot().data], [4, 2]);
  assert.equal(calls, 1);
});
