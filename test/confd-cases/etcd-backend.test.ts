/**
 * The etcd backend against a real etcd: leaves flattened, empty directories invisible, a missing
 * fetch key fails with etcd's error text, and a watch reports the first relevant change after an index.
 *
 *   node --import tsx --test test/confd-cases/etcd-backend.test.ts     (CONFD_TEST_IMPL=flotilla|reference)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClient } from '../../src/client/index.js';
import { EtcdBackend } from '../../src/confd/backends/etcd-backend.js';
import { startEtcd, type EtcdImpl } from '../support/etcd-process.js';

const IMPL = (process.env['CONFD_TEST_IMPL'] ?? 'reference') as EtcdImpl;

test('etcd backend: fetch, errors, watch', { timeout: 60_000 }, async () => {
  const etcd = await startEtcd({ impl: IMPL });
  const client = new EtcdClient({ endpoints: [etcd.clientURL] });
  const backend = new EtcdBackend({ nodes: [etcd.clientURL] });
  try {
    await client.set('/app/a', '1');
    await client.set('/app/sub/b', 'two\n');
    await client.mkdir('/app/emptydir');
    await client.set('/other', 'x');
    const r = await backend.getValues(['/app', '/other']);
    assert.deepEqual(Object.fromEntries(r.values), { '/app/a': '1', '/app/sub/b': 'two\n', '/other': 'x' });
    assert.ok(r.index > 0);

    await assert.rejects(backend.getValues(['/app', '/app/missing']), (e: Error) => {
      assert.match(e.message, /^100: Key not found \(\/app\/missing\) \[\d+\]$/);
      return true;
    });

    // A change to an unrelated key under the prefix is skipped; a relevant one ends the watch.
    const stop = new AbortController();
    const after = (await client.get('/app')).etcdIndex;
    await client.set('/app/unwatched', 'u');
    const changed = await client.set('/app/a', '2');
    const w = await backend.watchPrefix('/app', ['/app/a', '/app/sub'], after, stop.signal);
    assert.equal(w.index, changed.node.modifiedIndex);

    // Aborting ends a pending watch.
    const pending = backend.watchPrefix('/app', ['/app/a'], changed.node.modifiedIndex, stop.signal);
    stop.abort();
    assert.equal((await pending).index, changed.node.modifiedIndex);
  } finally {
    backend.close();
    client.close();
    await etcd.stop();
  }
});
