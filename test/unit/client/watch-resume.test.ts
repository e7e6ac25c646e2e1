import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClient, WatchIndexClearedError, type EtcdResponse } from '../../../src/client/index.js';
import { startEtcd } from '../../support/etcd-process.js';
import { clientTestImpl } from './test-impl.js';
import { startFakeMember } from './fake-member.js';

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

test('a watch resumes across a server restart with no event lost or repeated', async () => {
  const etcd = await startEtcd({ impl: clientTestImpl(), name: 'w0' });
  const client = new EtcdClient({ endpoints: [etcd.clientURL], requestTimeoutMs: 1000 });
  try {
    const start = (await client.set('/resume/start', 's')).node.modifiedIndex;
    const watcher = client.watch('/resume', { recursive: true, afterIndex: start, maxRetryDelayMs: 100 });
    const seen: EtcdResponse[] = [];
    let firstHalfSeen: () => void = () => undefined;
    const firstHalf = new Promise<void>((r) => (firstHalfSeen = r));
    const consumer = (async () => {
      for await (const event of watcher) {
        seen.push(event);
        if (seen.length === 20) firstHalfSeen();
        if (seen.length === 40) break;
      }
    })();
    for (let i = 0; i < 20; i++) await client.set(`/resume/k${i}`, String(i));
    await withDeadline(firstHalf, 10_000, 'first 20 events');
    // the watcher now waits in a long poll on the server that goes away
    await etcd.kill9();
    await etcd.restart();
    for (let i = 20; i < 40; i++) await client.set(`/resume/k${i}`, String(i));
    await withDeadline(consumer, 20_000, 'all 40 events');
    assert.deepEqual(
      seen.map((e) => e.node.value),
      Array.from({ length: 40 }, (_, i) => String(i)),
    );
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i]!.node.modifiedIndex > seen[i - 1]!.node.modifiedIndex, 'indexes strictly increase');
    }
    assert.equal(watcher.waitIndex, seen[39]!.node.modifiedIndex + 1);
  } finally {
    client.close();
    await etcd.stop();
  }
});

test('a watch without a start index resumes from the index current when it registered', async () => {
  const etcd = await startEtcd({ impl: clientTestImpl(), name: 'w1' });
  const client = new EtcdClient({ endpoints: [etcd.clientURL], requestTimeoutMs: 1000 });
  try {
    await client.set('/fresh/old', 'o');
    const watcher = client.watch('/fresh', { recursive: true, maxRetryDelayMs: 100 });
    const first = watcher.next();
    // wait until the server holds the watch, then lose the connection before any event
    const deadline = Date.now() + 5000;
    while (Number((await client.storeStats()).watchers) < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const registeredAt = watcher.waitIndex;
    assert.ok(registeredAt !== undefined, 'the wait index is known once the server accepted the watch');
    await etcd.kill9();
    await etcd.restart();
    await client.set('/fresh/new', 'n');
    const r = await withDeadline(first, 10_000, 'event after restart');
    assert.equal(r.done, false);
    assert.equal(r.value?.node.key, '/fresh/new');
    watcher.stop();
  } finally {
    client.close();
    await etcd.stop();
  }
});

test('a start index older than the server history surfaces as WatchIndexClearedError', async () => {
  const member = await startFakeMember((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json', 'x-etcd-index': '1077' });
    res.end(
      '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [78/64]","index":1077}\n',
    );
  });
  const client = new EtcdClient({ endpoints: [member.url] });
  try {
    const watcher = client.watch('/w', { afterIndex: 63 });
    await assert.rejects(watcher.next(), (err: unknown) => {
      assert.ok(err instanceof WatchIndexClearedError);
      assert.equal(err.index, 1077);
      assert.equal(err.cause, 'the requested history has been cleared [78/64]');
      return true;
    });
    assert.deepEqual(member.requests, ['GET /v2/keys/w?recursive=false&wait=true&waitIndex=64']);
    // the watch is over after the error
    assert.deepEqual(await watcher.next(), { value: undefined, done: true });
  } finally {
    client.close();
    await member.close();
  }
});

test('stopping a watch ends a pending next() and a for-await loop', async () => {
  const member = await startFakeMember((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-etcd-index': '3' });
    res.flushHeaders();
  });
  const client = new EtcdClient({ endpoints: [member.url] });
  try {
    const controller = new AbortController();
    const watcher = client.watch('/w', { signal: controller.signal });
    const pending = watcher.next();
    setTimeout(() => controller.abort(), 50);
    assert.deepEqual(await withDeadline(pending, 2000, 'stop'), { value: undefined, done: true });
  } finally {
    client.close();
    await member.close();
  }
});
