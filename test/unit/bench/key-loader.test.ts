import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadKeys } from '../../../bench/key-loader.js';
import { processTree, treeRssMiB } from '../../../bench/process-memory.js';

test('loads every key once with the value size asked for, at most `concurrency` in flight', async () => {
  const seen = new Map<string, string>();
  let inFlight = 0;
  let most = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      setImmediate(() => {
        inFlight--;
        const failing = req.url === '/v2/keys/load/7';
        if (!failing) seen.set(req.url ?? '', new URLSearchParams(body).get('value') ?? '');
        res.writeHead(failing ? 500 : 201, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const result = await loadKeys({ baseURL: `http://127.0.0.1:${port}`, prefix: '/v2/keys/load/', count: 200, valueBytes: 100, concurrency: 8, requestTimeoutMs: 5000 });
    assert.equal(seen.size, 199);
    assert.equal(seen.get('/v2/keys/load/199'), 'v'.repeat(100));
    assert.equal(result.failures, 1);
    assert.match(result.firstFailure ?? '', /load\/7: HTTP 500/);
    assert.ok(most <= 8 && most >= 2, `in flight at most ${most}`);
    assert.ok(result.writesPerSec > 0 && result.p99Ms >= result.p50Ms);
  } finally {
    server.close();
  }
});

test('RSS of this process tree is read from /proc', () => {
  assert.deepEqual(processTree(process.pid).slice(0, 1), [process.pid]);
  const rss = treeRssMiB(process.pid);
  assert.ok(rss !== null && rss > 10 && rss < 4096, `rss ${rss}`);
  assert.equal(treeRssMiB(2 ** 22 + 12345), null);
});
