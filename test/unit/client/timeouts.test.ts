import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClient, ClusterUnavailableError, TotalTimeoutError, CallAbortedError } from '../../../src/client/index.js';
import { startFakeMember, replyEvent } from './fake-member.js';

const event = { action: 'get', node: { key: '/k', value: 'v', modifiedIndex: 5, createdIndex: 5 } };

test('a member that never answers costs one request timeout, then the call fails over', async () => {
  const silent = await startFakeMember(() => undefined);
  const healthy = await startFakeMember((_req, res) => replyEvent(res, 5, event));
  const client = new EtcdClient({ endpoints: [silent.url, healthy.url], requestTimeoutMs: 200 });
  try {
    const started = Date.now();
    const r = await client.get('/k');
    const elapsed = Date.now() - started;
    assert.equal(r.node.value, 'v');
    assert.ok(elapsed >= 190 && elapsed < 1500, `took ${elapsed} ms`);
    assert.equal(silent.requests.length, 1);
    // the healthy member is now pinned: the next call goes straight to it
    const again = Date.now();
    await client.get('/k');
    assert.ok(Date.now() - again < 150);
    assert.equal(silent.requests.length, 1);
  } finally {
    client.close();
    await silent.close();
    await healthy.close();
  }
});

test('when every member times out the error lists each one', async () => {
  const a = await startFakeMember(() => undefined);
  const b = await startFakeMember(() => undefined);
  const client = new EtcdClient({ endpoints: [a.url, b.url], requestTimeoutMs: 150 });
  try {
    const started = Date.now();
    await assert.rejects(client.get('/k'), (err: unknown) => {
      assert.ok(err instanceof ClusterUnavailableError);
      assert.equal(err.errors.length, 2);
      assert.equal(err.errors[0]!.message, `client: endpoint ${a.url} exceeded header timeout`);
      assert.equal(err.errors[1]!.message, `client: endpoint ${b.url} exceeded header timeout`);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 290 && elapsed < 1500, `took ${elapsed} ms`);
  } finally {
    client.close();
    await a.close();
    await b.close();
  }
});

test('the total timeout bounds a call across all members', async () => {
  const a = await startFakeMember(() => undefined);
  const b = await startFakeMember(() => undefined);
  const client = new EtcdClient({ endpoints: [a.url, b.url], requestTimeoutMs: 5000, totalTimeoutMs: 250 });
  try {
    const started = Date.now();
    await assert.rejects(client.set('/k', 'v'), TotalTimeoutError);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 240 && elapsed < 1500, `took ${elapsed} ms`);
    // a per-call bound overrides the client default
    const second = Date.now();
    await assert.rejects(client.get('/k', { timeoutMs: 100 }), TotalTimeoutError);
    assert.ok(Date.now() - second < 1000);
  } finally {
    client.close();
    await a.close();
    await b.close();
  }
});

test('an AbortSignal cancels a call', async () => {
  const a = await startFakeMember(() => undefined);
  const client = new EtcdClient({ endpoints: [a.url], requestTimeoutMs: 0 });
  try {
    const controller = new AbortController();
    const pending = client.get('/k', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, CallAbortedError);
  } finally {
    client.close();
    await a.close();
  }
});

test('watches are not cut by the request timeout', async () => {
  const slow = await startFakeMember((req, res) => {
    if (!req.url?.includes('wait=true')) return replyEvent(res, 5, event);
    res.writeHead(200, { 'content-type': 'application/json', 'x-etcd-index': '5' });
    res.flushHeaders();
    setTimeout(() => res.end(JSON.stringify({ action: 'set', node: { key: '/k', value: 'late', modifiedIndex: 6, createdIndex: 6 } }) + '\n'), 400);
  });
  const client = new EtcdClient({ endpoints: [slow.url], requestTimeoutMs: 100 });
  try {
    const r = await client.watchOnce('/k');
    assert.equal(r.node.value, 'late');
  } finally {
    client.close();
    await slow.close();
  }
});
