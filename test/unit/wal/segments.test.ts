import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Wal } from '../../../src/wal/wal.js';
import { WalError } from '../../../src/wal/errors.js';
import { formatSegmentName, parseSegmentName } from '../../../src/wal/segment-name.js';
import { METADATA, SMALL_SEGMENT, entry, freshWalDir } from './wal-helpers.js';

const ZERO = { index: 0, term: 0 };
const opts = { segmentSize: SMALL_SEGMENT };

function walFiles(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/** Saves entries 1..count one batch at a time, each ~100 bytes of data. */
async function fill(wal: Wal, from: number, to: number, term = 1): Promise<void> {
  for (let i = from; i <= to; i++) await wal.save({ term, vote: 0n, commit: i - 1 }, [entry(i, term, `entry ${i} `.padEnd(100, '.'))]);
}

test('segment names carry the sequence and first index in 16 hex digits', () => {
  assert.equal(formatSegmentName(1, 0x1f), '0000000000000001-000000000000001f.wal');
  assert.deepEqual(parseSegmentName('00000000000000ff-0000000000001000.wal'), {
    seq: 255,
    firstIndex: 4096,
    name: '00000000000000ff-0000000000001000.wal',
  });
  assert.equal(parseSegmentName('0000000000000001-0000000000000001.snap'), null);
  assert.equal(parseSegmentName('1-1.wal'), null);
});

test('a full segment is followed by a new one named after the next index; replay spans them all', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, opts);
  await fill(wal, 1, 200);
  const names = wal.segmentNames;
  assert.ok(names.length >= 5, `expected several segments, got ${names.length}`);
  assert.equal(wal.stats.segmentsCut, names.length - 1);
  const parsed = names.map((n) => parseSegmentName(n)!);
  parsed.forEach((p, i) => assert.equal(p.seq, i));
  // Each segment is named after the first entry it holds.
  for (let i = 1; i < parsed.length; i++) assert.ok(parsed[i]!.firstIndex > parsed[i - 1]!.firstIndex);
  await wal.close();
  assert.deepEqual(walFiles(dir), names, 'no temporary files are left behind after close');
  for (const name of names) assert.ok(fs.statSync(path.join(dir, name)).size >= SMALL_SEGMENT);

  const opened = await Wal.open(dir, ZERO, opts);
  assert.deepEqual(opened.entries.map((e) => e.index), Array.from({ length: 200 }, (_, i) => i + 1));
  assert.deepEqual(opened.hardState, { term: 1, vote: 0n, commit: 199 });
  // The first entry of each later segment is the one its name announces.
  const firstInSegment = parsed.slice(1).map((p) => p.firstIndex);
  assert.ok(firstInSegment.every((index) => index >= 2 && index <= 200));
  await opened.wal.close();
});

test('releaseTo deletes segments wholly before the snapshot and open from the snapshot still works', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, opts);
  await wal.save({ term: 3, vote: 7n, commit: 0 }, []);
  for (let i = 1; i <= 150; i++) await wal.save(null, [entry(i, 3, `entry ${i} `.padEnd(100, '.'))]);
  await wal.saveSnapshot({ index: 120, term: 3 });
  const before = wal.segmentNames.map((n) => parseSegmentName(n)!);
  const released = await wal.releaseTo(120);
  const after = wal.segmentNames.map((n) => parseSegmentName(n)!);
  assert.ok(released.length > 0);
  assert.deepEqual([...released, ...wal.segmentNames], before.map((s) => s.name));
  // The oldest kept segment starts at or before the snapshot index; the next one after it.
  assert.ok(after[0]!.firstIndex <= 120);
  assert.ok(after.length === 1 || after[1]!.firstIndex > 120);
  assert.deepEqual(walFiles(dir).filter((n) => n.endsWith('.wal')), wal.segmentNames);
  await wal.save(null, [entry(151, 3)]);
  await wal.close();

  const opened = await Wal.open(dir, { index: 120, term: 3 }, opts);
  assert.deepEqual(opened.entries.map((e) => e.index), Array.from({ length: 31 }, (_, i) => 121 + i));
  // The hard state was saved only in the first, now deleted, segment: every segment repeats it.
  assert.deepEqual(opened.hardState, { term: 3, vote: 7n, commit: 0 });
  assert.deepEqual([...opened.metadata], [...METADATA]);
  await opened.wal.close();
  await assert.rejects(Wal.open(dir, ZERO, opts), (err: unknown) => err instanceof WalError && err.code === 'WAL_SNAPSHOT_NOT_FOUND');
});

test('releaseTo never deletes the segment being written, nor anything for an early index', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, opts);
  await fill(wal, 1, 80);
  const all = wal.segmentNames;
  assert.deepEqual(await wal.releaseTo(0), []);
  assert.deepEqual(await wal.releaseTo(1), []);
  await wal.releaseTo(1_000_000);
  assert.deepEqual(wal.segmentNames, all.slice(-1));
  await wal.close();
});

test('a missing segment in the middle refuses to open', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, opts);
  await fill(wal, 1, 120);
  const names = wal.segmentNames;
  await wal.close();
  assert.ok(names.length >= 3);
  fs.unlinkSync(path.join(dir, names[1]!));
  await assert.rejects(Wal.open(dir, ZERO, opts), /not consecutive/);
});

test('a segment from another log breaks the checksum chain', async () => {
  const dirA = freshWalDir();
  const dirB = freshWalDir();
  for (const dir of [dirA, dirB]) {
    const wal = await Wal.create(dir, METADATA, opts);
    await fill(wal, 1, 60, dir === dirA ? 1 : 2);
    await wal.close();
  }
  const namesA = walFiles(dirA);
  const namesB = walFiles(dirB);
  assert.deepEqual(namesA, namesB);
  fs.copyFileSync(path.join(dirB, namesB[1]!), path.join(dirA, namesA[1]!));
  await assert.rejects(Wal.open(dirA, ZERO, opts), (err: unknown) => {
    assert.ok(err instanceof WalError && err.code === 'WAL_CORRUPT');
    assert.match(err.message, new RegExp(`${namesA[1]!} is corrupt at byte offset 0: checksum chain broken`));
    return true;
  });
});

test('stale temporary files from a crash are removed on open', async () => {
  const dir = freshWalDir();
  await (await Wal.create(dir, METADATA, opts)).close();
  fs.writeFileSync(path.join(dir, '7.tmp'), 'half-prepared');
  const opened = await Wal.open(dir, ZERO, opts);
  assert.ok(!fs.existsSync(path.join(dir, '7.tmp')));
  await opened.wal.close();
});
