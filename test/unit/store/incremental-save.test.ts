/**
 * A save taken a slice at a time while writes keep arriving must give exactly the bytes a one-go save
 * would have given at the moment it began: every change in between is invisible to it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StoreRequest } from '../../../src/store/request.js';
import { Store } from '../../../src/store/store.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const KEYS = ['/a', '/b', '/a/x', '/a/y', '/a/x/deep', '/c/d/e', '/c', '/_hidden', '/q'];

type Op =
  | { kind: 'set'; key: number; value: string; dir: boolean; ttl: number | null }
  | { kind: 'create'; key: number; unique: boolean }
  | { kind: 'update'; key: number; value: string; ttl: number | null }
  | { kind: 'cas'; key: number; value: string; prev: string }
  | { kind: 'delete'; key: number; recursive: boolean }
  | { kind: 'cad'; key: number; prev: string }
  | { kind: 'sync'; advance: number };

function toRequest(op: Op, time: number): StoreRequest {
  switch (op.kind) {
    case 'set':
      return { op: 'set', key: KEYS[op.key]!, value: op.dir ? '' : op.value, dir: op.dir, ttl: op.ttl, time };
    case 'create':
      return { op: 'create', key: KEYS[op.key]!, value: 'new', dir: false, unique: op.unique, ttl: null, time };
    case 'update':
      return { op: 'update', key: KEYS[op.key]!, value: op.value, ttl: op.ttl, time };
    case 'cas':
      return { op: 'compareAndSwap', key: KEYS[op.key]!, value: op.value, prevValue: op.prev, prevIndex: 0, ttl: null, time };
    case 'delete':
      return { op: 'delete', key: KEYS[op.key]!, dir: op.recursive, recursive: op.recursive, time };
    case 'cad':
      return { op: 'compareAndDelete', key: KEYS[op.key]!, prevValue: op.prev, prevIndex: 0, time };
    case 'sync':
      return { op: 'sync', time };
  }
}

/** Applies `op`, ignoring refusals (a refused write changes nothing). Returns the new clock. */
function apply(store: Store, op: Op, clock: number): number {
  const time = op.kind === 'sync' ? clock + op.advance * 1000 : clock;
  try {
    store.apply(toRequest(op, time));
  } catch {
    // refused: nothing changed
  }
  return time;
}

describe('incremental store save', () => {
  it('gives the bytes of the moment it began, whatever happens between slices', async () => {
    const fc = await import('fast-check');
    const value = fc.constantFrom('', 'v1', 'v2', 'ünï', 'x'.repeat(40));
    const key = fc.integer({ min: 0, max: KEYS.length - 1 });
    const ttl = fc.option(fc.integer({ min: 1, max: 5 }), { nil: null });
    const op: import('fast-check').Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value, dir: fc.boolean(), ttl }),
      fc.record({ kind: fc.constant('create' as const), key, unique: fc.boolean() }),
      fc.record({ kind: fc.constant('update' as const), key, value, ttl }),
      fc.record({ kind: fc.constant('cas' as const), key, value, prev: value }),
      fc.record({ kind: fc.constant('delete' as const), key, recursive: fc.boolean() }),
      fc.record({ kind: fc.constant('cad' as const), key, prev: value }),
      fc.record({ kind: fc.constant('sync' as const), advance: fc.integer({ min: 0, max: 6 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.tuple(op, fc.integer({ min: 0, max: 3 })), { maxLength: 40 }),
        (before, during) => {
          const store = new Store();
          let clock = T0;
          for (const o of before) clock = apply(store, o, clock);
          const expected = store.save();
          const job = store.beginSave();
          let done = false;
          for (const [o, budget] of during) {
            if (!done) done = job.step(budget);
            clock = apply(store, o, clock);
          }
          while (!done) done = job.step(1);
          assert.deepEqual(Buffer.from(job.result()), Buffer.from(expected));
          // The store itself went on: a save now shows every write.
          const after = Store.recover(store.save());
          assert.equal(after.index, store.index);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a large directory changed under a running save keeps its image', () => {
    const store = new Store();
    for (let i = 0; i < 5000; i++) store.apply({ op: 'set', key: `/big/k${i}`, value: `v${i}`, dir: false, ttl: null, time: T0 });
    const expected = store.save();
    const job = store.beginSave();
    assert.equal(job.step(100), false);
    for (let i = 0; i < 5000; i += 2) store.apply({ op: 'delete', key: `/big/k${i}`, dir: false, recursive: false, time: T0 });
    for (let i = 0; i < 1000; i++) store.apply({ op: 'set', key: `/big/n${i}`, value: 'later', dir: false, ttl: null, time: T0 });
    store.apply({ op: 'set', key: '/big/k1', value: 'changed', dir: false, ttl: 30, time: T0 });
    let steps = 1;
    while (!job.step(100)) steps++;
    assert.ok(steps > 40, `expected many slices, took ${steps}`);
    assert.deepEqual(Buffer.from(job.result()), Buffer.from(expected));
    const recovered = Store.recover(job.result());
    assert.equal(recovered.get('/big/k1', { now: T0 }).node.value, 'v1');
    assert.equal(recovered.get('/big', { now: T0 }).node.nodes?.length, 5000);
  });

  it('reuses the unchanged parts of the previous save and gives the bytes of a save from scratch', async () => {
    const fc = await import('fast-check');
    // Many keys, so saves span many chunks; writes land anywhere in the tree.
    const keyName = fc.tuple(fc.constantFrom('/a', '/b/c', '/b', '/_h', '/d/e/f'), fc.integer({ min: 0, max: 400 }))
      .map(([dir, i]) => `${dir}/k${i}`);
    const value = fc.constantFrom('', 'v1', 'v2', 'ünï', 'x'.repeat(300));
    const write: import('fast-check').Arbitrary<StoreRequest> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: keyName, value, dir: fc.constant(false), ttl: fc.constantFrom(null, null, 3), time: fc.constant(T0) }),
      fc.record({ op: fc.constant('delete' as const), key: keyName, dir: fc.constant(false), recursive: fc.constant(false), time: fc.constant(T0) }),
      fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom('/a', '/b', '/d/e'), dir: fc.constant(true), recursive: fc.constant(true), time: fc.constant(T0) }),
      fc.record({ op: fc.constant('sync' as const), time: fc.constantFrom(T0, T0 + 5000) }),
    );
    const applyAll = (store: Store, reqs: readonly StoreRequest[]): void => {
      for (const r of reqs) {
        try {
          store.apply(r);
        } catch {
          // refused: nothing changed
        }
      }
    };
    fc.assert(
      fc.property(fc.array(fc.array(write, { maxLength: 300 }), { minLength: 2, maxLength: 5 }), (rounds) => {
        const store = new Store();
        const history: StoreRequest[] = [];
        for (const round of rounds) {
          applyAll(store, round);
          history.push(...round);
          const fresh = new Store();
          applyAll(fresh, history);
          assert.deepEqual(Buffer.from(store.save()), Buffer.from(fresh.save()));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a save after a few writes encodes only the chunks they touched', () => {
    const store = new Store();
    for (let i = 0; i < 20_000; i++) store.apply({ op: 'set', key: `/dir${i % 7}/k${i}`, value: `value ${i}`, dir: false, ttl: null, time: T0 });
    const first = store.beginSave();
    while (!first.step(1000));
    const before = new Set(first.parts());
    store.apply({ op: 'set', key: '/dir3/k10', value: 'changed', dir: false, ttl: null, time: T0 });
    store.apply({ op: 'set', key: '/dir5/new', value: 'added', dir: false, ttl: null, time: T0 });
    store.apply({ op: 'delete', key: '/dir0/k7', dir: false, recursive: false, time: T0 });
    const second = store.beginSave();
    while (!second.step(1000));
    // After the header, each chunk has two parts: its rows of numbers and its text.
    const pieces = second.parts().slice(1);
    const reused = pieces.filter((p) => before.has(p)).length;
    assert.ok(pieces.length > 200, `expected many chunks, got ${pieces.length / 2}`);
    assert.ok(pieces.length - reused <= 2 * 8, `${(pieces.length - reused) / 2} of ${pieces.length / 2} chunks encoded again`);
    const fresh = Store.recover(second.result());
    assert.equal(fresh.get('/dir3/k10', { now: T0 }).node.value, 'changed');
    assert.deepEqual(Buffer.from(fresh.save()), Buffer.from(second.result()));
  });

  it('a newer save abandons an unfinished one', () => {
    const store = new Store();
    for (let i = 0; i < 10; i++) store.apply({ op: 'set', key: `/k${i}`, value: 'v', dir: false, ttl: null, time: T0 });
    const first = store.beginSave();
    first.step(2);
    const second = store.save();
    assert.ok(second.length > 0);
    assert.throws(() => first.step(100), /abandoned/);
  });
});
