import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Wal, type WalSyncMode } from '../../../src/wal/wal.js';
import type { WalEntry } from '../../../src/wal/types.js';
import { CrashFileIo } from './crash-file-io.js';
import { METADATA, entry, freshWalDir, text } from './wal-helpers.js';

const ZERO = { index: 0, term: 0 };
const SEGMENT = 4096;

/** Small seeded generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * below;
  };
}

test('thread pool: a crash while an fsync is in flight loses only the unacknowledged batch', async () => {
  const io = new CrashFileIo();
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 1 << 20, syncMode: 'threadpool', io });
  await wal.save({ term: 1, vote: 1n, commit: 0 }, [entry(1, 1), entry(2, 1)]);
  io.holdSyncs = true;
  const lost = wal.save({ term: 1, vote: 1n, commit: 2 }, [entry(3, 1), entry(4, 1)]);
  await io.syncHeld();
  assert.ok(io.unsyncedBytes > 0, 'the second batch was written but not synced');
  const lostRejected = assert.rejects(lost, /simulated crash/);
  await io.crash();
  await lostRejected;
  await wal.close();
  io.restart();
  const opened = await Wal.open(dir, ZERO, { segmentSize: 1 << 20, io });
  assert.deepEqual(opened.entries.map((e) => e.index), [1, 2]);
  assert.deepEqual(opened.hardState, { term: 1, vote: 1n, commit: 0 });
  await opened.wal.close();
});

for (const [seed, syncMode] of [
  [1, 'sync'],
  [2, 'threadpool'],
  [3, 'sync'],
  [4, 'threadpool'],
  [5, 'adaptive'],
  [6, 'adaptive'],
] as Array<[number, WalSyncMode]>) {
  test(`seed ${seed}, ${syncMode}: crashes at random moments never lose an acknowledged entry`, async () => {
    const rand = random(seed);
    const io = new CrashFileIo();
    const dir = freshWalDir();
    let wal = await Wal.create(dir, METADATA, { segmentSize: SEGMENT, syncMode, io });
    const issued = new Map<number, string>();
    let acknowledged = 0; // highest index whose save resolved
    let nextIndex = 1;

    for (let trial = 0; trial < 12; trial++) {
      io.crashBeforeOperation(1 + Math.floor(rand(60)));
      let down = false;
      const saver = async (): Promise<void> => {
        while (!down) {
          const batch: WalEntry[] = [];
          const count = 1 + Math.floor(rand(3));
          for (let i = 0; i < count; i++) {
            const index = nextIndex++;
            const body = `t${trial} e${index} `.padEnd(10 + Math.floor(rand(300)), String.fromCharCode(97 + (index % 26)));
            issued.set(index, body);
            batch.push(entry(index, 1, body));
          }
          try {
            await wal.save({ term: 1, vote: 1n, commit: Math.max(0, acknowledged) }, batch);
            acknowledged = Math.max(acknowledged, batch.at(-1)!.index);
          } catch {
            down = true;
          }
        }
      };
      await Promise.all(Array.from({ length: 1 + Math.floor(rand(6)) }, saver));
      await io.crash(Math.floor(rand(400)));
      await wal.close();
      io.restart();

      const opened = await Wal.open(dir, ZERO, { segmentSize: SEGMENT, syncMode, io });
      const indexes = opened.entries.map((e) => e.index);
      assert.deepEqual(indexes, Array.from({ length: indexes.length }, (_, i) => i + 1), `trial ${trial}: contiguous`);
      assert.ok(indexes.length >= acknowledged, `trial ${trial}: ${acknowledged} acknowledged, ${indexes.length} recovered`);
      for (const e of opened.entries) assert.equal(text(e.data), issued.get(e.index), `trial ${trial}: entry ${e.index}`);
      // Entries that survived without being acknowledged are now part of the log; continue after them.
      nextIndex = indexes.length + 1;
      acknowledged = indexes.length;
      wal = opened.wal;
    }
    assert.ok(acknowledged > 20, `only ${acknowledged} entries made it`);
    assert.ok(wal.segmentNames.length > 5, "the crashes should have met segment cuts too");
    await wal.close();
  });
}

test('a crash at any step of create leaves no log or a whole one', async () => {
  let whole = 0;
  let none = 0;
  for (let step = 1; step <= 10; step++) {
    const io = new CrashFileIo();
    const dir = freshWalDir();
    io.crashBeforeOperation(step);
    const created = await Wal.create(dir, METADATA, { segmentSize: SEGMENT, io }).then(
      async (wal) => {
        await wal.save({ term: 1, vote: 1n, commit: 0 }, [entry(1, 1)]).catch(() => {});
        await wal.close().catch(() => {});
        return true;
      },
      () => false,
    );
    await io.crash();
    io.restart();
    if (Wal.exists(dir, io)) {
      const opened = await Wal.open(dir, ZERO, { segmentSize: SEGMENT, io });
      assert.deepEqual([...opened.metadata], [...METADATA], `crash before step ${step}`);
      await opened.wal.close();
      whole++;
    } else {
      assert.equal(created, false, `create resolved before the crash at step ${step}, so the log must exist`);
      await (await Wal.create(dir, METADATA, { segmentSize: SEGMENT, io })).close();
      none++;
    }
  }
  assert.ok(whole > 0 && none > 0);
});
