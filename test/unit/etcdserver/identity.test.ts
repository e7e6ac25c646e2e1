import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterIdFor, idToHex, memberIdFor } from '../../../src/etcdserver/member-id.js';
import { goDuration } from '../../../src/etcdserver/go-duration.js';
import { rfc3339Nano } from '../../../src/etcdserver/clock.js';

test('member and cluster IDs match what etcd 3.4 derives from the same command line', () => {
  // Observed on etcd 3.4.23: --name m0, peer URL http://127.0.0.1:41733, token etcd-cluster.
  const id = memberIdFor(['http://127.0.0.1:41733'], 'etcd-cluster');
  assert.equal(idToHex(id).length <= 16, true);
  const again = memberIdFor(['http://127.0.0.1:41733'], 'etcd-cluster');
  assert.equal(id, again);
  assert.notEqual(memberIdFor(['http://127.0.0.1:41733'], 'other-token'), id);
  // Peer URL order does not matter.
  assert.equal(memberIdFor(['http://b:2', 'http://a:1'], 't'), memberIdFor(['http://a:1', 'http://b:2'], 't'));
  assert.equal(clusterIdFor([3n, 1n]), clusterIdFor([1n, 3n]));
});

test('IDs known from a real etcd 3.4.23 cluster', () => {
  // etcd 3.4.23 with --initial-cluster m0=http://127.0.0.1:45122,m1=http://127.0.0.1:45124
  // --initial-cluster-token tok logged: added member 5556822e8bdc8958, 9a79f3861d14a8a1 to cluster 623603a6ea76327c.
  const m0 = memberIdFor(['http://127.0.0.1:45122'], 'tok');
  const m1 = memberIdFor(['http://127.0.0.1:45124'], 'tok');
  assert.equal(idToHex(m0), '5556822e8bdc8958');
  assert.equal(idToHex(m1), '9a79f3861d14a8a1');
  assert.equal(idToHex(clusterIdFor([m1, m0])), '623603a6ea76327c');
});

test('Go duration strings', () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(1.5), '1.5ms');
  assert.equal(goDuration(350), '350ms');
  assert.equal(goDuration(1500), '1.5s');
  assert.equal(goDuration(62_000), '1m2s');
  assert.equal(goDuration(3_723_400), '1h2m3.4s');
});

test('RFC3339Nano drops trailing zeros of the fraction', () => {
  assert.equal(rfc3339Nano(Date.UTC(2020, 0, 2, 3, 4, 5, 120)), '2020-01-02T03:04:05.12Z');
  assert.equal(rfc3339Nano(Date.UTC(2020, 0, 2, 3, 4, 5, 0)), '2020-01-02T03:04:05Z');
});
