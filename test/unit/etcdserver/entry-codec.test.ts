import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EntryKind, decodeServerRequest, encodeServerRequest } from '../../../src/etcdserver/entry-codec.js';

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
