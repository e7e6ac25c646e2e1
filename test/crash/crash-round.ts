/**
 * One round of the crash test: writers run, the server is killed with SIGKILL at a seeded moment
 * (or right after part of a burst is acknowledged), restarted on the same data dir, and every key
 * is compared with what was acknowledged.
 */
import type { EtcdProcess } from '../support/etcd-process.js';
import type { KeyModel } from './key-model.js';
import { SeededRandom } from './seeded-random.js';
import { flattenLeaves, V2Client } from './v2-client.js';
import { runWriter, startBurst, WriteLedger } from './writers.js';

export type KillMoment =
  | { readonly kind: 'timed'; readonly afterMs: number }
  | { readonly kind: 'burst'; readonly afterMs: number; readonly size: number; readonly acksBeforeKill: number };

export interface RoundPlan {
  readonly round: number;
  readonly writers: number;
  readonly injectLoss: boolean;
  readonly kill: KillMoment;
}

export interface RoundSettings {
  readonly writers: number;
  /**
   * Checks the checker: after each restart, delete one acknowledged key behind the model's back,
   * so every round must report a lost write.
   */
  readonly injectLoss: boolean;
  readonly minKillMs: number;
  readonly maxKillMs: number;
  /** Share of rounds that end right after a burst. */
  readonly burstShare: number;
}

/** The seeded part of a round: when and how the server dies. */
export function planRound(seed: number, round: number, settings: RoundSettings): RoundPlan {
  const random = SeededRandom.derive(seed, round, 0);
  const afterMs = random.int(settings.minKillMs, settings.maxKillMs);
  if (random.chance(settings.burstShare)) {
    const size = random.int(32, 256);
    return { round, writers: settings.writers, injectLoss: settings.injectLoss, kill: { kind: 'burst', afterMs, size, acksBeforeKill: random.int(1, Math.max(1, Math.floor(size / 3))) } };
  }
  return { round, writers: settings.writers, injectLoss: settings.injectLoss, kill: { kind: 'timed', afterMs } };
}

export function describePlan(plan: RoundPlan): string {
  const k = plan.kill;
  return k.kind === 'timed'
    ? `kill after ${k.afterMs} ms`
    : `burst of ${k.size} after ${k.afterMs} ms, kill after ${k.acksBeforeKill} of its acks`;
}

export interface RoundOutcome {
  readonly problems: string[];
  /** Things worth saying that are not failures. */
  readonly notes: string[];
  readonly acked: number;
  readonly refused: number;
  readonly unknown: number;
  readonly keys: number;
  readonly restartMs: number | null;
  /** X-Etcd-Index after the restart (0 when unknown). */
  readonly indexAfterRestart: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when the promise settles within ms, false otherwise. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function deleteOneAcknowledgedKey(client: V2Client, model: KeyModel, seed: number, round: number): Promise<void> {
  const present = model.keysAckedPresent().filter((k) => k.startsWith('/crash/d/'));
  if (present.length === 0) return;
  const key = SeededRandom.derive(seed, round, 1000).pick(present);
  const answer = await client.delete(key);
  if (answer.status !== 200) throw new Error(`injected loss: DELETE ${key} answered ${answer.status}`);
}

export async function runRound(
  server: EtcdProcess,
  model: KeyModel,
  seed: number,
  plan: RoundPlan,
  indexBefore: number,
): Promise<RoundOutcome> {
  const problems: string[] = [];
  const notes: string[] = [];
  const client = new V2Client(server.clientURL, 5000);
  const ledger = new WriteLedger(model, client);
  const writers = Array.from({ length: plan.writers }, (_, w) =>
    runWriter(ledger, { round: plan.round, writer: w, random: SeededRandom.derive(seed, plan.round, w + 1) }));
  let burst: Promise<void> = Promise.resolve();

  await delay(plan.kill.afterMs);
  if (plan.kill.kind === 'burst') {
    const started = startBurst(ledger, plan.round, plan.kill.size, plan.kill.acksBeforeKill);
    burst = started.finished;
    if (!(await within(started.acknowledged, 10_000))) {
      // Not a durability problem: the server was slow. Kill it anyway; the checks still apply.
      notes.push(`burst had fewer than ${plan.kill.acksBeforeKill} acknowledgements after 10 s`);
    }
  }
  ledger.stopping = true;
  await server.kill9();
  if (!(await within(Promise.all([...writers, burst]), 15_000))) {
    problems.push('writers did not stop within 15 s of the kill');
  }
  client.close();

  const started = performance.now();
  let restartMs: number | null = null;
  try {
    await server.restart();
    restartMs = performance.now() - started;
  } catch (err) {
    problems.push(`restart failed: ${(err as Error).message}`);
    return { problems, notes, acked: ledger.acked, refused: ledger.refused, unknown: ledger.unknown, keys: model.size(), restartMs, indexAfterRestart: 0 };
  }

  const reader = new V2Client(server.clientURL, 20_000);
  let indexAfterRestart = 0;
  try {
    if (plan.injectLoss) await deleteOneAcknowledgedKey(reader, model, seed, plan.round);
    const answer = await reader.get('/crash', '?recursive=true&quorum=true');
    if (answer.status !== 200 && answer.status !== 404) {
      problems.push(`GET /v2/keys/crash?recursive=true answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    } else {
      indexAfterRestart = answer.etcdIndex ?? 0;
      if (answer.etcdIndex === null) problems.push('the GET after the restart has no X-Etcd-Index');
      if (indexAfterRestart < ledger.highestEtcdIndex) {
        problems.push(`etcd index went backwards: ${ledger.highestEtcdIndex} answered before the kill, ${indexAfterRestart} after the restart`);
      }
      if (indexAfterRestart < indexBefore) {
        problems.push(`etcd index went backwards: ${indexBefore} after the previous restart, ${indexAfterRestart} now`);
      }
      const observed = flattenLeaves(answer.status === 200 ? answer.body.node : undefined);
      for (const p of model.checkAndAdopt(observed, Date.now())) problems.push(`${p.key}: ${p.problem}`);
    }
  } catch (err) {
    problems.push(`reading the keys after the restart failed: ${(err as Error).message}`);
  } finally {
    reader.close();
  }
  problems.push(...ledger.violations);
  return { problems, notes, acked: ledger.acked, refused: ledger.refused, unknown: ledger.unknown, keys: model.size(), restartMs, indexAfterRestart };
}
