/**
 * PUT of distinct keys and GET of one existing key with wrk at each connection count; every wrk run
 * gets a freshly started server, and the servers take turns.
 */
import { runWrk, type LoadRunner, type WrkRun } from '../wrk.js';
import { implLabel, type BenchSuite, type SuiteContext } from '../bench-suite.js';
import type { Measurement } from '../measurement.js';
import { wrkProblems } from '../wrk-report.js';
import { formatSteal, runQuietly, stealNote, stealPolicy } from '../host-steal.js';

export type ThroughputOp = 'put' | 'get';

const readKeyPath = '/v2/keys/bench/read-me';

async function writeReadKey(baseURL: string, valueBytes: number): Promise<void> {
  const res = await fetch(`${baseURL}${readKeyPath}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `value=${'r'.repeat(valueBytes)}`,
    signal: AbortSignal.timeout(10_000),
  });
  await res.text();
  if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${readKeyPath} answered ${res.status}`);
}


export function throughputSuite(op: ThroughputOp, runLoad: LoadRunner = runWrk, prepareRead = writeReadKey): BenchSuite {
  const label = op.toUpperCase();
  return {
    name: op,
    method: op === 'put'
      ? 'PUT: wrk -t min(c,2) -c c --latency with bench/lua/put.lua, each request a new key /v2/keys/bench/<run>-t<thread>-<n> with a form value of the value size; a fresh server for each run, warmed up with the same load first.'
      : 'GET: wrk with bench/lua/get.lua reading one existing key (value of the value size) without quorum; a fresh server for each run, warmed up with the same load first.',
    async run(ctx: SuiteContext): Promise<Measurement[]> {
      const { options } = ctx;
      const out: Measurement[] = [];
      for (const connections of options.connections) {
        for (let round = 1; round <= options.rounds; round++) {
          for (const impl of ctx.impls()) {
            const metric = `${label} c=${connections}`;
            const what = `${metric} round ${round} ${implLabel(impl)}`;
            // A fresh server for every attempt: a repeated PUT run must not start with the keys of the one before.
            const run = await runQuietly(async (measured) => {
              const server = await ctx.startServer(impl);
              if (!server) return null;
              try {
                if (op === 'get') await prepareRead(server.clientURL, options.valueBytes);
                if (options.warmupSec > 0) {
                  await runLoad({
                    baseURL: server.clientURL,
                    script: op,
                    connections,
                    durationSec: options.warmupSec,
                    scriptArgs: op === 'put' ? [`warm${round}c${connections}`, String(options.valueBytes)] : [readKeyPath],
                  });
                }
                return await measured(() => runLoad({
                  baseURL: server.clientURL,
                  script: op,
                  connections,
                  durationSec: options.durationSec,
                  scriptArgs: op === 'put' ? [`r${round}c${connections}`, String(options.valueBytes)] : [readKeyPath],
                }));
              } catch (err) {
                ctx.log(`${what}: failed: ${(err as Error).message}`);
                return null;
              } finally {
                await ctx.stopServer(server);
              }
            }, stealPolicy(ctx, what));
            const report = run.result;
            if (report === null) continue;
            const notes = [wrkProblems(report), stealNote(run, options.maxStealPercent)].filter((n): n is string => n !== undefined);
            const note = notes.length > 0 ? notes.join('; ') : undefined;
            const steal = run.steal ?? undefined;
            out.push(
              { metric: `${metric} throughput`, unit: 'req/s', better: 'higher', impl, value: report.requestsPerSec, ...(note ? { note } : {}), ...(steal !== undefined ? { steal } : {}) },
              { metric: `${metric} p50 latency`, unit: 'ms', better: 'lower', impl, value: report.p50Ms },
              { metric: `${metric} p99 latency`, unit: 'ms', better: 'lower', impl, value: report.p99Ms },
            );
            ctx.log(`${what}: ${Math.round(report.requestsPerSec)} req/s, p50 ${report.p50Ms.toFixed(2)} ms, p99 ${report.p99Ms.toFixed(2)} ms, host steal ${formatSteal(run.steal)}${note ? ` (${note})` : ''}`);
          }
        }
      }
      return out;
    },
  };
}
