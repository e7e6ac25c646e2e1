/**
 * One number measured on one server, and the side-by-side rows built from many of them.
 */
import type { EtcdImpl } from '../test/support/etcd-process.js';

export interface Measurement {
  /** What was measured, the same text for both servers, e.g. "PUT c=64 throughput". */
  readonly metric: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly impl: EtcdImpl;
  readonly value: number;
  /** Something that makes this number suspect, e.g. "3 non-2xx answers". */
  readonly note?: string;
  /** Share (0 to 1) of the machine's CPU the host stole during the measured run, when known. */
  readonly steal?: number;
}

/** A goal on the ratio ours / theirs of one metric. */
export interface RatioGoal {
  readonly metric: string;
  readonly atLeast?: number;
  readonly atMost?: number;
}

/** The goals from the issue; each is judged on the median of the runs. */
export const ratioGoals: readonly RatioGoal[] = [
  { metric: 'PUT c=64 throughput', atLeast: 1.5 },
  { metric: 'GET c=64 throughput', atLeast: 1.0 },
  { metric: 'PUT c=64 p99 latency', atMost: 1.0 },
  { metric: 'RSS after load and settle', atMost: 1.0 },
  { metric: 'restart to first quorum GET', atMost: 1.0 },
];

export interface ComparisonRow {
  readonly metric: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly ours: readonly number[];
  readonly theirs: readonly number[];
  /** The host's steal during each run, in the order of `ours` and `theirs` (undefined: not recorded). */
  readonly oursSteal: readonly (number | undefined)[];
  readonly theirsSteal: readonly (number | undefined)[];
  readonly oursMedian: number | null;
  readonly theirsMedian: number | null;
  /** ours / theirs, null when either side has no number. */
  readonly ratio: number | null;
  readonly goal: RatioGoal | null;
  /** null when there is no goal or no ratio. */
  readonly goalMet: boolean | null;
  readonly notes: readonly string[];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function goalText(goal: RatioGoal): string {
  if (goal.atLeast !== undefined) return `>= ${goal.atLeast}x`;
  if (goal.atMost !== undefined) return `<= ${goal.atMost}x`;
  return '';
}

function judge(goal: RatioGoal, ratio: number): boolean {
  if (goal.atLeast !== undefined && ratio < goal.atLeast) return false;
  if (goal.atMost !== undefined && ratio > goal.atMost) return false;
  return true;
}

/** Groups measurements by metric (in the order metrics first appear) and puts Flotilla beside etcd. */
export function compare(measurements: readonly Measurement[], goals: readonly RatioGoal[] = ratioGoals): ComparisonRow[] {
  const order: string[] = [];
  const byMetric = new Map<string, Measurement[]>();
  for (const m of measurements) {
    let group = byMetric.get(m.metric);
    if (!group) {
      group = [];
      byMetric.set(m.metric, group);
      order.push(m.metric);
    }
    group.push(m);
  }
  return order.map((metric) => {
    const group = byMetric.get(metric)!;
    const oursRuns = group.filter((m) => m.impl === 'flotilla');
    const theirsRuns = group.filter((m) => m.impl === 'reference');
    const ours = oursRuns.map((m) => m.value);
    const theirs = theirsRuns.map((m) => m.value);
    const oursMedian = median(ours);
    const theirsMedian = median(theirs);
    const ratio = oursMedian !== null && theirsMedian !== null && theirsMedian !== 0 ? oursMedian / theirsMedian : null;
    const goal = goals.find((g) => g.metric === metric) ?? null;
    // One line per distinct warning: the fan-outs of one round share theirs.
    const notes = [...new Set(group.filter((m) => m.note !== undefined).map((m) => `${m.impl === 'flotilla' ? 'Flotilla' : 'etcd'}: ${m.note}`))];
    return {
      metric,
      unit: group[0]!.unit,
      better: group[0]!.better,
      ours,
      theirs,
      oursSteal: oursRuns.map((m) => m.steal),
      theirsSteal: theirsRuns.map((m) => m.steal),
      oursMedian,
      theirsMedian,
      ratio,
      goal,
      goalMet: goal !== null && ratio !== null ? judge(goal, ratio) : null,
      notes,
    };
  });
}
