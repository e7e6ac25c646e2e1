import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverEndpoints, type SrvRecord } from '../../../src/etcdctl/srv-discovery.js';

function resolver(table: Record<string, SrvRecord[]>): (name: string) => Promise<SrvRecord[]> {
  return async (name) => {
    const found = table[name];
    if (!found) throw Object.assign(new Error(`queryNotFound ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
}

test('https records come first, then http ones; targets keep the DNS root dot', async () => {
  const urls = await discoverEndpoints(
    'example.com',
    '',
    resolver({
      '_etcd-client-ssl._tcp.example.com': [{ name: 'a.example.com', port: 2379 }],
      '_etcd-client._tcp.example.com': [{ name: 'b.example.com.', port: 4001 }],
    }),
  );
  assert.deepEqual(urls, ['https://a.example.com.:2379', 'http://b.example.com.:4001']);
});

test('a service name is appended to the record names', async () => {
  const urls = await discoverEndpoints('example.com', 'prod', resolver({ '_etcd-client-prod._tcp.example.com': [{ name: 'c', port: 1 }] }));
  assert.deepEqual(urls, ['http://c.:1']);
});

test('when neither lookup succeeds both failures are reported', async () => {
  await assert.rejects(discoverEndpoints('nowhere.test', '', resolver({})), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.match(err.message, /^dns lookup errors: lookup _etcd-client-ssl\._tcp\.nowhere\.test on .+:53: no such host and lookup _etcd-client\._tcp\.nowhere\.test on .+:53: no such host$/);
    return true;
  });
});
