/**
 * Command-line options of the crash test.
 */
import type { EtcdImpl } from '../support/etcd-process.js';
import type { RoundSettings } from './crash-round.js';

export interface CrashOptions extends RoundSettings {
  readonly rounds: number;
  readonly seed: number;
  readonly impl: EtcdImpl;
  /** Start over with an empty data dir every this many rounds (and after a failed round). */
  readonly freshEvery: number;
  /** Run `npm run build` first, so Flotilla runs from freshly compiled output. */
  readonly build: boolean;
  /** Passed as --snapshot-count so restarts also recover from snapshots; 0 keeps the server default. */
  readonly snapshotCount: number;
}

export const crashUsage = `usage: node --import tsx test/crash/run.ts [options]
  --rounds N          rounds (default 20)
  --seed S            seed for op mixes and kill moments (default: random, printed)
  --impl flotilla|reference   server to crash (default flotilla)
  --writers N         concurrent writers (default 8)
  --kill-ms MIN,MAX   kill moment after the writers start (default 100,2000)
  --burst-share P     share of rounds killed right after a burst (default 0.35)
  --fresh-every N     empty data dir every N rounds (default 5)
  --snapshot-count N  servers snapshot every N entries, so restarts recover from snapshots too (default 1000; 0 = server default)
  --build             run \`npm run build\` first (otherwise an existing dist/ is used as it is)
  --inject-loss       check the checker: delete one acknowledged key after each restart (every round must fail)`;

function int(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got "${text ?? ''}"`);
  return n;
}

export function parseCrashOptions(argv: readonly string[], defaultSeed: number): CrashOptions {
  const o = {
    rounds: 20,
    seed: defaultSeed,
    impl: 'flotilla' as EtcdImpl,
    writers: 8,
    minKillMs: 100,
    maxKillMs: 2000,
    burstShare: 0.35,
    freshEvery: 5,
    injectLoss: false,
    build: false,
    snapshotCount: 1000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--rounds': o.rounds = int(flag, value(), 1); break;
      case '--seed': o.seed = int(flag, value(), 0); break;
      case '--impl': {
        const impl = value();
        if (impl !== 'flotilla' && impl !== 'reference') throw new Error(`--impl: flotilla or reference, got "${impl ?? ''}"`);
        o.impl = impl;
        break;
      }
      case '--writers': o.writers = int(flag, value(), 1); break;
      case '--kill-ms': {
        const [min, max] = (value() ?? '').split(',');
        o.minKillMs = int(flag, min, 0);
        o.maxKillMs = int(flag, max, o.minKillMs);
        break;
      }
      case '--burst-share': {
        const p = Number(value());
        if (!(p >= 0 && p <= 1)) throw new Error('--burst-share needs a number between 0 and 1');
        o.burstShare = p;
        break;
      }
      case '--build': o.build = true; break;
      case '--snapshot-count': o.snapshotCount = int(flag, value(), 0); break;
      case '--inject-loss': o.injectLoss = true; break;
      case '--fresh-every': o.freshEvery = int(flag, value(), 1); break;
      default: throw new Error(`unknown option "${flag}"\n${crashUsage}`);
    }
  }
  return o;
}
