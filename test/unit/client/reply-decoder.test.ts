import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKeysReply } from '../../../src/client/reply-decoder.js';
import { EtcdError, InvalidResponseError, WatchIndexClearedError } from '../../../src/client/errors.js';

const headers = { 'x-etcd-index': '7', 'x-raft-index': '12', 'x-raft-term': '2' };

test('a set reply becomes a typed response with the index headers', () => {
  const r = decodeKeysReply({
    status: 200,
    headers,
    body:
      '{"action":"set","node":{"key":"/a","value":"2","modifiedIndex":7,"createdIndex":7},' +
      '"prevNode":{"key":"/a","value":"1","expiration":"2026-01-01T00:00:00Z","ttl":5,"modifiedIndex":6,"createdIndex":6}}\n',
  });
  assert.ok(r);
  assert.equal(r.action, 'set');
  assert.deepEqual(r.node, { key: '/a', value: '2', dir: false, modifiedIndex: 7, createdIndex: 7 });
  assert.deepEqual(r.prevNode, {
    key: '/a',
    value: '1',
    dir: false,
    expiration: '2026-01-01T00:00:00Z',
    ttl: 5,
    modifiedIndex: 6,
    createdIndex: 6,
  });
  assert.equal(r.etcdIndex, 7);
  assert.equal(r.raftIndex, 12);
  assert.equal(r.raftTerm, 2);
});

test('the root directory has no key and no indexes', () => {
  const r = decodeKeysReply({ status: 200, headers, body: '{"action":"get","node":{"dir":true,"nodes":[{"key":"/d","dir":true,"modifiedIndex":3,"createdIndex":3}]}}' });
  assert.ok(r);
  assert.equal(r.node.key, '');
  assert.equal(r.node.dir, true);
  assert.equal(r.node.nodes?.[0]?.key, '/d');
  assert.equal(r.prevNode, undefined);
});

test('an empty 200 body means a long poll ended without an event', () => {
  assert.equal(decodeKeysReply({ status: 200, headers, body: '' }), null);
});

test('error replies become EtcdError with code, message, cause and index', () => {
  try {
    decodeKeysReply({ status: 404, headers, body: '{"errorCode":100,"message":"Key not found","cause":"/x","index":7}\n' });
    assert.fail('no error');
  } catch (err) {
    assert.ok(err instanceof EtcdError);
    assert.equal(err.errorCode, 100);
    assert.equal(err.message, 'Key not found');
    assert.equal(err.cause, '/x');
    assert.equal(err.index, 7);
    assert.equal(err.describe(), '100: Key not found (/x) [7]');
  }
});

test('401 (history cleared) is a WatchIndexClearedError', () => {
  assert.throws(
    () =>
      decodeKeysReply({
        status: 400,
        headers,
        body: '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [78/64]","index":1077}',
      }),
    (err: unknown) => err instanceof WatchIndexClearedError && err.errorCode === 401 && err.index === 1077,
  );
});

test('a body that is not etcd JSON is an InvalidResponseError', () => {
  assert.throws(() => decodeKeysReply({ status: 404, headers: {}, body: '404 page not found\n' }), InvalidResponseError);
});
