import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, median, type Measurement } from '../../../bench/measurement.js';
import { markdownSection, textTable } from '../../../bench/comparison-report.js';

const put = (impl: 'flotilla' | 'reference', value: number): Measurement =>
  ({ metric: 'PUT c=64 throughput', unit: 'req/s', better: 'higher', impl, value });
const rss = (impl: 'flotilla' | 'reference', value: number): Measurement =>
  ({ metric: 'RSS after load and settle', unit: 'MiB', better: 'lower', impl, value });

test('median of odd and even counts', () => {
  assert.equal(median([]), null);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('rows keep first-seen order, take medians, and judge the goals on the ratio', () => {
  const rows = compare([put('flotilla', 12000), put('reference', 8000), rss('flotilla', 300), put('flotilla', 14000), rss('reference', 250), put('reference', 7000)]);
  assert.deepEqual(rows.map((r) => r.metric), ['PUT c=64 throughput', 'RSS after load and settle']);
  const [putRow, rssRow] = rows;
  assert.equal(putRow!.oursMedian, 13000);
  assert.equal(putRow!.theirsMedian, 7500);
  assert.equal(putRow!.ratio!.toFixed(3), '1.733');
  assert.equal(putRow!.goalMet, true);
  assert.equal(rssRow!.ratio, 1.2);
  assert.equal(rssRow!.goalMet, false);
});

test('a side without numbers gives no ratio and no verdict', () => {
  const [row] = compare([put('reference', 8000)]);
  assert.equal(row!.ratio, null);
  assert.equal(row!.goalMet, null);
  assert.match(textTable([row!]), /PUT c=64 throughput \(req\/s\)\s+—\s+8,000\s+—\s+>= 1.5x not measured/);
});

test('the markdown section has the command, a row per metric and the warnings', () => {
  const rows = compare([put('flotilla', 9000), { ...put('reference', 6000), note: '5 non-2xx answers of 60000' }]);
  const md = markdownSection(rows, { command: 'npm run bench -- --quick', startedAt: '2026-01-01T00:00:00Z', machine: 'm', versions: 'v', method: ['how'] });
  assert.match(md, /```\nnpm run bench -- --quick\n```/);
  assert.match(md, /\| PUT c=64 throughput \(req\/s\) \| 9,000 \| 6,000 \| 1\.50x \| >= 1\.5x met \|/);
  assert.match(md, /- PUT c=64 throughput: etcd: 5 non-2xx answers of 60000/);
});

test('every run is listed with the host steal recorded for it', () => {
  const rows = compare([{ ...put('flotilla', 9000), steal: 0.012 }, put('flotilla', 9100), { ...put('reference', 6000), steal: 0.3 }]);
  assert.deepEqual(rows[0]!.oursSteal, [0.012, undefined]);
  const md = markdownSection(rows, { command: 'c', startedAt: 's', machine: 'm', versions: 'v', method: [] });
  assert.match(md, /\| PUT c=64 throughput \(req\/s\) \| 9,000 \(steal 1\.2%\), 9,100 \| 6,000 \(steal 30\.0%\) \|/);
});

test('a warning shared by several runs is listed once', () => {
  const note = 'the host stole 6.0% of the CPU during the run';
  const rows = compare([{ ...put('flotilla', 1), note }, { ...put('flotilla', 2), note }, { ...put('reference', 3), note }]);
  assert.deepEqual(rows[0]!.notes, [`Flotilla: ${note}`, `etcd: ${note}`]);
});
