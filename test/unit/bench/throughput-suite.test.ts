import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EtcdImpl, EtcdProcess } from '../../../test/support/etcd-process.js';
import { parseBenchOptions } from '../../../bench/bench-options.js';
import type { SuiteContext } from '../../../bench/bench-suite.js';
import { throughputSuite } from '../../../bench/suites/throughput-suite.js';
import type { WrkRun } from '../../../bench/wrk.js';
import type { WrkReport } from '../../../bench/wrk-report.js';
import type { CpuTimes } from '../../../bench/host-steal.js';

function fakeServer(impl: EtcdImpl, n: number, events: string[]): EtcdProcess {
  return {
    clientURL: `http://${impl}-${n}`,
    peerURL: '',
    pid: n,
    dataDir: '',
    stop: async () => { events.push(`stop ${impl}-${n}`); },
    kill9: async () => undefined,
    restart: async () => undefined,
  };
}

function fakeContext(argv: string[], events: string[], failing: EtcdImpl | null, readCpuTimes: () => CpuTimes | null = () => null): SuiteContext {
  const options = parseBenchOptions(argv);
  const unavailable = new Set<EtcdImpl>();
  let n = 0;
  return {
    options,
    impls: () => options.impls.filter((i) => !unavailable.has(i)),
    async startServer(impl) {
      if (impl === failing) {
        unavailable.add(impl);
        events.push(`no ${impl}`);
        return null;
      }
      const server = fakeServer(impl, ++n, events);
      events.push(`start ${impl}-${n}`);
      return server;
    },
    stopServer: (server) => server.stop(),
    startCluster: async () => null,
    stopCluster: async () => undefined,
    log: () => undefined,
    readCpuTimes,
  };
}

const report = (rps: number): WrkReport => ({ requestsPerSec: rps, p50Ms: 1, p99Ms: 9, requests: rps * 2, non2xx: 0, socketErrors: 0 });

test('servers take turns, each run gets a fresh server, warm-up is not measured', async () => {
  const events: string[] = [];
  const runs: WrkRun[] = [];
  const suite = throughputSuite('put', async (run) => {
    runs.push(run);
    events.push(`wrk ${run.baseURL} ${run.durationSec}s`);
    return report(run.baseURL.startsWith('http://flotilla') ? 3000 : 2000);
  });
  const out = await suite.run(fakeContext(['--connections', '64', '--rounds', '2', '--duration', '5', '--warmup', '1'], events, null));
  assert.deepEqual(events, [
    'start flotilla-1', 'wrk http://flotilla-1 1s', 'wrk http://flotilla-1 5s', 'stop flotilla-1',
    'start reference-2', 'wrk http://reference-2 1s', 'wrk http://reference-2 5s', 'stop reference-2',
    'start flotilla-3', 'wrk http://flotilla-3 1s', 'wrk http://flotilla-3 5s', 'stop flotilla-3',
    'start reference-4', 'wrk http://reference-4 1s', 'wrk http://reference-4 5s', 'stop reference-4',
  ]);
  assert.equal(runs[1]!.script, 'put');
  assert.equal(runs[1]!.connections, 64);
  assert.deepEqual(runs[1]!.scriptArgs, ['r1c64', '100']);
  const throughput = out.filter((m) => m.metric === 'PUT c=64 throughput');
  assert.deepEqual(throughput.map((m) => [m.impl, m.value]), [['flotilla', 3000], ['reference', 2000], ['flotilla', 3000], ['reference', 2000]]);
});

test('a server that does not start is left out; the other is still measured', async () => {
  const events: string[] = [];
  const reads: string[] = [];
  const suite = throughputSuite('get', async () => report(100), async (url) => { reads.push(url); });
  const out = await suite.run(fakeContext(['--connections', '1,16', '--rounds', '1', '--warmup', '0'], events, 'flotilla'));
  assert.deepEqual(events, ['no flotilla', 'start reference-1', 'stop reference-1', 'start reference-2', 'stop reference-2']);
  assert.deepEqual(reads, ['http://reference-1', 'http://reference-2']);
  assert.deepEqual([...new Set(out.map((m) => m.metric))], [
    'GET c=1 throughput', 'GET c=1 p50 latency', 'GET c=1 p99 latency',
    'GET c=16 throughput', 'GET c=16 p50 latency', 'GET c=16 p99 latency',
  ]);
});

test('a run the host disturbed is made again on a fresh server; the kept one carries its steal', async () => {
  const events: string[] = [];
  // Two readings per measured run: Flotilla's first run loses 20% of the CPU, every other run 1%.
  const steals = [0.2, 0.01, 0.01];
  let reads = 0;
  let total = 0;
  let stolen = 0;
  const read = (): CpuTimes => {
    const run = Math.floor(reads / 2);
    if (reads++ % 2 === 1) {
      total += 1000;
      stolen += 1000 * steals[run]!;
    }
    return { total, steal: stolen };
  };
  const suite = throughputSuite('put', async (run) => {
    events.push(`wrk ${run.baseURL} ${run.durationSec}s`);
    return report(run.baseURL.endsWith('-1') ? 1 : 3000);
  });
  const out = await suite.run(fakeContext(['--connections', '64', '--rounds', '1', '--warmup', '0', '--max-steal', '5'], events, null, read));
  assert.deepEqual(events, [
    'start flotilla-1', 'wrk http://flotilla-1 10s', 'stop flotilla-1',
    'start flotilla-2', 'wrk http://flotilla-2 10s', 'stop flotilla-2',
    'start reference-3', 'wrk http://reference-3 10s', 'stop reference-3',
  ]);
  const throughput = out.filter((m) => m.metric === 'PUT c=64 throughput');
  assert.deepEqual(throughput.map((m) => [m.impl, m.value, m.steal]), [['flotilla', 3000, 0.01], ['reference', 3000, 0.01]]);
  assert.equal(throughput.some((m) => m.note !== undefined), false);
});
