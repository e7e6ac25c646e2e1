/**
 * `npm run bench`: the same load against Flotilla and real etcd 3.4 (`--enable-v2`) in one run,
 * printed side by side with ratios and as a markdown section for docs/benchmarks.md.
 * Benchmarks never fail on a number; the exit code only says whether the run itself worked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../test/support/cluster.js';
import { repoRoot, startEtcd, type EtcdImpl, type EtcdProcess } from '../test/support/etcd-process.js';
import { parseBenchOptions, usage, type BenchOptions } from './bench-options.js';
import { implLabel, type BenchSuite, type SuiteContext } from './bench-suite.js';
import { markdownSection, textTable, type RunDescription } from './comparison-report.js';
import { compare, ratioGoals, type Measurement } from './measurement.js';
import { clusterSuite } from './suites/cluster-suite.js';
import { loadRestartSuite } from './suites/load-restart-suite.js';
import { killRunningWrk } from './wrk.js';
import { throughputSuite } from './suites/throughput-suite.js';

function log(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function suitesFor(options: BenchOptions): BenchSuite[] {
  const suites: BenchSuite[] = [];
  if (options.only.includes('put')) suites.push(throughputSuite('put'));
  if (options.only.includes('get')) suites.push(throughputSuite('get'));
  const memory = options.only.includes('rss');
  const restart = options.only.includes('restart');
  if (memory || restart) suites.push(loadRestartSuite({ memory, restart }));
  if (options.only.includes('cluster')) suites.push(clusterSuite());
  return suites;
}

/** The first line a command prints (wrk prints its version and exits non-zero, so the exit code is ignored). */
function firstLine(cmd: string, args: string[]): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, cwd: repoRoot });
  const line = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n')[0]!.trim();
  return result.error || line === '' ? 'unknown' : line;
}

function describeRun(argv: readonly string[], options: BenchOptions, suites: readonly BenchSuite[]): RunDescription {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const singleNode = options.only.some((name) => name !== 'cluster');
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8', timeout: 10_000, cwd: repoRoot });
  const dirty = (status.stdout ?? '').trim() !== '' ? ' (with uncommitted changes in src/)' : '';
  return {
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average at start ${load}`,
    versions: `Flotilla ${commit}${dirty}, ${firstLine('/usr/bin/etcd', ['--version'])}, Node ${process.version}, ${firstLine('wrk', ['--version']).replace(/ Copyright.*$/, '')}`,
    method: [
      `Each figure is the median over ${options.rounds} run(s) per server; the servers take turns (Flotilla, etcd, Flotilla, etcd) so drift hits both. Both are started with the same etcd 3.4 command line (${singleNode ? 'one member' : 'static bootstrap of 3 members'}, \`--enable-v2\`), on loopback, with a fresh temp data dir.`,
      `wrk runs last ${options.durationSec} s after ${options.warmupSec} s of unmeasured warm-up; connections ${options.connections.join(', ')}; values of ${options.valueBytes} bytes${singleNode ? `; load of ${options.keys} keys with ${options.loadConcurrency} in flight, RSS read again after ${options.settleSec} s; ${options.restartRuns} restart(s) per server and round` : ''}.`,
      ...(options.only.includes('cluster') && options.clusterParts.includes('fanout')
        ? [`Watch fan-outs: on each fresh cluster the first (cold) fan-out, then ${options.fanoutWarmup} unmeasured fan-out(s), then ${options.clusterRuns} measured; the cold and the warm fan-outs are reported apart.`]
        : []),
      `A measured run (a wrk run, or a round of fan-outs) during which the host stole more than ${options.maxStealPercent}% of the machine's CPU (the steal column of /proc/stat) is made again from a fresh start, at most ${options.stealRetries} time(s), keeping the least disturbed attempt; each kept run is listed with its steal, and one kept above the limit is listed under Warnings. Single-node RSS, restart and the failovers are not repeated.`,
      ...suites.map((s) => s.method),
    ],
  };
}

function build(): void {
  log('npm run build (so Flotilla runs from compiled output)');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n');
    log(`build reported errors (continuing with whatever was emitted): ${text.slice(0, 5).join(' | ')}${text.length > 5 ? ' ...' : ''}`);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const options = parseBenchOptions(argv);
  if (options.build && options.impls.includes('flotilla')) build();
  const suites = suitesFor(options);
  const description = describeRun(argv, options, suites);
  const logDir = mkdtempSync(join(os.tmpdir(), 'flotilla-bench-'));
  const running = new Set<EtcdProcess>();
  const starting = new Set<Promise<EtcdProcess | null>>();
  const unavailable = new Set<EtcdImpl>();
  const clusters = new Set<Cluster>();
  const startingClusters = new Set<Promise<Cluster | null>>();
  const clusterless = new Set<EtcdImpl>();
  let started = 0;
  let interrupted = false;

  const stopAll = async (): Promise<void> => {
    killRunningWrk();
    // A server still starting is stopped as soon as its start resolves (bounded by the start timeout).
    await Promise.all([...starting, ...startingClusters]);
    await Promise.all([...running].map((s) => s.stop().catch(() => undefined)));
    await Promise.all([...clusters].map((c) => c.stop().catch(() => undefined)));
    running.clear();
    clusters.clear();
  };
  // Kept registered (not `once`) so the exit hook of test/support/cluster.ts, which kills cluster
  // members on a signal, sees a listener and leaves the exit to stopAll().
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(130); // a second signal does not wait for the servers to stop
    interrupted = true;
    log(`${signal}: stopping servers`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('uncaughtException', (err) => {
    interrupted = true;
    log(`bench failed: ${err.stack ?? err.message}`);
    void stopAll().finally(() => process.exit(1));
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const ctx: SuiteContext = {
    options,
    impls: () => options.impls.filter((impl) => !unavailable.has(impl)),
    startServer(impl) {
      if (interrupted) return Promise.resolve(null);
      const logFile = join(logDir, `${impl}-${++started}.log`);
      const start = startEtcd({ impl, logFile, startTimeoutMs: 60_000 }).then(
        (server) => {
          running.add(server);
          return server;
        },
        (err: unknown) => {
          unavailable.add(impl);
          log(`${implLabel(impl)} did not start, leaving it out from now on: ${(err as Error).message} (log: ${logFile})`);
          return null;
        },
      );
      starting.add(start);
      return start.finally(() => starting.delete(start));
    },
    async stopServer(server) {
      running.delete(server);
      await server.stop();
    },
    startCluster(impl, clusterOptions) {
      if (interrupted || clusterless.has(impl)) return Promise.resolve(null);
      const start = Cluster.start({ ...clusterOptions, impl }).then(
        async (cluster) => {
          if (interrupted) {
            await cluster.stop();
            return null;
          }
          clusters.add(cluster);
          return cluster;
        },
        (err: unknown) => {
          clusterless.add(impl);
          log(`a ${implLabel(impl)} cluster did not start, no more ${implLabel(impl)} clusters from now on: ${(err as Error).message}`);
          return null;
        },
      );
      startingClusters.add(start);
      return start.finally(() => startingClusters.delete(start));
    },
    async stopCluster(cluster) {
      clusters.delete(cluster);
      await cluster.stop();
    },
    log,
  };

  const measurements: Measurement[] = [];
  try {
    for (const suite of suites) {
      log(`suite ${suite.name}`);
      measurements.push(...(await suite.run(ctx)));
    }
  } finally {
    await stopAll();
  }

  const rows = compare(measurements, [...ratioGoals, ...suites.flatMap((s) => s.goals ?? [])]);
  process.stdout.write(`\n${textTable(rows)}\n\n`);
  const markdown = markdownSection(rows, description);
  process.stdout.write(`${markdown}\n`);
  if (options.markdownFile) {
    writeFileSync(options.markdownFile, markdown);
    log(`markdown section written to ${options.markdownFile}`);
  }
  if (unavailable.size > 0) log(`server logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
  return measurements.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
