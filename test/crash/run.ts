/**
 * The crash test: nothing acknowledged is lost. Writers record every acknowledged write, the server
 * gets SIGKILL at a seeded moment, restarts on the same data dir, and every acknowledged write must
 * be there. One line per round, then "N passed, N failed"; exits non-zero on any failure.
 *
 *   node --import tsx test/crash/run.ts --rounds 20 [--seed S] [--impl flotilla|reference]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { flotillaCommand, repoRoot, startEtcd, type EtcdProcess } from '../support/etcd-process.js';
import { parseCrashOptions, crashUsage, type CrashOptions } from './crash-options.js';
import { describePlan, planRound, runRound, type RoundOutcome } from './crash-round.js';
import { KeyModel } from './key-model.js';

/** Bound on one whole round, start to verdict. */
const roundLimitMs = 120_000;
const problemsShown = 12;

let server: EtcdProcess | null = null;
/** A start in progress, so an interrupt can stop the server it is about to hand over. */
let starting: Promise<EtcdProcess> | null = null;

async function stopServer(): Promise<void> {
  if (starting) {
    const pending = starting;
    starting = null;
    const s = await pending.catch(() => null);
    if (s) await s.stop().catch(() => undefined);
  }
  const s = server;
  server = null;
  if (s) await s.stop().catch(() => undefined);
}

process.once('uncaughtException', (err) => {
  process.stdout.write(`crash test failed: ${err.stack ?? err.message}\n`);
  void stopServer().finally(() => {
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`${signal}: stopping the server\n`);
    void stopServer().finally(() => process.exit(130));
  });
}

function boundRound(work: Promise<RoundOutcome>): Promise<RoundOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<RoundOutcome>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`round did not finish within ${roundLimitMs / 1000} s`)), roundLimitMs);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** Which program is crashed, and for compiled output how old it is. */
function describeServer(options: CrashOptions): string {
  if (options.impl === 'reference') return process.env.ETCD_BIN ?? '/usr/bin/etcd';
  const { args } = flotillaCommand();
  const entry = args[args.length - 1]!;
  if (!entry.endsWith('.js')) return `${entry} (from source)`;
  return `${entry} (compiled ${statSync(entry).mtime.toISOString().slice(0, 19)}Z)`;
}

function build(): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) process.stdout.write('npm run build reported type errors; using what it emitted\n');
}

async function crashTest(options: CrashOptions): Promise<number> {
  if (options.build && options.impl === 'flotilla') build();
  const logDir = mkdtempSync(join(os.tmpdir(), 'flotilla-crash-'));
  let serversStarted = 0;
  const start = async (): Promise<EtcdProcess> => {
    const logFile = join(logDir, `${options.impl}-${++serversStarted}.log`);
    try {
      const extraArgs = options.snapshotCount > 0 ? ['--snapshot-count', String(options.snapshotCount)] : [];
      return await startEtcd({ impl: options.impl, logFile, startTimeoutMs: 60_000, extraArgs });
    } catch (err) {
      throw new Error(`${(err as Error).message} (log: ${logFile})`);
    }
  };
  process.stdout.write(`crash test: ${options.rounds} rounds against ${options.impl} (${describeServer(options)}), seed ${options.seed}, ${options.writers} writers, snapshot count ${options.snapshotCount || 'default'}\n`);
  let passed = 0;
  let failed = 0;
  let model = new KeyModel();
  let indexBefore = 0;
  let needFresh = true;
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const plan = planRound(options.seed, round, options);
      if (needFresh || (round - 1) % options.freshEvery === 0) {
        await stopServer();
        try {
          starting = start();
          server = await starting;
          starting = null;
        } catch (err) {
          starting = null;
          process.stdout.write(`round ${round}: FAILED: the server did not start: ${(err as Error).message}\n`);
          failed += options.rounds - round + 1;
          break;
        }
        model = new KeyModel();
        indexBefore = 0;
        needFresh = false;
      }
      let outcome: RoundOutcome;
      try {
        outcome = await boundRound(runRound(server!, model, options.seed, plan, indexBefore));
      } catch (err) {
        outcome = { problems: [(err as Error).message], notes: [], acked: 0, refused: 0, unknown: 0, keys: model.size(), restartMs: null, indexAfterRestart: 0 };
      }
      const stats = `${outcome.acked} acked, ${outcome.refused} refused, ${outcome.unknown} unknown, ${outcome.keys} keys checked, `
        + `restart ${outcome.restartMs === null ? '—' : `${outcome.restartMs.toFixed(0)} ms`}, index ${outcome.indexAfterRestart}`
        + outcome.notes.map((n) => `; ${n}`).join('');
      if (outcome.problems.length === 0) {
        passed++;
        indexBefore = outcome.indexAfterRestart;
        process.stdout.write(`round ${round}: ok (${describePlan(plan)}; ${stats})\n`);
      } else {
        failed++;
        needFresh = true;
        process.stdout.write(`round ${round}: FAILED (${describePlan(plan)}; ${stats}): ${outcome.problems.length} problem(s)\n`);
        for (const p of outcome.problems.slice(0, problemsShown)) process.stdout.write(`    ${p}\n`);
        if (outcome.problems.length > problemsShown) process.stdout.write(`    ... and ${outcome.problems.length - problemsShown} more\n`);
        process.stdout.write(`    replay: --seed ${options.seed} --impl ${options.impl} (server logs in ${logDir})\n`);
      }
    }
  } finally {
    await stopServer();
  }
  if (failed === 0) rmSync(logDir, { recursive: true, force: true });
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${crashUsage}\n`);
  process.exit(0);
}

let options: CrashOptions;
try {
  options = parseCrashOptions(argv, Math.floor(Math.random() * 2 ** 31));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}

crashTest(options).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    process.stdout.write(`crash test failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    await stopServer();
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
