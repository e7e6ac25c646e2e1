/**
 * Loads many keys into a fresh server, reads its resident memory right after and after a settle
 * time, then times SIGKILL + restart until the last key answers a quorum GET.
 */
import { probe, type EtcdImpl, type EtcdProcess } from '../../test/support/etcd-process.js';
import { loadKeys } from '../key-loader.js';
import { treeRssMiB } from '../process-memory.js';
import { implLabel, type BenchSuite, type SuiteContext } from '../bench-suite.js';
import type { Measurement } from '../measurement.js';

const loadPrefix = '/v2/keys/load/';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls a URL until it answers 200; returns false when the deadline passes first. */
async function until200(url: string, deadlineMs: number): Promise<boolean> {
  const deadline = performance.now() + deadlineMs;
  while (performance.now() < deadline) {
    if ((await probe(url, 1000)) === 200) return true;
    await delay(5);
  }
  return false;
}

export interface LoadRestartChoice {
  readonly memory: boolean;
  readonly restart: boolean;
}

export function loadRestartSuite(choice: LoadRestartChoice): BenchSuite {
  return {
    name: [choice.memory ? 'rss' : '', choice.restart ? 'restart' : ''].filter(Boolean).join('+'),
    method: 'RSS and restart: keys /v2/keys/load/0.. loaded by a node:http keep-alive agent with a fixed number in flight; '
      + 'VmRSS summed over the server process tree from /proc; restart = SIGKILL, spawn on the same data dir, '
      + 'until `GET /v2/keys/load/<last>?quorum=true` answers 200 (median of all restarts).',
    async run(ctx: SuiteContext): Promise<Measurement[]> {
      const { options } = ctx;
      const out: Measurement[] = [];
      const lastKeyURL = (server: EtcdProcess): string => `${server.clientURL}${loadPrefix}${options.keys - 1}?quorum=true`;
      const record = (impl: EtcdImpl, metric: string, unit: string, value: number | null, better: 'higher' | 'lower' = 'lower', note?: string): void => {
        if (value === null) return;
        out.push({ metric, unit, better, impl, value, ...(note ? { note } : {}) });
      };
      for (let round = 1; round <= options.rounds; round++) {
        for (const impl of ctx.impls()) {
          const name = implLabel(impl);
          const server = await ctx.startServer(impl);
          if (!server) continue;
          try {
            const empty = treeRssMiB(server.pid);
            const load = await loadKeys({
              baseURL: server.clientURL,
              prefix: loadPrefix,
              count: options.keys,
              valueBytes: options.valueBytes,
              concurrency: options.loadConcurrency,
              requestTimeoutMs: 30_000,
            });
            const note = load.failures > 0 ? `${load.failures} failed writes, first: ${load.firstFailure}` : undefined;
            ctx.log(`load round ${round} ${name}: ${options.keys} keys in ${load.seconds.toFixed(1)} s = ${Math.round(load.writesPerSec)} writes/s, `
              + `p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms${note ? ` (${note})` : ''}`);
            record(impl, `load ${options.keys} keys throughput`, 'writes/s', load.writesPerSec, 'higher', note);
            record(impl, `load ${options.keys} keys p99 latency`, 'ms', load.p99Ms);
            if (choice.memory) {
              const afterLoad = treeRssMiB(server.pid);
              await delay(options.settleSec * 1000);
              const settled = treeRssMiB(server.pid);
              ctx.log(`RSS round ${round} ${name}: empty ${empty?.toFixed(1)} MiB, after load ${afterLoad?.toFixed(1)} MiB, after ${options.settleSec} s ${settled?.toFixed(1)} MiB`);
              record(impl, 'RSS empty', 'MiB', empty);
              record(impl, 'RSS right after load', 'MiB', afterLoad);
              record(impl, 'RSS after load and settle', 'MiB', settled);
            }
            if (choice.restart) {
              for (let run = 1; run <= options.restartRuns; run++) {
                await server.kill9();
                const started = performance.now();
                await server.restart();
                const ready = await until200(lastKeyURL(server), 60_000);
                const ms = performance.now() - started;
                if (!ready) {
                  ctx.log(`restart round ${round}.${run} ${name}: last key never answered 200 within 60 s`);
                  continue;
                }
                const rss = treeRssMiB(server.pid);
                ctx.log(`restart round ${round}.${run} ${name}: ${ms.toFixed(0)} ms to first quorum GET of the last key, RSS ${rss?.toFixed(1)} MiB`);
                record(impl, 'restart to first quorum GET', 'ms', ms);
                record(impl, 'RSS right after restart', 'MiB', rss);
              }
            }
          } catch (err) {
            ctx.log(`load/restart round ${round} ${name}: failed: ${(err as Error).message}`);
          } finally {
            await ctx.stopServer(server);
          }
        }
      }
      return out;
    },
  };
}
