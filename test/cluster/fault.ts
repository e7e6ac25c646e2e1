/**
 * The fault test: concurrent clients against a cluster while a seeded nemesis kills, pauses and
 * partitions members; afterwards the history must be linearizable, every acknowledged append must
 * be there, and the members must agree. One line per seed, then "N passed, N failed"; exits
 * non-zero on any failure.
 *
 *   node --import tsx test/cluster/fault.ts --seeds 3 [--from S] [--duration 20] [--impl flotilla|reference]
 *        [--size 3] [--clients 6] [--keys 4] [--stale-reads]
 *
 * --stale-reads sends the clients' reads without quorum=true: a control run that should fail,
 * showing that the check notices stale reads from a member cut off from the leader.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkOperations, kvModel } from '../../src/linearizability/index.js';
import { Cluster, delay, httpRequest, waitFor } from '../support/cluster.js';
import type { EtcdImpl } from '../support/etcd-process.js';
import { FaultWorkload, appendDir, registerKey } from './fault-workload.js';
import { Nemesis } from './nemesis.js';
import { readTree } from './cluster-impl.js';

interface FaultOptions {
  seeds: number;
  from: number;
  durationS: number;
  impl: EtcdImpl;
  size: number;
  clients: number;
  keys: number;
  staleReads: boolean;
}

function parseOptions(argv: string[]): FaultOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '3' },
      from: { type: 'string', default: '1' },
      duration: { type: 'string', default: '20' },
      impl: { type: 'string', default: process.env.CLUSTER_IMPL ?? 'reference' },
      size: { type: 'string', default: '3' },
      clients: { type: 'string', default: '6' },
      keys: { type: 'string', default: '4' },
      'stale-reads': { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer >= ${min}, not ${v}`);
    return n;
  };
  if (values.impl !== 'flotilla' && values.impl !== 'reference') throw new Error(`--impl is flotilla or reference, not ${values.impl}`);
  return {
    seeds: int('seeds', values.seeds, 1),
    from: int('from', values.from, 0),
    durationS: int('duration', values.duration, 1),
    impl: values.impl,
    size: int('size', values.size, 3),
    clients: int('clients', values.clients, 1),
    keys: int('keys', values.keys, 1),
    staleReads: values['stale-reads'] ?? false,
  };
}

/** Bound on the recovery after healing, and on the checker. */
const recoveryLimitMs = 60_000;
const checkerLimitMs = 60_000;
const requestTimeoutMs = 3000;

let current: Cluster | null = null;

async function runSeed(seed: number, o: FaultOptions): Promise<{ ok: boolean; line: string }> {
  const started = Date.now();
  const cluster = await Cluster.start({ impl: o.impl, size: o.size });
  current = cluster;
  const problems: string[] = [];
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const workload = new FaultWorkload({
    seed,
    clients: o.clients,
    keys: o.keys,
    requestTimeoutMs,
    staleReads: o.staleReads,
    targets: () => cluster.members.filter((m) => !m.removed).map((m) => m.clientURL),
    now,
  });
  const nemesis = new Nemesis(cluster, seed);
  let detail = '';
  try {
    workload.start();
    nemesis.start();
    await delay(o.durationS * 1000);
    await nemesis.stop();
    nemesis.healAll();
    await workload.stop();

    // Recovery: every member serves quorum reads again.
    const recoveryStart = Date.now();
    await Promise.all(cluster.members.filter((m) => !m.removed).map((m) => cluster.waitServing(m, recoveryLimitMs)));
    const leader = await cluster.leader(recoveryLimitMs);
    const recoveryMs = Date.now() - recoveryStart;

    // Final reads join the history: they must see the last state of every register.
    const leaderURL = cluster.members[leader]!.clientURL;
    for (let k = 0; k < o.keys; k++) {
      for (const m of cluster.members) await workload.quorumRead(1000 + cluster.indexOf(m), m.clientURL, registerKey(k));
    }

    const checkStart = Date.now();
    const result = checkOperations(kvModel, workload.history, { timeLimitMs: checkerLimitMs, now: () => Date.now() });
    const checkMs = Date.now() - checkStart;
    if (result.outcome === 'illegal') {
      problems.push(`history is not linearizable:\n    ${(result.illegalPartition ?? []).slice(0, 60).join('\n    ')}`);
    } else if (result.outcome === 'unknown') {
      problems.push(`the checker gave up after ${checkMs} ms (${result.steps} steps)`);
    }

    // No acknowledged append is missing, on a quorum read and on every member's own copy.
    const quorumLog = await httpRequest('GET', `${leaderURL}/v2/keys${appendDir}?recursive=true&quorum=true`, { timeoutMs: 10_000 });
    if (quorumLog.status !== 200 && workload.acked.length > 0) problems.push(`quorum read of ${appendDir} answered ${quorumLog.status}`);
    const converged = await waitFor('the members to hold the same data', 20_000, async () => {
      const trees = await Promise.all(cluster.members.map((m) => readTree(m.clientURL, '/fault')));
      const first = JSON.stringify([...trees[0]!].sort());
      return trees.every((t) => JSON.stringify([...t].sort()) === first) ? trees[0]! : undefined;
    }).catch((err: Error) => {
      problems.push(err.message);
      return null;
    });
    if (converged) {
      const missing = workload.acked.filter((a) => converged.get(a.key) !== a.value);
      if (missing.length > 0) {
        problems.push(`${missing.length} acknowledged appends are missing or changed: ${missing.slice(0, 5).map((a) => `${a.key}=${a.value}`).join(', ')}`);
      }
    }
    const c = workload.counts;
    detail =
      `${c.ops} ops (${c.unknown} unknown, ${c.refused} refused), ${c.appendsAcked} appends acknowledged` +
      ` (${c.appendsUnknown} unknown), faults: ${nemesis.summary()}; recovered in ${recoveryMs} ms,` +
      ` checker ${result.outcome} in ${checkMs} ms over ${result.partitions} keys, ${((Date.now() - started) / 1000).toFixed(1)} s`;
  } catch (err) {
    problems.push(`run failed: ${(err as Error).message}`);
  } finally {
    await nemesis.stop().catch(() => undefined);
    await workload.stop().catch(() => undefined);
    if (problems.length > 0) {
      cluster.preserve();
      const historyFile = join(cluster.rootDir, 'history.json');
      writeFileSync(historyFile, JSON.stringify({ seed, faults: nemesis.log, history: workload.history, acked: workload.acked }, null, 1));
    }
    await cluster.stop();
    current = null;
  }
  if (problems.length === 0) return { ok: true, line: `seed ${seed}: pass, ${detail}` };
  return {
    ok: false,
    line: `seed ${seed}: FAIL, ${detail}\n  ${problems.join('\n  ')}\n  faults:\n    ${nemesis.log.join('\n    ')}\n  logs and history kept in ${cluster.rootDir}`,
  };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`${signal}: stopping the cluster\n`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  let o: FaultOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: fault.ts --seeds N [--from S] [--duration 20] [--impl flotilla|reference] [--size 3] [--clients 6] [--keys 4] [--stale-reads]\n`);
    return 2;
  }
  process.stdout.write(`fault test: ${o.impl}, ${o.size} members, ${o.clients} clients on ${o.keys} keys, ${o.durationS} s per seed${o.staleReads ? ', stale reads' : ''}, seeds ${o.from}..${o.from + o.seeds - 1}\n`);
  let passed = 0;
  let failed = 0;
  for (let seed = o.from; seed < o.from + o.seeds; seed++) {
    const limitMs = o.durationS * 1000 + 240_000;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      runSeed(seed, o),
      new Promise<{ ok: boolean; line: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, line: `seed ${seed}: FAIL, did not finish within ${limitMs / 1000} s` }), limitMs);
      }),
    ]).catch((err: Error) => ({ ok: false, line: `seed ${seed}: FAIL, ${err.message}` }));
    clearTimeout(timer);
    if (!r.ok && current) await current.stop().catch(() => undefined);
    process.stdout.write(`${r.line}\n`);
    if (r.ok) passed++;
    else failed++;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exit(await main());
