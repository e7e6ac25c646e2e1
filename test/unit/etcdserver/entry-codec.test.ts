import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';

import { EntryKind, decodeServerRequest, encodeServerRequest } from '../../../src/etcdserver/entry-codec.js';
import type { StoreRequest } from '../../../src/store/request.js';

const req = { op: 'set', key: '/ünï', value: 'v', dir: false, ttl: null, time: 1764670000000.125 };

test('a store request survives the round trip through entry data', () => {
  const decoded = decodeServerRequest(encodeServerRequest(EntryKind.Store, 0x1234_5678_9abc_def0n, req));
  assert.equal(decoded.kind, EntryKind.Store);
  assert.equal(decoded.id, 0x1234_5678_9abc_def0n);
  assert.deepEqual(decoded.req, req);
});

test('the proposer gets back the object it proposed, without parsing; others parse', () => {
  const data = encodeServerRequest(EntryKind.Store, 7n, req);
  const asked: bigint[] = [];
  const mine = decodeServerRequest(data, (id) => { asked.push(id); return req; });
  assert.equal(mine.req, req, 'the very object');
  assert.deepEqual(asked, [7n]);
  const theirs = decodeServerRequest(data, () => undefined);
  assert.notEqual(theirs.req, req);
  assert.deepEqual(theirs.req, req);
});

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const ttl = fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: null });
const time = fc.double({ min: 0, max: 4e12, noNaN: true });
const refresh = fc.option(fc.boolean(), { nil: undefined });
const index = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const withRefresh = <T extends object>(r: T, value: boolean | undefined): T => (value === undefined ? r : { ...r, refresh: value });
const storeRequest: fc.Arbitrary<StoreRequest> = fc.oneof(
  fc.tuple(text, text, fc.boolean(), ttl, refresh, time).map(([key, value, dir, t, rf, tm]) => ({ ...withRefresh({ op: 'set' as const, key, value, dir, ttl: t }, rf), time: tm })),
  fc.tuple(text, text, fc.boolean(), fc.boolean(), ttl, time).map(([key, value, dir, unique, t, tm]) => ({ op: 'create' as const, key, value, dir, unique, ttl: t, time: tm })),
  fc.tuple(text, text, ttl, refresh, time).map(([key, value, t, rf, tm]) => ({ ...withRefresh({ op: 'update' as const, key, value, ttl: t }, rf), time: tm })),
  fc.tuple(text, text, text, index, ttl, refresh, time).map(([key, value, prevValue, prevIndex, t, rf, tm]) => ({ ...withRefresh({ op: 'compareAndSwap' as const, key, value, prevValue, prevIndex, ttl: t }, rf), time: tm })),
  fc.tuple(text, fc.boolean(), fc.boolean(), time).map(([key, dir, recursive, tm]) => ({ op: 'delete' as const, key, dir, recursive, time: tm })),
  fc.tuple(text, text, index, time).map(([key, prevValue, prevIndex, tm]) => ({ op: 'compareAndDelete' as const, key, prevValue, prevIndex, time: tm })),
  time.map((tm) => ({ op: 'sync' as const, time: tm })),
);

test('every store request comes back from its binary entry as it was, for a member that did not propose it', () => {
  fc.assert(fc.property(storeRequest, fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }), (r, id) => {
    const data = encodeServerRequest(EntryKind.Store, id, r);
    assert.equal(data[0], 3, 'the binary form');
    const decoded = decodeServerRequest(data, () => undefined);
    assert.equal(decoded.kind, EntryKind.Store);
    assert.equal(decoded.id, id);
    assert.deepEqual(decoded.req, r);
  }), { numRuns: 2000 });
});

test('store requests logged as JSON by earlier versions are still read', () => {
  const json = Buffer.from(JSON.stringify(req));
  const data = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 9]), json]);
  assert.deepEqual(decodeServerRequest(data), { kind: EntryKind.Store, id: 9n, req });
});

test('a request with an unpaired surrogate, which UTF-8 cannot carry, is logged as JSON and comes back unchanged', () => {
  const odd = { op: 'set', key: '/k', value: 'a\ud800b', dir: false, ttl: null, time: 1 } as const;
  const data = encodeServerRequest(EntryKind.Store, 5n, odd);
  assert.equal(data[0], EntryKind.Store);
  assert.deepEqual(decodeServerRequest(data).req, odd);
});

test('damaged binary entries are refused, not applied as something else', () => {
  const data = Buffer.from(encodeServerRequest(EntryKind.Store, 1n, req));
  assert.throws(() => decodeServerRequest(data.subarray(0, data.length - 1)), /cut short|left over/);
  assert.throws(() => decodeServerRequest(Buffer.concat([data, Buffer.from([0])])), /left over/);
  const badOp = Buffer.from(data);
  badOp[9] = 42;
  assert.throws(() => decodeServerRequest(badOp), /unknown store operation 42/);
});
