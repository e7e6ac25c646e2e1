/**
 * Renders comparison rows as a plain-text table for the terminal and as a markdown section for
 * docs/benchmarks.md.
 */
import { goalText, type ComparisonRow } from './measurement.js';

export interface RunDescription {
  /** The command that produced the numbers, as a reader would type it. */
  readonly command: string;
  readonly startedAt: string;
  readonly machine: string;
  readonly versions: string;
  /** How the runs were made, one sentence each. */
  readonly method: readonly string[];
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === 'req/s' || unit === 'writes/s') return Math.round(value).toLocaleString('en-US');
  if (unit === 'ms') return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  if (unit === 'MiB' || unit === 's') return value.toFixed(1);
  return String(value);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${ratio.toFixed(2)}x`;
}

function goalCell(row: ComparisonRow): string {
  if (row.goal === null) return '';
  const verdict = row.goalMet === null ? 'not measured' : row.goalMet ? 'met' : 'MISSED';
  return `${goalText(row.goal)} ${verdict}`;
}

function cells(row: ComparisonRow): string[] {
  return [
    `${row.metric} (${row.unit})`,
    formatValue(row.oursMedian, row.unit),
    formatValue(row.theirsMedian, row.unit),
    formatRatio(row.ratio),
    goalCell(row),
  ];
}

const header = ['metric', 'Flotilla', 'etcd 3.4', 'Flotilla / etcd', 'goal'];

/** A fixed-width table: first column left-aligned, numbers right-aligned. */
export function textTable(rows: readonly ComparisonRow[]): string {
  const table = [header, ...rows.map(cells)];
  const widths = header.map((_, col) => Math.max(...table.map((r) => r[col]!.length)));
  const line = (r: string[]): string =>
    r.map((cell, col) => (col === 0 || col === 4 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

function runsCell(values: readonly number[], steals: readonly (number | undefined)[], unit: string): string {
  if (values.length === 0) return '—';
  return values.map((v, i) => {
    const steal = steals[i];
    return steal === undefined ? formatValue(v, unit) : `${formatValue(v, unit)} (steal ${(steal * 100).toFixed(1)}%)`;
  }).join(', ');
}

/** A markdown section that can be pasted into docs/benchmarks.md as is. */
export function markdownSection(rows: readonly ComparisonRow[], run: RunDescription): string {
  const out: string[] = [];
  out.push(`### Run of ${run.startedAt}`, '');
  out.push('```', run.command, '```', '');
  out.push(`- Machine: ${run.machine}`);
  out.push(`- Versions: ${run.versions}`);
  for (const m of run.method) out.push(`- ${m}`);
  out.push('');
  out.push('| metric | Flotilla | etcd 3.4 | Flotilla / etcd | goal |');
  out.push('|---|---:|---:|---:|---|');
  for (const row of rows) {
    const [metric, ours, theirs, ratio, goal] = cells(row);
    out.push(`| ${metric} | ${ours} | ${theirs} | ${ratio} | ${goal} |`);
  }
  out.push('');
  out.push('<details><summary>Every run (Flotilla | etcd)</summary>', '');
  out.push('| metric | Flotilla runs | etcd runs |');
  out.push('|---|---|---|');
  for (const row of rows) {
    out.push(`| ${row.metric} (${row.unit}) | ${runsCell(row.ours, row.oursSteal, row.unit)} | ${runsCell(row.theirs, row.theirsSteal, row.unit)} |`);
  }
  out.push('', '</details>');
  const notes = rows.flatMap((r) => r.notes.map((n) => `${r.metric}: ${n}`));
  if (notes.length > 0) {
    out.push('', 'Warnings:', ...notes.map((n) => `- ${n}`));
  }
  return out.join('\n') + '\n';
}
