import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuTimes, runQuietly, stealNote, stealShare, type CpuTimes } from '../../../bench/host-steal.js';

const PROC_STAT = [
  'cpu  2123377 38897 409889 8090186 82355 0 106162 364982 0 0',
  'cpu0 1056892 18360 205180 4047970 51239 0 45647 184233 0 0',
  'intr 86842166 0 0',
].join('\n');

test('/proc/stat: the total over user to steal, and steal itself', () => {
  assert.deepEqual(parseCpuTimes(PROC_STAT), { total: 2123377 + 38897 + 409889 + 8090186 + 82355 + 0 + 106162 + 364982, steal: 364982 });
  assert.equal(parseCpuTimes('intr 1 2 3'), null);
  assert.equal(parseCpuTimes('cpu  1 2 3'), null);
});

test('the steal share between two readings', () => {
  assert.equal(stealShare({ total: 1000, steal: 10 }, { total: 1200, steal: 40 }), 0.15);
  assert.equal(stealShare({ total: 1000, steal: 10 }, { total: 1000, steal: 10 }), null);
  assert.equal(stealShare(null, { total: 1, steal: 0 }), null);
});

/** A reader that hands out the given readings in turn. */
function readings(...list: CpuTimes[]): () => CpuTimes {
  let i = 0;
  return () => list[Math.min(i++, list.length - 1)]!;
}

test('a disturbed attempt is made again; only the measured window counts', async () => {
  const windows: string[] = [];
  let attempt = 0;
  const retried: number[] = [];
  const run = await runQuietly(async (measured) => {
    attempt++;
    windows.push(`setup ${attempt}`);
    return measured(async () => `result ${attempt}`);
  }, {
    maxSteal: 0.05,
    retries: 2,
    // Attempt 1's window: 20% stolen; attempt 2's: 2%.
    read: readings({ total: 0, steal: 0 }, { total: 100, steal: 20 }, { total: 100, steal: 20 }, { total: 200, steal: 22 }),
    onRetry: (steal) => retried.push(steal),
  });
  assert.deepEqual(run, { result: 'result 2', steal: 0.02, attempts: 2 });
  assert.deepEqual(retried, [0.2]);
  assert.deepEqual(windows, ['setup 1', 'setup 2']);
  assert.equal(stealNote(run, 5), undefined);
});

test('when every attempt is disturbed the least disturbed one is kept, and the report says so', async () => {
  let attempts = 0;
  const run = await runQuietly(async (measured) => measured(async () => ++attempts), {
    maxSteal: 0.05,
    retries: 2,
    // Windows: 30%, then 10%, then 20%.
    read: readings({ total: 0, steal: 0 }, { total: 100, steal: 30 }, { total: 100, steal: 30 }, { total: 200, steal: 40 }, { total: 200, steal: 40 }, { total: 300, steal: 60 }),
  });
  assert.deepEqual(run, { result: 2, steal: 0.1, attempts: 3 });
  assert.match(stealNote(run, 5) ?? '', /stole 10\.0% of the CPU during the run \(more than 5% in all 3 attempt\(s\)\)/);
});

test('several windows in one attempt count the most disturbed; an attempt that measured nothing is not repeated', async () => {
  const twoWindows = await runQuietly(async (measured) => {
    await measured(async () => undefined);
    await measured(async () => undefined);
    return 'done';
  }, { maxSteal: 0.5, retries: 3, read: readings({ total: 0, steal: 0 }, { total: 100, steal: 40 }, { total: 100, steal: 40 }, { total: 200, steal: 50 }) });
  assert.deepEqual(twoWindows, { result: 'done', steal: 0.4, attempts: 1 });

  let calls = 0;
  const nothing = await runQuietly(async () => {
    calls++;
    return null;
  }, { maxSteal: 0, retries: 3, read: readings({ total: 0, steal: 0 }, { total: 100, steal: 100 }) });
  assert.deepEqual(nothing, { result: null, steal: null, attempts: 1 });
  assert.equal(calls, 1);
});
