import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Wal } from '../../../src/wal/wal.js';
import { CrashFileIo } from './crash-file-io.js';
import { METADATA, entry, freshWalDir } from './wal-helpers.js';

const ZERO = { index: 0, term: 0 };
const SEGMENT = 64 * 1024;

test('by default a commit-only hard state is fsynced like everything else', async () => {
  const io = new CrashFileIo();
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT, io });
  const before = io.segmentSyncs;
  await wal.save({ term: 1, vote: 1n, commit: 0 }, [entry(1, 1)]);
  await wal.save({ term: 1, vote: 1n, commit: 1 }, []);
  assert.equal(io.segmentSyncs - before, 2);
  await wal.close();
});

test('skipSyncForCommitOnly: a commit-only change is written without its own fsync, like etcd', async () => {
  const io = new CrashFileIo();
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: SEGMENT, io, skipSyncForCommitOnly: true });
  const before = io.segmentSyncs;
  await wal.save({ term: 1, vote: 1n, commit: 0 }, [entry(1, 1)]);
  assert.equal(io.segmentSyncs - before, 1);
  await wal.save({ term: 1, vote: 1n, commit: 1 }, []);
  assert.equal(io.segmentSyncs - before, 1, 'commit-only: written, not synced');
  assert.ok(io.unsyncedBytes > 0);
  await wal.save({ term: 2, vote: 1n, commit: 1 }, []);
  assert.equal(io.segmentSyncs - before, 2, 'a new term must be synced');
  await wal.save({ term: 2, vote: 1n, commit: 1 }, [entry(2, 2)]);
  assert.equal(io.segmentSyncs - before, 3, 'entries must be synced');
  await wal.save({ term: 2, vote: 1n, commit: 2 }, []);
  assert.equal(io.segmentSyncs - before, 3);
  await wal.close();
  assert.equal(io.segmentSyncs - before, 4, 'close syncs what was only written');
  assert.equal(io.unsyncedBytes, 0);
  const opened = await Wal.open(dir, ZERO, { segmentSize: SEGMENT });
  assert.deepEqual(opened.hardState, { term: 2, vote: 1n, commit: 2 });
  await opened.wal.close();
});

test('skipSyncForCommitOnly: a segment is synced before the next one is started', async () => {
  const io = new CrashFileIo();
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 4096, io, skipSyncForCommitOnly: true });
  await wal.save({ term: 1, vote: 1n, commit: 0 }, [entry(1, 1, 'x'.repeat(3000))]);
  // Enough commit-only saves to fill the segment: the cut must make them durable first.
  let commitAtCut = 0;
  for (let commit = 1; commit <= 40; commit++) {
    await wal.save({ term: 1, vote: 1n, commit }, []);
    if (commitAtCut === 0 && wal.segmentNames.length === 2) commitAtCut = commit;
  }
  assert.ok(commitAtCut > 0 && commitAtCut < 40);
  // Only the segment being written may hold unsynced bytes.
  assert.deepEqual(io.unsyncedFiles().filter((f) => f.endsWith('.wal')), [wal.segmentNames.at(-1)]);
  await io.crash();
  await assert.rejects(wal.close(), /simulated crash/); // its final sync meets the dead machine
  io.restart();
  const opened = await Wal.open(dir, ZERO, { segmentSize: 4096, io });
  // Everything up to the cut survived the crash; later commit-only writes were never synced.
  assert.ok(opened.hardState.commit >= commitAtCut - 1 && opened.hardState.commit < 40, `commit ${opened.hardState.commit}`);
  await opened.wal.close();
});

test('an all-zero hard state means "unchanged" and writes nothing', async () => {
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT });
  await wal.save({ term: 0, vote: 0n, commit: 0 }, []);
  assert.equal(wal.stats.saves, 0);
  await wal.save({ term: 0, vote: 0n, commit: 0 }, [entry(1, 1)]);
  assert.equal(wal.stats.saves, 1);
  assert.equal(wal.lastIndex, 1);
  await wal.close();
});

test('entries of one save must have consecutive indexes', async () => {
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SEGMENT });
  await assert.rejects(wal.save(null, [entry(1, 1), entry(3, 1)]), /does not follow 1/);
  assert.equal(wal.stats.saves, 0);
  await wal.close();
});

test('Wal.read reads without touching the files; snapshotMarkers lists committed markers', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 4096 });
  for (let i = 1; i <= 60; i++) await wal.save({ term: 1, vote: 1n, commit: i - 1 }, [entry(i, 1, `entry ${i}`.padEnd(90, '.'))]);
  await wal.saveSnapshot({ index: 20, term: 1 });
  await wal.saveSnapshot({ index: 50, term: 1 });
  await wal.saveSnapshot({ index: 70, term: 1 }); // beyond the saved commit (59): not usable
  const names = wal.segmentNames;
  await wal.close();
  assert.deepEqual(Wal.snapshotMarkers(dir), [
    { index: 0, term: 0 },
    { index: 20, term: 1 },
    { index: 50, term: 1 },
  ]);

  // Tear the last record; read() reports the log without it and leaves the bytes alone.
  const tail = path.join(dir, names.at(-1)!);
  const bytes = fs.readFileSync(tail);
  let end = bytes.length;
  while (bytes[end - 1] === 0) end--;
  bytes[end - 1] = 0; // the last non-zero byte of the snapshot marker for 70
  fs.writeFileSync(tail, bytes);
  const read = Wal.read(dir, { index: 50, term: 1 });
  assert.deepEqual(read.entries.map((e) => e.index), [51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
  assert.deepEqual(fs.readFileSync(tail), bytes);
});
