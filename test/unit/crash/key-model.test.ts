import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyModel, type ObservedNode } from '../../../test/crash/key-model.js';

const node = (value: string, modifiedIndex: number, extra: Partial<ObservedNode> = {}): ObservedNode => ({ value, modifiedIndex, ...extra });
const now = Date.parse('2026-01-01T00:00:10Z');

test('an acknowledged write must be there with its value and index', () => {
  const model = new KeyModel();
  model.begin('/crash/d/a', { op: 'set', value: 'x' });
  model.acknowledge('/crash/d/a', { exists: true, node: node('x', 7) });
  assert.deepEqual(model.checkAndAdopt(new Map([['/crash/d/a', node('x', 7)]]), now), []);

  const lost = new KeyModel();
  lost.begin('/crash/d/a', { op: 'set', value: 'x' });
  lost.acknowledge('/crash/d/a', { exists: true, node: node('x', 7) });
  const problems = lost.checkAndAdopt(new Map(), now);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.problem, /expected value "x" at index 7 \(last acknowledged\), found absent/);
});

test('an overwritten key holds the last acknowledged value or the one in flight, nothing older', () => {
  const make = (): KeyModel => {
    const m = new KeyModel();
    m.begin('/crash/o/w0', { op: 'set', value: '4' });
    m.acknowledge('/crash/o/w0', { exists: true, node: node('4', 20) });
    m.begin('/crash/o/w0', { op: 'set', value: '5' });
    return m;
  };
  assert.deepEqual(make().checkAndAdopt(new Map([['/crash/o/w0', node('4', 20)]]), now), []);
  assert.deepEqual(make().checkAndAdopt(new Map([['/crash/o/w0', node('5', 23)]]), now), []);
  assert.equal(make().checkAndAdopt(new Map([['/crash/o/w0', node('3', 15)]]), now).length, 1);
  // The in-flight value cannot carry an index at or below the acknowledged one.
  assert.equal(make().checkAndAdopt(new Map([['/crash/o/w0', node('5', 20)]]), now).length, 1);
});

test('a deleted key is gone; one whose delete was unanswered may be either', () => {
  const m = new KeyModel();
  m.begin('/crash/x/k', { op: 'set', value: 'first' });
  m.acknowledge('/crash/x/k', { exists: true, node: node('first', 3) });
  m.begin('/crash/x/k', { op: 'delete' });
  m.acknowledge('/crash/x/k', { exists: false });
  assert.equal(m.checkAndAdopt(new Map([['/crash/x/k', node('first', 3)]]), now).length, 1);

  const pending = new KeyModel();
  pending.begin('/crash/x/k', { op: 'set', value: 'first' });
  pending.acknowledge('/crash/x/k', { exists: true, node: node('first', 3) });
  pending.begin('/crash/x/k', { op: 'delete' });
  assert.deepEqual(pending.checkAndAdopt(new Map(), now), []);
});

test('a TTL key is present with the same expiration, or gone only once it has expired', () => {
  const ttlKey = (expiration: string): KeyModel => {
    const m = new KeyModel();
    m.begin('/crash/t/k', { op: 'set', value: 't', ttl: 2 });
    m.acknowledge('/crash/t/k', { exists: true, node: node('t', 9, { expiration, ttl: 2 }) });
    return m;
  };
  const expired = '2026-01-01T00:00:05Z';
  const future = '2026-01-01T00:01:00Z';
  assert.deepEqual(ttlKey(expired).checkAndAdopt(new Map(), now), []);
  assert.equal(ttlKey(future).checkAndAdopt(new Map(), now).length, 1, 'vanished before its expiration');
  assert.deepEqual(ttlKey(future).checkAndAdopt(new Map([['/crash/t/k', node('t', 9, { expiration: future, ttl: 1 })]]), now), []);
  assert.equal(ttlKey(future).checkAndAdopt(new Map([['/crash/t/k', node('t', 9, { expiration: '2026-01-01T00:02:00Z', ttl: 2 })]]), now).length, 1);
});

test('keys never written are reported; the observed state becomes the acknowledged one', () => {
  const m = new KeyModel();
  m.begin('/crash/o/w1', { op: 'set', value: '1' });
  const problems = m.checkAndAdopt(new Map([['/crash/o/w1', node('1', 4)], ['/crash/d/ghost', node('g', 5)]]), now);
  assert.deepEqual(problems.map((p) => p.key), ['/crash/d/ghost']);
  assert.deepEqual(m.acked('/crash/o/w1'), { exists: true, node: node('1', 4) });
  assert.throws(() => { m.begin('/crash/o/w1', { op: 'set', value: '2' }); m.begin('/crash/o/w1', { op: 'delete' }); }, /one write per key/);
});
