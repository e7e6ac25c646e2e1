/**
 * CPU time the hypervisor took from this machine ("steal") while a measurement ran. On a shared
 * host it comes and goes for minutes at a time and moves both servers' numbers by tens of percent,
 * so every measured run records it, and a run disturbed by more than the allowed share is made
 * again on a fresh server (or cluster) before its number is kept.
 */
import { readFileSync } from 'node:fs';
import type { SuiteContext } from './bench-suite.js';

/** Cumulative CPU time of the whole machine, in clock ticks, from the first line of /proc/stat. */
export interface CpuTimes {
  readonly total: number;
  readonly steal: number;
}

/** Reads the machine's CPU times; null where they cannot be read (no /proc). */
export type CpuTimesReader = () => CpuTimes | null;

/**
 * Parses `/proc/stat`: the aggregate `cpu` line's user, nice, system, idle, iowait, irq, softirq and
 * steal columns (guest time is already counted in user and nice).
 */
export function parseCpuTimes(procStat: string): CpuTimes | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return null;
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7]! };
}

export const readHostCpuTimes: CpuTimesReader = () => {
  try {
    return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
};

/** The share (0 to 1) of the machine's CPU time stolen between two readings; null when unknown. */
export function stealShare(before: CpuTimes | null, after: CpuTimes | null): number | null {
  if (before === null || after === null) return null;
  const total = after.total - before.total;
  if (total <= 0) return null;
  return Math.max(0, after.steal - before.steal) / total;
}

export interface QuietRun<T> {
  readonly result: T;
  /** Steal share during the kept attempt (null when unknown). */
  readonly steal: number | null;
  /** How many attempts were made (1 when the first was quiet enough). */
  readonly attempts: number;
}

export interface QuietRunOptions {
  /** A run with more steal than this share (0 to 1) is made again. */
  readonly maxSteal: number;
  /** At most this many attempts after the first; then the least disturbed one is kept. */
  readonly retries: number;
  readonly read?: CpuTimesReader;
  /** Told about each attempt that is thrown away. */
  readonly onRetry?: (steal: number, attempt: number) => void;
}

/**
 * Wraps the part of an attempt whose steal counts (the measured run, not the start or warm-up); an
 * attempt that measures several times (fan-outs on one cluster) counts its most disturbed window.
 */
export type MeasuredWindow = <R>(measured: () => Promise<R>) => Promise<R>;

/**
 * Runs `attempt` until one has no more steal than allowed, or the retries are used up (the least
 * disturbed attempt is kept then, with its steal, so the report can say so). Only what the attempt
 * wraps in the window it is given counts; an attempt that wraps nothing measured nothing (its server
 * did not start, say) and is not repeated. Each attempt must set up its own fresh server: a repeated
 * run must not start from the state the thrown-away one left behind.
 */
export async function runQuietly<T>(attempt: (window: MeasuredWindow) => Promise<T>, options: QuietRunOptions): Promise<QuietRun<T>> {
  const read = options.read ?? readHostCpuTimes;
  let best: QuietRun<T> | null = null;
  for (let n = 1; ; n++) {
    let measured = false;
    let steal: number | null = null;
    const window: MeasuredWindow = async (run) => {
      measured = true;
      const before = read();
      try {
        return await run();
      } finally {
        const share = stealShare(before, read());
        if (share !== null) steal = Math.max(steal ?? 0, share);
      }
    };
    const result = await attempt(window);
    if (!measured || steal === null || steal <= options.maxSteal) return { result, steal, attempts: n };
    if (best === null || best.steal === null || steal < best.steal) best = { result, steal, attempts: n };
    if (n > options.retries) return { ...best, attempts: n };
    options.onRetry?.(steal, n);
  }
}

/** The retry policy a suite's runs follow: from the bench options, logged through the suite's context. */
export function stealPolicy(ctx: SuiteContext, what: string): QuietRunOptions {
  const max = ctx.options.maxStealPercent;
  return {
    maxSteal: max / 100,
    retries: ctx.options.stealRetries,
    ...(ctx.readCpuTimes ? { read: ctx.readCpuTimes } : {}),
    onRetry: (steal, n) => ctx.log(`${what}: the host stole ${formatSteal(steal)} of the CPU during attempt ${n} (more than ${max}%): measuring again from a fresh start`),
  };
}

/** A warning for a kept run that was still disturbed (every attempt had more steal than allowed). */
export function stealNote(run: QuietRun<unknown>, maxPercent: number): string | undefined {
  if (run.steal === null || run.steal <= maxPercent / 100) return undefined;
  return `the host stole ${formatSteal(run.steal)} of the CPU during the run (more than ${maxPercent}% in all ${run.attempts} attempt(s))`;
}

/** "3.2%" for a share, "unknown" for null. */
export function formatSteal(steal: number | null): string {
  return steal === null ? 'unknown' : `${(steal * 100).toFixed(1)}%`;
}
