import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADAPTIVE_BLOCKING_ENTRIES, Wal, type WalSyncMode } from '../../../src/wal/wal.js';
import { nodeFileIo, type FileIo } from '../../../src/wal/file-io.js';
import { CrashFileIo } from './crash-file-io.js';
import { METADATA, entry, freshWalDir } from './wal-helpers.js';

const SEGMENT = 1 << 20;

/**
 * A new log on the real file system whose fdatasyncs are recorded as made on the event loop ('loop')
 * or on the threadpool ('pool'); the creation's own sync is left out.
 */
async function walRecordingSyncs(syncMode: WalSyncMode): Promise<{ wal: Wal; calls: string[] }> {
  const calls: string[] = [];
  const io: FileIo = {
    ...nodeFileIo,
    syncData: (fd) => { calls.push('loop'); nodeFileIo.syncData(fd); },
    syncDataAsync: (fd) => { calls.push('pool'); return nodeFileIo.syncDataAsync(fd); },
  };
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT, syncMode, io });
  calls.length = 0;
  return { wal, calls };
}

for (const syncMode of ['sync', 'threadpool', 'adaptive'] as WalSyncMode[]) {
  test(`${syncMode}: saves made in one turn of the event loop share one fsync`, async () => {
    const io = new CrashFileIo();
    const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT, syncMode, io });
    const syncsBefore = io.segmentSyncs;
    const saves = [];
    for (let i = 1; i <= 100; i++) saves.push(wal.save({ term: 1, vote: 0n, commit: i - 1 }, [entry(i, 1)]));
    await Promise.all(saves);
    assert.equal(io.segmentSyncs - syncsBefore, 1);
    assert.equal(wal.stats.batches, 1);
    assert.equal(wal.stats.saves, 100);
    await wal.close();
  });

  test(`${syncMode}: 64 concurrent savers, 20 saves each, need one fsync per round`, async () => {
    const io = new CrashFileIo();
    const dir = freshWalDir();
    const wal = await Wal.create(dir, METADATA, { segmentSize: SEGMENT, syncMode, io });
    const syncsBefore = io.segmentSyncs;
    let nextIndex = 1;
    const saver = async () => {
      for (let round = 0; round < 20; round++) {
        const index = nextIndex++;
        await wal.save(null, [entry(index, 1)]);
      }
    };
    await Promise.all(Array.from({ length: 64 }, saver));
    const fsyncs = io.segmentSyncs - syncsBefore;
    assert.equal(wal.stats.saves, 1280);
    assert.equal(wal.stats.batches, fsyncs);
    // Every saver waits for its own fsync before saving again, so each round is one batch.
    assert.equal(fsyncs, 20, `expected 20 fsyncs for 1280 saves, saw ${fsyncs}`);
    await wal.close();
    const opened = await Wal.open(dir, { index: 0, term: 0 }, { segmentSize: SEGMENT });
    assert.equal(opened.entries.length, 1280);
    assert.ok(opened.entries.every((e, i) => e.index === i + 1));
    await opened.wal.close();
  });
}

test('saves made while an fsync is in flight are written together and resolved in call order', async () => {
  const io = new CrashFileIo();
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT, syncMode: 'threadpool', io });
  const syncsBefore = io.segmentSyncs;
  const resolved: number[] = [];
  io.holdSyncs = true;
  const first = wal.save(null, [entry(1, 1)]).then(() => resolved.push(1));
  await io.syncHeld(); // batch 1 is written and its fsync is in flight
  const later = [];
  for (let i = 2; i <= 50; i++) later.push(wal.save(null, [entry(i, 1)]).then(() => resolved.push(i)));
  assert.deepEqual(resolved, []);
  io.releaseSyncs();
  await Promise.all([first, ...later]);
  assert.equal(io.segmentSyncs - syncsBefore, 2);
  assert.equal(wal.stats.batches, 2);
  assert.deepEqual(resolved, Array.from({ length: 50 }, (_, i) => i + 1));
  await wal.close();
});

test('close waits for saves still in flight', async () => {
  const io = new CrashFileIo();
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: SEGMENT, syncMode: 'threadpool', io });
  let done = 0;
  const saves = [1, 2, 3].map((i) => wal.save(null, [entry(i, 1)]).then(() => done++));
  await wal.close();
  assert.equal(done, 3);
  await Promise.all(saves);
  const opened = await Wal.open(dir, { index: 0, term: 0 }, { segmentSize: SEGMENT });
  assert.deepEqual(opened.entries.map((e) => e.index), [1, 2, 3]);
  await opened.wal.close();
});

test('a failed fsync rejects its savers and every later save', async () => {
  const io = new CrashFileIo();
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT, syncMode: 'threadpool', io });
  io.syncDataAsync = () => Promise.reject(new Error('EIO: input/output error'));
  await assert.rejects(wal.save(null, [entry(1, 1)]), /wal write failed: EIO/);
  await assert.rejects(wal.save(null, [entry(2, 1)]), /wal write failed: EIO/);
  await wal.close();
});

test('sync mode: a stream of saves driven only by promise continuations still lets timers and I/O run', async () => {
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT, syncMode: 'sync' });
  let index = 1;
  let stop = false;
  const savers = Array.from({ length: 8 }, async () => {
    while (!stop) await wal.save(null, [entry(index++, 1)]);
  });
  // If the flush loop kept the event loop to itself, this timer would never fire.
  await new Promise<void>((resolve) => setTimeout(resolve, 20));
  stop = true;
  await Promise.all(savers);
  assert.ok(wal.stats.batches >= 1);
  await wal.close();
});

test('adaptive: a lone entry syncs on the event loop, a large batch on the threadpool', async () => {
  const { wal, calls } = await walRecordingSyncs('adaptive');
  try {
    await wal.save(null, [entry(1, 1)]);
    assert.deepEqual(calls, ['loop']);
    calls.length = 0;
    const big = Array.from({ length: ADAPTIVE_BLOCKING_ENTRIES + 1 }, (_, i) => entry(i + 2, 1));
    await wal.save(null, big);
    assert.deepEqual(calls, ['pool']);
  } finally {
    await wal.close();
  }
});

test('setSyncMode: later batches sync where the new mode says', async () => {
  const { wal, calls } = await walRecordingSyncs('sync');
  try {
    await wal.save(null, [entry(1, 1)]);
    wal.setSyncMode('threadpool');
    await wal.save(null, [entry(2, 1)]);
    wal.setSyncMode('sync');
    await wal.save(null, [entry(3, 1)]);
    assert.deepEqual(calls, ['loop', 'pool', 'loop']);
  } finally {
    await wal.close();
  }
});
