import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOperations, kvModel, type KvInput, type KvOperation, type KvOutput } from '../../../src/linearizability/index.js';

function op(clientId: number, call: number, ret: number | null, input: KvInput, output?: KvOutput): KvOperation {
  return { clientId, input, output: ret === null ? undefined : output ?? {}, call, return: ret ?? Infinity };
}
const put = (key: string, value: string): KvInput => ({ op: 'put', key, value });
const get = (key: string): KvInput => ({ op: 'get', key });
const cas = (key: string, expected: string | null, value: string): KvInput => ({ op: 'cas', key, expected, value });

test('sequential and overlapping histories that are linearizable are accepted', () => {
  const h = [
    op(1, 0, 10, put('x', '1')),
    op(2, 5, 15, get('x'), { value: '1' }), // overlaps the put: may see it
    op(3, 6, 8, get('x'), { value: null }), // also overlaps: may precede it
    op(1, 20, 30, cas('x', '1', '2'), { ok: true }),
    op(2, 31, 40, get('x'), { value: '2' }),
    op(3, 41, 42, cas('x', '1', '3'), { ok: false }),
  ];
  assert.equal(checkOperations(kvModel, h).outcome, 'ok');
});

test('a stale read after an acknowledged write is rejected', () => {
  const h = [op(1, 0, 10, put('x', '1')), op(1, 11, 20, put('x', '2')), op(2, 21, 30, get('x'), { value: '1' })];
  const r = checkOperations(kvModel, h);
  assert.equal(r.outcome, 'illegal');
  assert.equal(r.illegalPartition?.length, 3);
});

test('a lost compare-and-set is rejected', () => {
  // The cas reported success, yet a later read still sees the old value.
  const h = [
    op(1, 0, 5, put('x', 'a')),
    op(2, 6, 10, cas('x', 'a', 'b'), { ok: true }),
    op(3, 11, 15, get('x'), { value: 'a' }),
  ];
  assert.equal(checkOperations(kvModel, h).outcome, 'illegal');
  // Two successful cas from the same expected value cannot both win.
  const h2 = [
    op(1, 0, 5, put('y', 'a')),
    op(2, 6, 20, cas('y', 'a', 'b'), { ok: true }),
    op(3, 7, 21, cas('y', 'a', 'c'), { ok: true }),
  ];
  assert.equal(checkOperations(kvModel, h2).outcome, 'illegal');
});

test('a read of a value never written is rejected', () => {
  const h = [op(1, 0, 5, put('x', 'a')), op(2, 1, 6, get('x'), { value: 'zzz' })];
  assert.equal(checkOperations(kvModel, h).outcome, 'illegal');
});

test('an operation with unknown outcome may or may not have taken effect', () => {
  const tookEffect = [
    op(1, 0, null, put('x', '1')),
    op(2, 10, 20, get('x'), { value: '1' }), // observed long after the call: fine
  ];
  assert.equal(checkOperations(kvModel, tookEffect).outcome, 'ok');
  const didNot = [op(1, 0, null, put('x', '1')), op(2, 10, 20, get('x'), { value: null })];
  assert.equal(checkOperations(kvModel, didNot).outcome, 'ok');
  // It cannot take effect before it was called, though.
  const beforeCall = [op(2, 0, 5, get('x'), { value: '1' }), op(1, 10, null, put('x', '1'))];
  assert.equal(checkOperations(kvModel, beforeCall).outcome, 'illegal');
  // An unknown cas that took effect explains a later read of its value.
  const unknownCas = [
    op(1, 0, 1, put('x', 'a')),
    op(2, 2, null, cas('x', 'a', 'b')),
    op(3, 5, 6, get('x'), { value: 'b' }),
    op(3, 7, 8, get('x'), { value: 'b' }),
  ];
  assert.equal(checkOperations(kvModel, unknownCas).outcome, 'ok');
});

test('keys are checked independently (partitioning)', () => {
  const h = [
    op(1, 0, 5, put('a', '1')),
    op(1, 6, 9, put('b', '1')),
    op(2, 10, 12, get('a'), { value: '1' }),
    op(2, 13, 15, get('b'), { value: null }), // stale read on b only
  ];
  const r = checkOperations(kvModel, h);
  assert.equal(r.partitions, 2);
  assert.equal(r.outcome, 'illegal');
  assert.ok(r.illegalPartition!.every((line) => line.includes('(b')));
});

test('create and delete follow prevExist semantics', () => {
  const h = [
    op(1, 0, 1, { op: 'create', key: 'k', value: 'v' }, { ok: true }),
    op(2, 2, 3, { op: 'create', key: 'k', value: 'w' }, { ok: false }),
    op(1, 4, 5, { op: 'delete', key: 'k' }, { ok: true }),
    op(2, 6, 7, get('k'), { value: null }),
  ];
  assert.equal(checkOperations(kvModel, h).outcome, 'ok');
  h.push(op(3, 8, 9, { op: 'delete', key: 'k' }, { ok: true }));
  assert.equal(checkOperations(kvModel, h).outcome, 'illegal');
});

test('a search that exceeds its budget reports unknown, never ok', () => {
  // Many concurrent writes and reads of distinct values: a large search space.
  const h: KvOperation[] = [];
  for (let i = 0; i < 40; i++) h.push(op(i, 0, 1000, put('x', `v${i}`)));
  for (let i = 0; i < 40; i++) h.push(op(100 + i, 1001 + 2 * i, 1002 + 2 * i, get('x'), { value: `v${(i * 7) % 40}` }));
  const r = checkOperations(kvModel, h, { maxSteps: 50 });
  assert.equal(r.outcome, 'unknown');
  let t = 0;
  const clock = () => (t += 10);
  assert.equal(checkOperations(kvModel, h, { timeLimitMs: 5, now: clock }).outcome, 'unknown');
});

test('large concurrent linearizable histories are checked quickly thanks to memoization', () => {
  const h: KvOperation[] = [];
  let t = 0;
  let value = 'init';
  h.push(op(0, t++, t++, put('x', value)));
  for (let round = 0; round < 200; round++) {
    const start = t;
    // five clients overlap: one write and four reads, reads return the old or the new value
    const nv = `r${round}`;
    h.push(op(1, start, start + 10, put('x', nv)));
    for (let c = 2; c <= 5; c++) h.push(op(c, start + 1, start + 9, get('x'), { value: c % 2 === 0 ? value : nv }));
    value = nv;
    t = start + 11;
  }
  const r = checkOperations(kvModel, h);
  assert.equal(r.outcome, 'ok');
});
