/**
 * What every benchmark suite gets and returns. A suite starts the servers or clusters it needs
 * through the context (so they are stopped even when the run is interrupted) and returns raw
 * measurements; the runner puts them side by side.
 */
import type { Cluster, ClusterOptions } from '../test/support/cluster.js';
import type { EtcdImpl, EtcdProcess } from '../test/support/etcd-process.js';
import type { BenchOptions } from './bench-options.js';
import type { CpuTimesReader } from './host-steal.js';
import type { Measurement, RatioGoal } from './measurement.js';

export interface SuiteContext {
  readonly options: BenchOptions;
  /** Servers that still start; one that failed to start once is left out of later turns. */
  impls(): readonly EtcdImpl[];
  /** A fresh one-member server on free loopback ports with a temp data dir, or null if it cannot start. */
  startServer(impl: EtcdImpl): Promise<EtcdProcess | null>;
  stopServer(server: EtcdProcess): Promise<void>;
  /** A fresh cluster of `impl` members on loopback, or null if it cannot start (that impl then gets no more clusters). */
  startCluster(impl: EtcdImpl, options: Omit<ClusterOptions, 'impl'>): Promise<Cluster | null>;
  stopCluster(cluster: Cluster): Promise<void>;
  log(line: string): void;
  /** The machine's CPU times, for the steal of each measured run (default: /proc/stat). */
  readonly readCpuTimes?: CpuTimesReader;
}

export interface BenchSuite {
  readonly name: string;
  /** One line for the markdown section: how this suite measures. */
  readonly method: string;
  /** Goals on this suite's metrics, judged like the ones in measurement.ts. */
  readonly goals?: readonly RatioGoal[];
  run(ctx: SuiteContext): Promise<Measurement[]>;
}

export function implLabel(impl: EtcdImpl): string {
  return impl === 'flotilla' ? 'Flotilla' : 'etcd';
}
