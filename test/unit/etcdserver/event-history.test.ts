/** --event-history: a member keeps more than etcd's 1000 events for watches that start in the past. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EtcdError } from '../../../src/store/errors.js';
import { InProcessCluster, put } from './in-process-cluster.js';

function watchFrom(store: { watch: (key: string, opts: { sinceIndex: number }) => { remove: () => void } }, index: number): number | null {
  try {
    store.watch('/h/k', { sinceIndex: index }).remove();
    return null;
  } catch (err) {
    assert.ok(err instanceof EtcdError);
    return err.errorCode;
  }
}

test('--event-history 3000 answers a watch 2500 events back, where 1000 gives 401', { timeout: 60_000 }, async () => {
  for (const [eventHistory, expected] of [[3000, null], [undefined, 401]] as const) {
    const c = await InProcessCluster.start({ size: 1, eventHistory });
    try {
      const leader = await c.leader();
      const server = leader.server!;
      const first = await put(server, '/h/k', 'v0');
      for (let i = 1; i < 2500; i++) await put(server, '/h/k', `v${i}`);
      assert.equal(server.store.historyCapacity, eventHistory ?? 1000);
      assert.equal(watchFrom(server.store, first.index), expected);
    } finally {
      await c.stop();
    }
  }
});
