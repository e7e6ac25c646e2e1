/**
 * The client's `level` and `actions` watch options give the same events against Flotilla (which
 * narrows the watch on the server) and real etcd (which ignores the parameters, so the watcher
 * skips the other events itself); on Flotilla the narrowing saves the long polls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClient, type EtcdResponse, type WatchOptions } from '../../../src/client/index.js';
import { startEtcd, type EtcdImpl } from '../../support/etcd-process.js';

async function narrowedEvents(impl: EtcdImpl, options: WatchOptions, count: number): Promise<{ events: string[]; polls: number }> {
  const etcd = await startEtcd({ impl, name: `wf-${impl}` });
  let polls = 0;
  const client = new EtcdClient({
    endpoints: [etcd.clientURL],
    requestTimeoutMs: 2000,
    onRequest: (r) => {
      if (r.url.includes('wait=true')) polls++;
    },
  });
  try {
    const start = (await client.set('/nw/a/deep/x', '0')).node.modifiedIndex;
    // Every change is made before the watch starts; it reads them from the event history.
    await client.set('/nw/a/deep/x', '1');
    await client.set('/nw/b', 'new');
    await client.delete('/nw/a/deep/x');
    await client.set('/nw/b', 'newer');
    await client.delete('/nw/b');
    const events: string[] = [];
    const watcher = client.watch('/nw', { recursive: true, afterIndex: start, ...options });
    const deadline = setTimeout(() => watcher.stop(), 10_000);
    for await (const e of watcher as AsyncIterable<EtcdResponse>) {
      events.push(`${e.action} ${e.node.key}${e.node.value === undefined ? '' : `=${e.node.value}`}`);
      if (events.length === count) break;
    }
    clearTimeout(deadline);
    return { events, polls };
  } finally {
    client.close();
    await etcd.stop();
  }
}

test('a watch narrowed by level and actions sees the same events on Flotilla and on etcd', { timeout: 60_000 }, async () => {
  const cases: { options: WatchOptions; expected: string[] }[] = [
    { options: { level: 1 }, expected: ['set /nw/b=new', 'set /nw/b=newer', 'delete /nw/b'] },
    { options: { actions: ['delete'] }, expected: ['delete /nw/a/deep/x', 'delete /nw/b'] },
    { options: { level: 1, actions: ['delete', 'expire'] }, expected: ['delete /nw/b'] },
  ];
  for (const { options, expected } of cases) {
    const ours = await narrowedEvents('flotilla', options, expected.length);
    const theirs = await narrowedEvents('reference', options, expected.length);
    assert.deepEqual(ours.events, expected, `Flotilla, ${JSON.stringify(options)}`);
    assert.deepEqual(theirs.events, expected, `etcd, ${JSON.stringify(options)}`);
    // One long poll per event on Flotilla; against etcd the skipped events cost polls too.
    assert.equal(ours.polls, expected.length, `Flotilla polls, ${JSON.stringify(options)}`);
    assert.ok(theirs.polls > ours.polls, `etcd polls ${theirs.polls}, ${JSON.stringify(options)}`);
  }
});
