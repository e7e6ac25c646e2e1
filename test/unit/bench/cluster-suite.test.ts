import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { listenOnLoopback } from '../../support/loopback.js';
import { clusterGoals, fanOutPlan, firstSuccessfulWrite, metrics, watchFanOut } from '../../../bench/suites/cluster-suite.js';
import { compare, ratioGoals, type Measurement } from '../../../bench/measurement.js';

/** A loopback HTTP server for one test; `close()` also ends the connections it still holds. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await listenOnLoopback(http.createServer(handler));
  return { url: server.base, close: server.close };
}

/** A stand-in for a member's watch API: headers at registration, the event on the next PUT. */
async function watchServer(deliverTo: (n: number) => boolean): Promise<{ url: string; close: () => Promise<void>; registered: () => number }> {
  const waiting: http.ServerResponse[] = [];
  const srv = await serve((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      waiting.push(res);
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(201).end('{"action":"set"}');
      waiting.forEach((w, n) => {
        if (deliverTo(n)) w.end('{"action":"set","node":{"key":"/fan","value":"x"}}\n');
      });
    });
  });
  return { ...srv, registered: () => waiting.length };
}

function putStatus(url: string): () => Promise<number> {
  return () => fetch(`${url}/v2/keys/fan`, { method: 'PUT', body: 'value=x', signal: AbortSignal.timeout(5000) })
    .then(async (r) => {
      await r.text();
      return r.status;
    });
}

test('the first write that succeeds ends the wait and the failures before it are counted', async () => {
  let seen = 0;
  const srv = await serve((req, res) => {
    req.resume();
    seen++;
    res.writeHead(seen <= 3 ? 500 : 201).end();
  });
  try {
    const startedAt = performance.now();
    const first = await firstSuccessfulWrite(srv.url, '/v2/keys/failover/', { startedAt, everyMs: 10, boundMs: 5000 });
    assert.ok(first);
    assert.ok(first.attempts >= 4, `attempts ${first.attempts}`);
    assert.match(first.failures, /HTTP 500 x3/);
    assert.ok(first.ms >= 0 && first.ms < 5000);
  } finally {
    await srv.close();
  }
});

test('a write that never succeeds gives null once the bound passes; hanging attempts time out', async () => {
  const srv = await serve((req) => {
    req.resume(); // never answers
  });
  try {
    const started = performance.now();
    const first = await firstSuccessfulWrite(srv.url, '/v2/keys/failover/', { startedAt: started, everyMs: 20, attemptTimeoutMs: 50, boundMs: 300 });
    assert.equal(first, null);
    assert.ok(performance.now() - started < 2000);
  } finally {
    await srv.close();
  }
});

test('fan-out is timed until every watcher has the event, over several members', async () => {
  const a = await watchServer(() => true);
  const b = await watchServer(() => true);
  try {
    const watchURLs = Array.from({ length: 60 }, (_, i) => `${i % 2 === 0 ? a.url : b.url}/v2/keys/fan?wait=true`);
    let writeSentWith = -1;
    const result = await watchFanOut({
      watchURLs,
      batch: 25,
      write: async () => {
        writeSentWith = a.registered() + b.registered();
        const status = await putStatus(a.url)();
        await putStatus(b.url)();
        return status;
      },
    });
    assert.equal(writeSentWith, 60, 'the write goes out only after every watcher is registered');
    assert.equal(result.received, 60);
    assert.equal(result.problem, undefined);
    assert.ok(result.fanOutMs !== null && result.fanOutMs >= 0);
    assert.deepEqual([...result.lastByHost.keys()].sort(), [new URL(a.url).host, new URL(b.url).host].sort());
    assert.equal(Math.max(...result.lastByHost.values()), result.fanOutMs);
  } finally {
    await a.close();
    await b.close();
  }
});

test('fan-out reports the watchers that never got the event instead of a time', async () => {
  const srv = await watchServer((n) => n % 2 === 0);
  try {
    const result = await watchFanOut({
      watchURLs: Array.from({ length: 20 }, () => `${srv.url}/v2/keys/fan?wait=true`),
      write: putStatus(srv.url),
      boundMs: 300,
    });
    assert.equal(result.fanOutMs, null);
    assert.equal(result.received, 10);
    assert.match(result.problem ?? '', /only 10 of 20/);
  } finally {
    await srv.close();
  }
});

test('a watch that is refused fails the registration', async () => {
  const srv = await serve((req, res) => {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errorCode":100}');
  });
  try {
    await assert.rejects(
      watchFanOut({ watchURLs: [`${srv.url}/v2/keys/fan?wait=true`], write: async () => 200, boundMs: 2000 }),
      /watch answered 404/,
    );
  } finally {
    await srv.close();
  }
});

test('the cluster goals are judged on the ratio of medians like the single-node ones', () => {
  const m = (metric: string, impl: 'flotilla' | 'reference', value: number): Measurement => ({ metric, unit: 'ms', better: 'lower', impl, value });
  const rows = compare([
    m(`${metrics.put(64)} throughput`, 'flotilla', 1400),
    m(`${metrics.put(64)} throughput`, 'reference', 1000),
    m(metrics.failover, 'flotilla', 900),
    m(metrics.failover, 'reference', 1200),
    m(metrics.fanOut, 'flotilla', 30),
    m(metrics.fanOut, 'reference', 20),
  ], [...ratioGoals, ...clusterGoals]);
  assert.deepEqual(rows.map((r) => [r.metric, r.goalMet]), [
    [`${metrics.put(64)} throughput`, false],
    [metrics.failover, true],
    [metrics.fanOut, false],
  ]);
  assert.equal(clusterGoals.length, 4);
  assert.ok(clusterGoals.some((g) => g.metric === `${metrics.qget(64)} throughput` && g.atLeast === 1.0));
});

test('each fresh cluster: the cold fan-out, the unmeasured ones, then the measured ones', () => {
  assert.deepEqual(fanOutPlan(2, 3).map((s) => `${s.kind} ${s.n}`), ['cold 0', 'warmup 1', 'warmup 2', 'measured 1', 'measured 2', 'measured 3']);
  assert.deepEqual(fanOutPlan(0, 1).map((s) => s.kind), ['cold', 'measured']);
  // The cold fan-out is its own metric, without a goal; the goal stays on the measured ones.
  assert.notEqual(metrics.fanOutCold, metrics.fanOut);
  assert.ok(!clusterGoals.some((g) => g.metric === metrics.fanOutCold));
});
