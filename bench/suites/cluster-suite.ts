/**
 * A 3-member cluster of each server, started with etcd 3.4's static-bootstrap command line and
 * etcd's default timing (heartbeat 100 ms, election timeout 1000 ms), members connected to each
 * other directly (no fault proxies). Measured:
 *   - PUT of new keys and quorum GET of one key with wrk through the leader, a fresh cluster per run;
 *   - failover: SIGKILL of the leader until the first write through a surviving member succeeds;
 *   - watch fan-out: long-poll watchers spread over the members, then one write through the leader,
 *     until every watcher has the event.
 */
import net from 'node:net';
import { httpRequest, waitFor, type Cluster, type ClusterOptions } from '../../test/support/cluster.js';
import type { EtcdImpl } from '../../test/support/etcd-process.js';
import { implLabel, type BenchSuite, type SuiteContext } from '../bench-suite.js';
import type { Measurement, RatioGoal } from '../measurement.js';
import { runWrk, type LoadRunner, type WrkRun } from '../wrk.js';
import { wrkProblems, type WrkReport } from '../wrk-report.js';
import { formatSteal, runQuietly, stealNote, stealPolicy } from '../host-steal.js';

export const clusterSize = 3;
export const watcherCount = 1000;

/** etcd 3.4's defaults for --heartbeat-interval and --election-timeout. */
const heartbeatMs = 100;
const electionMs = 1000;

const readKeyPath = '/v2/keys/bench/read-me';
const fanKeyPath = '/v2/keys/fan';

export const metrics = {
  start: 'cluster start (3 members serving quorum reads)',
  put: (c: number): string => `cluster PUT c=${c}`,
  qget: (c: number): string => `cluster quorum GET c=${c}`,
  failover: 'cluster failover (kill -9 leader to first write)',
  register: `cluster watch: register ${watcherCount} watchers on a fresh cluster`,
  registerWarm: `cluster watch: register ${watcherCount} watchers`,
  fanOutCold: `cluster watch fan-out to ${watcherCount} watchers, cold (the first on a fresh cluster)`,
  fanOut: `cluster watch fan-out to ${watcherCount} watchers`,
} as const;

/** The goals of issue 4, judged on the ratio of medians like the single-node goals. */
export const clusterGoals: readonly RatioGoal[] = [
  { metric: `${metrics.put(64)} throughput`, atLeast: 1.5 },
  { metric: `${metrics.qget(64)} throughput`, atLeast: 1.0 },
  { metric: metrics.failover, atMost: 1.0 },
  { metric: metrics.fanOut, atMost: 1.0 },
];

const clusterOptions: Omit<ClusterOptions, 'impl'> = {
  size: clusterSize,
  heartbeatMs,
  electionMs,
  direct: true,
  startTimeoutMs: 60_000,
};

function formBody(value: string): string {
  return `value=${encodeURIComponent(value)}`;
}

async function put(baseURL: string, path: string, value: string, timeoutMs = 10_000): Promise<void> {
  const r = await httpRequest('PUT', `${baseURL}${path}`, { body: formBody(value), timeoutMs });
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${path} answered ${r.status}: ${r.text.slice(0, 200)}`);
}

export interface FirstWrite {
  /** From `startedAt` to the answer of the first write that succeeded. */
  readonly ms: number;
  readonly attempts: number;
  /** What the attempts before it got, e.g. "HTTP 500 x3", "ECONNREFUSED x2". */
  readonly failures: string;
}

export interface FirstWriteOptions {
  /** performance.now() of the event the time is measured from (the kill). */
  readonly startedAt: number;
  /** A new attempt starts this often, whether or not earlier ones have answered (default 50 ms). */
  readonly everyMs?: number;
  /** Each attempt gives up after this long (default 1000 ms). */
  readonly attemptTimeoutMs?: number;
  /** The whole wait gives up after this long (default 30 s). */
  readonly boundMs?: number;
}

/**
 * PUTs new keys `<keyPath><n>` to `baseURL` until one answers 200/201; a new attempt every
 * `everyMs`, each with its own timeout, so a write stuck at a member without a leader does not
 * delay the next. Resolves null when nothing succeeded within the bound.
 */
export function firstSuccessfulWrite(baseURL: string, keyPath: string, options: FirstWriteOptions): Promise<FirstWrite | null> {
  const everyMs = options.everyMs ?? 50;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 1000;
  const boundMs = options.boundMs ?? 30_000;
  const failures = new Map<string, number>();
  const summary = (): string => [...failures].map(([what, n]) => `${what} x${n}`).join(', ');
  return new Promise((resolve) => {
    let attempts = 0;
    let done = false;
    const finish = (result: FirstWrite | null): void => {
      if (done) return;
      done = true;
      clearInterval(tick);
      clearTimeout(bound);
      resolve(result);
    };
    const attempt = (): void => {
      const n = ++attempts;
      httpRequest('PUT', `${baseURL}${keyPath}${n}`, { body: formBody(`write ${n}`), timeoutMs: attemptTimeoutMs }).then(
        (r) => {
          if (r.status === 200 || r.status === 201) finish({ ms: performance.now() - options.startedAt, attempts, failures: summary() });
          else if (!done) failures.set(`HTTP ${r.status}`, (failures.get(`HTTP ${r.status}`) ?? 0) + 1);
        },
        (err: unknown) => {
          if (done) return;
          const e = err as NodeJS.ErrnoException;
          const what = e.code ?? (/no answer within/.test(e.message) ? 'timeout' : e.message);
          failures.set(what, (failures.get(what) ?? 0) + 1);
        },
      );
    };
    const tick = setInterval(attempt, everyMs);
    const bound = setTimeout(() => finish(null), boundMs);
    attempt();
  });
}

export interface FanOutResult {
  /** From opening the first watch connection until every watcher had its response headers. */
  readonly registerMs: number;
  /** From just before the write until the last watcher had the event; null when not all got it. */
  readonly fanOutMs: number | null;
  readonly received: number;
  /** Per watched host:port, ms from just before the write until its last watcher had the event. */
  readonly lastByHost: ReadonlyMap<string, number>;
  readonly problem?: string;
}

export interface FanOutOptions {
  /** One full URL per watcher, e.g. http://127.0.0.1:2379/v2/keys/fan?wait=true. */
  readonly watchURLs: readonly string[];
  /** The one write the watchers wait for; resolves with its HTTP status. */
  readonly write: () => Promise<number>;
  /** Watch connections opened at once while registering (default 100). */
  readonly batch?: number;
  /** Bound on the registration and, separately, on the wait for the event (default 30 s each). */
  readonly boundMs?: number;
}

interface RawWatcher {
  readonly host: string;
  readonly socket: net.Socket;
  /** Resolves once the response headers arrived with status 200; rejects otherwise. */
  readonly registered: Promise<void>;
  receivedAt: number | null;
}

/**
 * A long-poll watch over a raw socket: both servers send the headers of a watch response as soon as
 * the watcher is registered and the body when the event comes, so the headers mark registration
 * and the first body bytes with an "action" mark the event.
 */
function openWatcher(url: string, onEvent: () => void): RawWatcher {
  const u = new URL(url);
  const socket = net.connect(Number(u.port), u.hostname);
  socket.setNoDelay(true);
  let buffered = '';
  let bodyStart = -1;
  const watcher: { host: string; socket: net.Socket; registered: Promise<void>; receivedAt: number | null } = {
    host: u.host,
    socket,
    registered: Promise.resolve(),
    receivedAt: null,
  };
  watcher.registered = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: application/json\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      if (bodyStart < 0) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        bodyStart = end + 4;
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(buffered)?.[1];
        if (status !== '200') {
          reject(new Error(`watch answered ${status ?? 'garbage'}: ${buffered.slice(0, 200).replace(/\r\n/g, ' | ')}`));
          return;
        }
        resolve();
      }
      if (watcher.receivedAt === null && buffered.indexOf('"action"', bodyStart) >= 0) {
        watcher.receivedAt = performance.now();
        onEvent();
      }
    });
    socket.on('error', (err) => reject(err));
    socket.on('close', () => reject(new Error('watch connection closed before its headers')));
  });
  // A rejection after the headers (a closed connection) is read from receivedAt instead.
  watcher.registered.catch(() => undefined);
  return watcher;
}

function boundedWait<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Registers every watcher, sends the write, and times until every watcher has the event. */
export async function watchFanOut(options: FanOutOptions): Promise<FanOutResult> {
  const batch = options.batch ?? 100;
  const boundMs = options.boundMs ?? 30_000;
  const watchers: RawWatcher[] = [];
  let received = 0;
  let allReceived: () => void = () => undefined;
  const everyone = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  const onEvent = (): void => {
    received++;
    if (received === options.watchURLs.length) allReceived();
  };
  try {
    const registerStart = performance.now();
    await boundedWait((async () => {
      for (let i = 0; i < options.watchURLs.length; i += batch) {
        const group = options.watchURLs.slice(i, i + batch).map((url) => openWatcher(url, onEvent));
        watchers.push(...group);
        await Promise.all(group.map((w) => w.registered));
      }
    })(), boundMs, `registering ${options.watchURLs.length} watchers`);
    const registerMs = performance.now() - registerStart;
    if (received > 0) {
      return { registerMs, fanOutMs: null, received, lastByHost: new Map(), problem: `${received} watcher(s) had an event before the write` };
    }
    const writeStart = performance.now();
    const lastByHost = (): Map<string, number> => {
      const byHost = new Map<string, number>();
      for (const w of watchers) {
        if (w.receivedAt !== null) byHost.set(w.host, Math.max(byHost.get(w.host) ?? 0, w.receivedAt - writeStart));
      }
      return byHost;
    };
    const status = await options.write();
    if (status !== 200 && status !== 201) return { registerMs, fanOutMs: null, received, lastByHost: lastByHost(), problem: `the write answered ${status}` };
    try {
      await boundedWait(everyone, boundMs, 'the event reaching every watcher');
    } catch {
      return { registerMs, fanOutMs: null, received, lastByHost: lastByHost(), problem: `only ${received} of ${options.watchURLs.length} watchers had the event after ${boundMs} ms` };
    }
    const last = Math.max(...watchers.map((w) => w.receivedAt ?? 0));
    return { registerMs, fanOutMs: last - writeStart, received, lastByHost: lastByHost() };
  } finally {
    for (const w of watchers) w.socket.destroy();
  }
}

interface FanOutRecord {
  /** Which fan-out of its kind on the cluster (1-based; the cold one is 0). */
  readonly n: number;
  readonly cold: boolean;
  readonly result: FanOutResult;
  readonly leader: number;
  readonly members: readonly { name: string; host: string }[];
}

export interface FanOutStep {
  readonly kind: 'cold' | 'warmup' | 'measured';
  readonly n: number;
}

/**
 * The fan-outs made on one fresh cluster, in order: the first (cold, measured and reported on its
 * own), `warmup` unmeasured ones, then `runs` measured ones. A member compiles its hot code while
 * its first fan-outs run; the unmeasured ones let the measured fan-outs see it serving as it does
 * once warm, as the unmeasured load before each wrk run does for the throughput figures.
 */
export function fanOutPlan(warmup: number, runs: number): FanOutStep[] {
  const steps: FanOutStep[] = [{ kind: 'cold', n: 0 }];
  for (let n = 1; n <= warmup; n++) steps.push({ kind: 'warmup', n });
  for (let n = 1; n <= runs; n++) steps.push({ kind: 'measured', n });
  return steps;
}

/** Waits until every live member names the same member as its leader; returns that member's index. */
async function settledLeader(cluster: Cluster, timeoutMs = 20_000): Promise<number> {
  const leader = await cluster.leader(timeoutMs);
  await waitFor('every member to follow the same leader', timeoutMs, async () => {
    const live = cluster.live();
    const id = cluster.members[leader]!.id;
    const answers = await Promise.all(live.map((m) => httpRequest('GET', `${m.clientURL}/v2/stats/self`, { timeoutMs: 500 })
      .then((r) => (r.json as { leaderInfo?: { leader?: string } } | undefined)?.leaderInfo?.leader)
      .catch(() => undefined)));
    return id !== null && live.length === cluster.members.length && answers.every((a) => a === id) ? true : undefined;
  });
  return leader;
}


export function clusterSuite(runLoad: LoadRunner = runWrk): BenchSuite {
  return {
    name: 'cluster',
    method: `Cluster: ${clusterSize} members of each server started together (static bootstrap, etcd's default --heartbeat-interval ${heartbeatMs} and --election-timeout ${electionMs}), `
      + 'peers connected directly on loopback, a fresh cluster for every wrk run and for every round of failovers and fan-outs. '
      + 'PUT: bench/lua/put.lua (a new key per request) through the leader; quorum GET: bench/lua/get.lua on `/v2/keys/bench/read-me?quorum=true` through the leader; both warmed up like the single-node runs. '
      + 'Failover: SIGKILL of the leader, then a PUT of a new key to one surviving member every 50 ms (each with a 1 s timeout) until one answers 200/201, timed from the kill (bounded at 30 s); the killed member is restarted and every member follows one leader before the next try. '
      + `Watch fan-out: ${watcherCount} long polls \`GET /v2/keys/fan?wait=true\` on raw sockets spread evenly over the ${clusterSize} members (registered once their response headers arrive), then one PUT of /v2/keys/fan through the leader, timed from sending it until the last watcher has the event (bounded at 30 s). The first fan-out on each fresh cluster is reported on its own as the cold one; unmeasured fan-outs follow it (see the warm-up above), then the measured ones.`,
    goals: clusterGoals,
    async run(ctx: SuiteContext): Promise<Measurement[]> {
      const { options } = ctx;
      const out: Measurement[] = [];
      const record = (impl: EtcdImpl, metric: string, unit: string, value: number, better: 'higher' | 'lower' = 'lower', note?: string, steal?: number | null): void => {
        out.push({ metric, unit, better, impl, value, ...(note ? { note } : {}), ...(steal !== undefined && steal !== null ? { steal } : {}) });
      };

      /** Starts a cluster, runs `body` on it and always stops it; a failure is logged with the ends of the member logs. */
      const withCluster = async (impl: EtcdImpl, what: string, body: (cluster: Cluster) => Promise<void>): Promise<void> => {
        const t0 = performance.now();
        const cluster = await ctx.startCluster(impl, clusterOptions);
        if (!cluster) return;
        const startMs = performance.now() - t0;
        const first = out.length;
        record(impl, metrics.start, 'ms', startMs);
        const how = cluster.members[0]!.argv.args.find((a) => a.endsWith('etcd.mjs') || a.endsWith('etcd.js') || a.endsWith('etcd.ts'));
        const fromSource = how?.endsWith('.ts') ?? false;
        ctx.log(`${what} ${implLabel(impl)}: cluster serving after ${startMs.toFixed(0)} ms${how ? ` (${fromSource ? 'from source through tsx: the build is older than src/' : 'compiled'})` : ''}`);
        try {
          await body(cluster);
        } catch (err) {
          const tails = cluster.members.map((m) => `--- ${m.name}${m.running ? '' : ' (not running)'}:\n${m.logTail(8)}`).join('\n');
          ctx.log(`${what} ${implLabel(impl)}: failed: ${(err as Error).message}\nlast lines of the member logs:\n${tails}`);
        } finally {
          // Flotilla falls back to running its sources when src/ changed after the build; say so.
          for (let i = first; fromSource && i < out.length; i++) {
            const m = out[i]!;
            out[i] = { ...m, note: [m.note, 'Flotilla ran from source through tsx (src/ newer than the build)'].filter(Boolean).join('; ') };
          }
          await ctx.stopCluster(cluster);
        }
      };

      const parts = new Set(options.clusterParts);
      for (const op of parts.has('load') ? ['put', 'qget'] as const : []) {
        for (const connections of options.connections) {
          for (let round = 1; round <= options.rounds; round++) {
            for (const impl of ctx.impls()) {
              const metric = op === 'put' ? metrics.put(connections) : metrics.qget(connections);
              const what = `${metric} round ${round}`;
              // A fresh cluster for every attempt, as for every run.
              const run = await runQuietly(async (measured) => {
                const measuredRun: { kept?: { report: WrkReport; note: string | undefined } } = {};
                await withCluster(impl, what, async (cluster) => {
                  const leader = await settledLeader(cluster);
                  const url = cluster.members[leader]!.clientURL;
                  if (op === 'qget') await put(url, readKeyPath, 'r'.repeat(options.valueBytes));
                  const load = (durationSec: number, runId: string): Promise<WrkReport> => runLoad({
                    baseURL: url,
                    script: op === 'put' ? 'put' : 'get',
                    connections,
                    durationSec,
                    scriptArgs: op === 'put' ? [runId, String(options.valueBytes)] : [`${readKeyPath}?quorum=true`],
                  });
                  if (options.warmupSec > 0) await load(options.warmupSec, `warm${round}c${connections}`);
                  const report = await measured(() => load(options.durationSec, `r${round}c${connections}`));
                  const after = await cluster.leader(10_000).catch(() => -1);
                  const note = after !== leader ? `the leader changed during the run (${cluster.members[leader]!.name} -> ${cluster.members[after]?.name ?? 'none'})` : undefined;
                  measuredRun.kept = { report, note };
                });
                return measuredRun.kept ?? null;
              }, stealPolicy(ctx, `${what} ${implLabel(impl)}`));
              if (run.result === null) continue;
              const { report } = run.result;
              const notes = [wrkProblems(report), run.result.note, stealNote(run, options.maxStealPercent)].filter((n): n is string => n !== undefined);
              const note = notes.length > 0 ? notes.join('; ') : undefined;
              record(impl, `${metric} throughput`, 'req/s', report.requestsPerSec, 'higher', note, run.steal);
              record(impl, `${metric} p50 latency`, 'ms', report.p50Ms);
              record(impl, `${metric} p99 latency`, 'ms', report.p99Ms);
              ctx.log(`${what} ${implLabel(impl)}: ${Math.round(report.requestsPerSec)} req/s, p50 ${report.p50Ms.toFixed(2)} ms, p99 ${report.p99Ms.toFixed(2)} ms, host steal ${formatSteal(run.steal)}${note ? ` (${note})` : ''}`);
            }
          }
        }
      }

      for (let round = 1; parts.has('failover') && round <= options.rounds; round++) {
        for (const impl of ctx.impls()) {
          await withCluster(impl, `failover round ${round}`, async (cluster) => {
            for (let run = 1; run <= options.clusterRuns; run++) {
              const leader = await settledLeader(cluster);
              const survivor = cluster.members.find((_, i) => i !== leader)!;
              await put(cluster.members[leader]!.clientURL, `/v2/keys/failover/before-${run}`, 'x');
              const killedAt = performance.now();
              await cluster.kill9(leader);
              const first = await firstSuccessfulWrite(survivor.clientURL, `/v2/keys/failover/r${round}-${run}-`, { startedAt: killedAt });
              const newLeader = await cluster.leader(30_000, leader).catch(() => -1);
              const label = `failover round ${round}.${run} ${implLabel(impl)}`;
              if (first === null) {
                ctx.log(`${label}: no write through ${survivor.name} succeeded within 30 s of killing ${cluster.members[leader]!.name}`);
              } else {
                record(impl, metrics.failover, 'ms', first.ms);
                ctx.log(`${label}: killed leader ${cluster.members[leader]!.name}, first write through ${survivor.name} after ${first.ms.toFixed(0)} ms `
                  + `(attempt ${first.attempts}${first.failures ? `; earlier attempts: ${first.failures}` : ''}); new leader ${cluster.members[newLeader]?.name ?? 'not found'}`);
              }
              await cluster.restart(leader, 60_000);
            }
          });
        }
      }

      for (let round = 1; parts.has('fanout') && round <= options.rounds; round++) {
        for (const impl of ctx.impls()) {
          // A fresh cluster for every attempt: a repeated round must start as cold as the first.
          const what = `fan-out round ${round}`;
          const run = await runQuietly(async (measured) => {
            const results: FanOutRecord[] = [];
            await withCluster(impl, what, async (cluster) => {
              const fanOut = async ({ kind, n }: FanOutStep): Promise<FanOutRecord> => {
                const leader = await settledLeader(cluster);
                const leaderURL = cluster.members[leader]!.clientURL;
                const watchURLs = Array.from({ length: watcherCount }, (_, i) => `${cluster.members[i % clusterSize]!.clientURL}${fanKeyPath}?wait=true`);
                const result = await watchFanOut({
                  watchURLs,
                  write: () => httpRequest('PUT', `${leaderURL}${fanKeyPath}`, { body: formBody(`round ${round} ${kind} ${n}`), timeoutMs: 10_000 }).then((r) => r.status),
                });
                return { n, cold: kind === 'cold', result, leader, members: cluster.members.map((m) => ({ name: m.name, host: new URL(m.clientURL).host })) };
              };
              for (const step of fanOutPlan(options.fanoutWarmup, options.clusterRuns)) {
                if (step.kind === 'warmup') {
                  // Not measured, but a failure is shown as a measured one's would be.
                  const { result } = await fanOut(step);
                  if (result.fanOutMs === null) ctx.log(`${what}.warm-up ${step.n} ${implLabel(impl)}: ${result.problem ?? 'no result'}`);
                  continue;
                }
                results.push(await measured(() => fanOut(step)));
              }
            });
            return results;
          }, stealPolicy(ctx, `${what} ${implLabel(impl)}`));
          const note = stealNote(run, options.maxStealPercent);
          if (options.fanoutWarmup > 0) ctx.log(`${what} ${implLabel(impl)}: ${options.fanoutWarmup} unmeasured fan-outs between the cold one and the measured ones`);
          for (const { n, cold, result, leader, members } of run.result) {
            const label = `${what}.${cold ? 'cold' : n} ${implLabel(impl)}`;
            record(impl, cold ? metrics.register : metrics.registerWarm, 'ms', result.registerMs);
            if (result.fanOutMs === null) {
              ctx.log(`${label}: ${result.problem ?? 'no result'}`);
              continue;
            }
            record(impl, cold ? metrics.fanOutCold : metrics.fanOut, 'ms', result.fanOutMs, 'lower', note, run.steal);
            const perMember = members.map(({ name, host }, m) => {
              const ms = result.lastByHost.get(host);
              return `${name}${m === leader ? ' (leader)' : ''} ${ms === undefined ? '—' : ms.toFixed(1)}`;
            }).join(', ');
            ctx.log(`${label}: ${watcherCount} watchers registered in ${result.registerMs.toFixed(0)} ms, all had the event ${result.fanOutMs.toFixed(1)} ms after the write was sent (last watcher per member, ms: ${perMember}); host steal over the round ${formatSteal(run.steal)}`);
          }
        }
      }
      return out;
    },
  };
}
