/**
 * The client's `pollTimeoutMs` on Flotilla: quiet long polls end and are made again from the same
 * index, and a change made between two polls is still delivered, once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClient } from '../../../src/client/index.js';
import { startEtcd } from '../../support/etcd-process.js';

test('a watch with pollTimeoutMs polls again when a poll ends quietly, and misses nothing', { timeout: 30_000 }, async () => {
  const etcd = await startEtcd({ impl: 'flotilla', name: 'poll-timeout' });
  const polls: string[] = [];
  const client = new EtcdClient({ endpoints: [etcd.clientURL], onRequest: (r) => void (r.url.includes('wait=true') && polls.push(r.url)) });
  let watcher: ReturnType<EtcdClient['watch']> | undefined;
  try {
    const start = (await client.set('/pt/k', 'start')).node.modifiedIndex;
    watcher = client.watch('/pt/k', { pollTimeoutMs: 100 });
    const first = watcher.next();
    // Several quiet polls come and go, each waiting from the index after the one current at the start.
    const deadline = Date.now() + 10_000;
    while (polls.length < 4) {
      assert.ok(Date.now() < deadline, `only ${polls.length} polls in 10 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const url of polls) assert.match(url, new RegExp(`[?&]waitIndex=(0|${start + 1})(&|$)`));
    assert.ok(polls.slice(1).every((u) => u.includes(`waitIndex=${start + 1}`)), polls.join('\n'));
    assert.ok(polls.every((u) => u.includes('waitTimeout=100ms')));
    const written = (await client.set('/pt/k', 'changed')).node.modifiedIndex;
    const event = await first;
    assert.equal(event.done, false);
    assert.equal(event.value?.node.modifiedIndex, written);
    assert.equal(event.value?.node.value, 'changed');
  } finally {
    watcher?.stop();
    client.close();
    await etcd.stop();
  }
});
