import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrkReport } from '../../../bench/wrk-report.js';

const finished = `Running 1s test @ http://127.0.0.1:42379/v2/keys/a
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   306.94us  583.54us   6.32ms   92.24%
    Req/Sec    23.17k     1.24k   24.59k    63.64%
  Latency Distribution
     50%  126.00us
     75%  219.00us
     90%  621.00us
     99%    3.34ms
  25365 requests in 1.10s, 10.67MB read
Requests/sec:  23036.37
Transfer/sec:      9.69MB
`;

test('reads throughput, percentiles in ms and the request count', () => {
  const report = parseWrkReport(finished);
  assert.equal(report.requestsPerSec, 23036.37);
  assert.equal(report.p50Ms, 0.126);
  assert.equal(report.p99Ms, 3.34);
  assert.equal(report.requests, 25365);
  assert.equal(report.non2xx, 0);
  assert.equal(report.socketErrors, 0);
});

test('adds up socket errors and counts non-2xx answers; seconds become ms', () => {
  const text = finished
    .replace('99%    3.34ms', '99%    1.20s')
    .replace('Requests/sec:', '  Socket errors: connect 0, read 3, write 1, timeout 2\n  Non-2xx or 3xx responses: 17\nRequests/sec:');
  const report = parseWrkReport(text);
  assert.equal(report.p99Ms, 1200);
  assert.equal(report.socketErrors, 6);
  assert.equal(report.non2xx, 17);
});

test('refuses output without --latency or without a summary', () => {
  assert.throws(() => parseWrkReport(finished.replace(/ {5}50%.*\n/, '')), /50% latency/);
  assert.throws(() => parseWrkReport('unable to connect to 127.0.0.1:1 Connection refused'), /Requests\/sec/);
});
