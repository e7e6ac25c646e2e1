/**
 * Command-line options of `npm run bench`, parsed without side effects.
 */
import type { EtcdImpl } from '../test/support/etcd-process.js';

export const suiteNames = ['put', 'get', 'rss', 'restart', 'cluster'] as const;
export type SuiteName = (typeof suiteNames)[number];

/** The three parts of the cluster suite: PUT and quorum GET loads, failovers, watch fan-outs. */
export const clusterPartNames = ['load', 'failover', 'fanout'] as const;
export type ClusterPart = (typeof clusterPartNames)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly only: readonly SuiteName[];
  /** Seconds per wrk run. */
  readonly durationSec: number;
  /** Seconds of the same load before each measured wrk run, not counted (warms up both servers). */
  readonly warmupSec: number;
  readonly connections: readonly number[];
  /** How many times each measurement runs per server; runs alternate ours, theirs, ours, theirs. */
  readonly rounds: number;
  /** Keys loaded before RSS is read and restarts are timed. */
  readonly keys: number;
  readonly valueBytes: number;
  /** Requests in flight while loading keys. */
  readonly loadConcurrency: number;
  /** Seconds to wait after the load before reading RSS again. */
  readonly settleSec: number;
  /** SIGKILL + restart cycles per server and round. */
  readonly restartRuns: number;
  /** Failover and watch fan-out repetitions per server and round (cluster suite). */
  readonly clusterRuns: number;
  /**
   * Unmeasured watch fan-outs on each fresh cluster between its first fan-out (reported on its own
   * as the cold one) and the measured ones, as the wrk runs are preceded by unmeasured load.
   */
  readonly fanoutWarmup: number;
  /** Which parts of the cluster suite run. */
  readonly clusterParts: readonly ClusterPart[];
  /** Servers to measure, in the order they take turns. */
  readonly impls: readonly EtcdImpl[];
  /** Where to write the markdown section (it is always printed too). */
  readonly markdownFile: string | null;
  /** Run `npm run build` first so Flotilla runs from compiled output. */
  readonly build: boolean;
  /** A measured run during which the host stole more than this percentage of the CPU is made again. */
  readonly maxStealPercent: number;
  /** How many times such a run is made again at most (then the least disturbed attempt is kept, marked). */
  readonly stealRetries: number;
}

export const usage = `usage: npm run bench -- [options]
  --quick                 short smoke run (2 s runs, 1 and 64 connections, 10k keys, 1 round)
  --only put,get,rss,restart,cluster
  --duration S            seconds per wrk run (default 10)
  --warmup S              seconds of unmeasured load before each wrk run (default 2; 0 to skip)
  --connections 1,16,64,256
  --rounds N              runs per server and measurement, alternating servers (default 2)
  --keys N                keys loaded for rss/restart (default 100000)
  --value-bytes N         value size for PUTs and the load (default 100)
  --settle S              seconds between the end of the load and the second RSS reading (default 15)
  --restart-runs N        SIGKILL + restart cycles per server and round (default 3)
  --cluster-runs N        failovers and watch fan-outs per server and round, 3-member cluster (default 3)
  --fanout-warmup N       unmeasured watch fan-outs on each fresh cluster after the first (cold) one
                          and before the measured ones (default 20; 0 to skip)
  --cluster-parts load,failover,fanout
                          parts of the cluster suite to run (default all)
  --impls flotilla,reference
  --markdown FILE         also write the markdown section to FILE
  --max-steal P           make a measured run again, on a fresh server, when the host stole more
                          than P% of the CPU during it (default 5; 100 never repeats)
  --steal-retries N       at most N repeats per run (default 2); then the least disturbed
                          attempt is kept and marked
  --no-build              do not run \`npm run build\` first`;

const full: BenchOptions = {
  quick: false,
  only: suiteNames,
  durationSec: 10,
  warmupSec: 2,
  connections: [1, 16, 64, 256],
  rounds: 2,
  keys: 100_000,
  valueBytes: 100,
  loadConcurrency: 64,
  settleSec: 15,
  restartRuns: 3,
  clusterRuns: 3,
  fanoutWarmup: 20,
  clusterParts: clusterPartNames,
  impls: ['flotilla', 'reference'],
  markdownFile: null,
  build: true,
  maxStealPercent: 5,
  stealRetries: 2,
};

const quick: Partial<BenchOptions> = {
  quick: true,
  durationSec: 2,
  warmupSec: 1,
  connections: [1, 64],
  rounds: 1,
  keys: 10_000,
  settleSec: 2,
  restartRuns: 1,
  clusterRuns: 1,
  fanoutWarmup: 2,
};

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got "${text ?? ''}"`);
  return n;
}

function nonNegativeInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number of seconds, got "${text ?? ''}"`);
  return n;
}

function nonNegativeCount(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got "${text ?? ''}"`);
  return n;
}

function positiveNumber(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got "${text ?? ''}"`);
  return n;
}

function list(flag: string, text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') throw new Error(`${flag} needs a comma-separated list`);
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Parses argv (without node and the script); explicit flags win over --quick wherever they appear. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const explicit: { -readonly [K in keyof BenchOptions]?: BenchOptions[K] } = {};
  let useQuick = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--quick': useQuick = true; break;
      case '--no-build': explicit.build = false; break;
      case '--only': {
        const names = list(flag, value());
        for (const n of names) {
          if (!(suiteNames as readonly string[]).includes(n)) throw new Error(`--only: unknown suite "${n}" (known: ${suiteNames.join(', ')})`);
        }
        explicit.only = names as SuiteName[];
        break;
      }
      case '--duration': explicit.durationSec = positiveInt(flag, value()); break;
      case '--warmup': explicit.warmupSec = nonNegativeInt(flag, value()); break;
      case '--connections': explicit.connections = list(flag, value()).map((c) => positiveInt(flag, c)); break;
      case '--rounds': explicit.rounds = positiveInt(flag, value()); break;
      case '--keys': explicit.keys = positiveInt(flag, value()); break;
      case '--value-bytes': explicit.valueBytes = positiveInt(flag, value()); break;
      case '--concurrency': explicit.loadConcurrency = positiveInt(flag, value()); break;
      case '--settle': explicit.settleSec = positiveNumber(flag, value()); break;
      case '--restart-runs': explicit.restartRuns = positiveInt(flag, value()); break;
      case '--cluster-runs': explicit.clusterRuns = positiveInt(flag, value()); break;
      case '--fanout-warmup': explicit.fanoutWarmup = nonNegativeCount(flag, value()); break;
      case '--max-steal': {
        const p = positiveNumber(flag, value());
        if (p > 100) throw new Error(`--max-steal is a percentage, got "${p}"`);
        explicit.maxStealPercent = p;
        break;
      }
      case '--steal-retries': explicit.stealRetries = nonNegativeCount(flag, value()); break;
      case '--cluster-parts': {
        const parts = list(flag, value());
        for (const p of parts) {
          if (!(clusterPartNames as readonly string[]).includes(p)) throw new Error(`--cluster-parts: unknown part "${p}" (known: ${clusterPartNames.join(', ')})`);
        }
        explicit.clusterParts = parts as ClusterPart[];
        break;
      }
      case '--impls': {
        const impls = list(flag, value());
        for (const impl of impls) {
          if (impl !== 'flotilla' && impl !== 'reference') throw new Error(`--impls: unknown server "${impl}"`);
        }
        explicit.impls = impls as EtcdImpl[];
        break;
      }
      case '--markdown': {
        const file = value();
        if (file === undefined) throw new Error('--markdown needs a file name');
        explicit.markdownFile = file;
        break;
      }
      default:
        throw new Error(`unknown option "${flag}"\n${usage}`);
    }
  }
  return { ...full, ...(useQuick ? quick : {}), ...explicit };
}
