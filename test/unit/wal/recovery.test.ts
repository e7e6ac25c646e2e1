import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Wal } from '../../../src/wal/wal.js';
import { WalCorruptionError } from '../../../src/wal/errors.js';
import { nodeFileIo, rememberingReads } from '../../../src/wal/file-io.js';
import { scanSegment, type DecodedRecord } from '../../../src/wal/segment-scanner.js';
import { frameSize } from '../../../src/wal/record-frame.js';
import { METADATA, SMALL_SEGMENT, entry, freshWalDir, text } from './wal-helpers.js';

const ZERO = { index: 0, term: 0 };
const opts = { segmentSize: SMALL_SEGMENT };

interface FrameSpan {
  record: DecodedRecord;
  start: number;
  /** Just past the last non-zero byte of the frame. */
  payloadEnd: number;
  end: number;
}

function frames(file: string): FrameSpan[] {
  const buf = fs.readFileSync(file);
  const spans: FrameSpan[] = [];
  scanSegment(buf, null, (record) => {
    const length = buf.readUInt32LE(record.offset + 4);
    let payloadEnd = record.offset + 12 + length;
    while (buf[payloadEnd - 1] === 0) payloadEnd--; // trailing zero bytes survive a cut unchanged
    spans.push({ record, start: record.offset, payloadEnd, end: record.offset + frameSize(length) });
  });
  return spans;
}

async function onlySegment(dir: string): Promise<string> {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.wal'));
  assert.equal(names.length, 1);
  return path.join(dir, names[0]!);
}

/** A log of entries 1..3 in separate saves, then one last batch: entries 4..6 and a hard state. */
async function logWithLastBatch(dir: string): Promise<void> {
  const wal = await Wal.create(dir, METADATA, opts);
  for (let i = 1; i <= 3; i++) await wal.save({ term: 1, vote: 1n, commit: i - 1 }, [entry(i, 1)]);
  await wal.save({ term: 2, vote: 2n, commit: 3 }, [entry(4, 2), entry(5, 2), entry(6, 2, 'six')]);
  await wal.close();
}

test('a write torn at any byte of the last batch: whole records survive, open succeeds, appending works', async () => {
  const dir = freshWalDir();
  await logWithLastBatch(dir);
  const file = await onlySegment(dir);
  const original = fs.readFileSync(file);
  const spans = frames(file);
  const lastBatch = spans.filter((s) => (s.record.kind === 'entry' && s.record.entry.index >= 4) || s === spans.at(-1));
  const batchStart = lastBatch[0]!.start;
  const batchEnd = lastBatch.at(-1)!.end;
  assert.equal(lastBatch.length, 4);

  for (let cut = batchStart; cut <= batchEnd; cut++) {
    const torn = Buffer.from(original);
    torn.fill(0, cut);
    fs.writeFileSync(file, torn);
    const survivors = spans.filter((s) => s.payloadEnd <= cut);
    const expectedIndexes = survivors.flatMap((s) => (s.record.kind === 'entry' ? [s.record.entry.index] : []));
    const expectedState = survivors.flatMap((s) => (s.record.kind === 'hardState' ? [s.record.state] : [])).at(-1);

    const opened = await Wal.open(dir, ZERO, opts);
    assert.deepEqual(opened.entries.map((e) => e.index), expectedIndexes, `cut at byte ${cut}`);
    assert.deepEqual(opened.hardState, expectedState, `cut at byte ${cut}`);
    if ((cut - batchStart) % 9 !== 0) {
      await opened.wal.close();
      continue;
    }
    // Append after recovery, then read everything back: the torn bytes must not resurface.
    const next = expectedIndexes.at(-1)! + 1;
    await opened.wal.save(null, [entry(next, 3, 'after recovery')]);
    await opened.wal.close();
    const reopened = await Wal.open(dir, ZERO, opts);
    assert.deepEqual(reopened.entries.map((e) => e.index), [...expectedIndexes, next], `append after cut at ${cut}`);
    assert.equal(text(reopened.entries.at(-1)!.data), 'after recovery');
    await reopened.wal.close();
  }
});

test('a file cut short in the middle of its last record is a torn write', async () => {
  const dir = freshWalDir();
  await logWithLastBatch(dir);
  const file = await onlySegment(dir);
  const last = frames(file).at(-1)!;
  fs.truncateSync(file, last.start + 7);
  const opened = await Wal.open(dir, ZERO, opts);
  assert.deepEqual(opened.entries.map((e) => e.index), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(opened.hardState, { term: 1, vote: 1n, commit: 2 });
  await opened.wal.save(null, [entry(7, 2)]);
  await opened.wal.close();
  const reopened = await Wal.open(dir, ZERO, opts);
  assert.deepEqual(reopened.entries.map((e) => e.index), [1, 2, 3, 4, 5, 6, 7]);
  await reopened.wal.close();
});

test('a flipped bit anywhere in a record before the last refuses to open, naming file and offset', async () => {
  const dir = freshWalDir();
  await logWithLastBatch(dir);
  const file = await onlySegment(dir);
  const name = path.basename(file);
  const original = fs.readFileSync(file);
  const spans = frames(file);
  // Every record except the last: the metadata, the entries and hard states in the middle.
  const middle = spans.slice(1, -1);
  let checked = 0;
  for (const span of middle) {
    for (let at = span.start; at < span.end; at++) {
      {
        const bit = (at * 3) % 8; // every bit position, across the bytes of each record
        const damaged = Buffer.from(original);
        damaged[at]! ^= 1 << bit;
        fs.writeFileSync(file, damaged);
        await assert.rejects(Wal.open(dir, ZERO, opts), (err: unknown) => {
          assert.ok(err instanceof WalCorruptionError, `flip at ${at}: ${String(err)}`);
          assert.equal(err.file, name);
          assert.ok(err.offset >= span.start && err.offset < span.end, `flip at ${at} reported at ${err.offset}`);
          assert.match(err.message, new RegExp(`${name} is corrupt at byte offset ${err.offset}`));
          return true;
        });
        checked++;
      }
    }
  }
  assert.ok(checked > 250);
  fs.writeFileSync(file, original);
  const intact = await Wal.open(dir, ZERO, opts);
  assert.equal(intact.entries.length, 6);
  await intact.wal.close();
});

test('the zero tail of a preallocated segment is the clean end; stray bytes inside it are corruption', async () => {
  const dir = freshWalDir();
  await logWithLastBatch(dir);
  const file = await onlySegment(dir);
  const end = frames(file).at(-1)!.end;
  assert.equal(fs.statSync(file).size, SMALL_SEGMENT);
  const original = fs.readFileSync(file);

  const stray = Buffer.from(original);
  stray[end + 100] = 0x5a;
  fs.writeFileSync(file, stray);
  await assert.rejects(Wal.open(dir, ZERO, opts), (err: unknown) => err instanceof WalCorruptionError && err.offset === end + 100);

  // Data after a whole zero sector is what a write looks like when its sectors reached the disk
  // out of order: the log ends before the missing sector.
  const lostSector = Buffer.from(original);
  const sectorAfter = Math.ceil(end / 512) * 512 + 512;
  lostSector.fill(0x5a, sectorAfter, sectorAfter + 40);
  fs.writeFileSync(file, lostSector);
  const opened = await Wal.open(dir, ZERO, opts);
  assert.equal(opened.entries.length, 6);
  await opened.wal.close();
  assert.ok(fs.readFileSync(file).subarray(end).every((b) => b === 0), 'the stray write is zeroed on open');
});

test('damage at the end of a segment that is not the last refuses to open', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, opts);
  for (let i = 1; i <= 80; i++) await wal.save(null, [entry(i, 1, `entry ${i} `.padEnd(100, '.'))]);
  const names = wal.segmentNames;
  await wal.close();
  assert.ok(names.length >= 2);
  const first = path.join(dir, names[0]!);
  const last = frames(first).at(-1)!;
  const buf = fs.readFileSync(first);
  buf.fill(0, last.start + 20); // looks torn, but later segments were written after it
  fs.writeFileSync(first, buf);
  await assert.rejects(Wal.open(dir, ZERO, opts), (err: unknown) => {
    assert.ok(err instanceof WalCorruptionError);
    assert.equal(err.file, names[0]);
    assert.equal(err.offset, last.start);
    assert.match(err.reason, /not the last/);
    return true;
  });
});

test('a sector of the last write that never reached the disk ends the log there, even with later sectors present', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, opts);
  await wal.save(null, [entry(1, 1)]);
  await wal.save(null, [entry(2, 1, 'b'.repeat(1200)), entry(3, 1, 'c'.repeat(300))]);
  await wal.close();
  const file = await onlySegment(dir);
  const spans = frames(file);
  const second = spans.find((s) => s.record.kind === 'entry' && s.record.entry.index === 2)!;
  const buf = fs.readFileSync(file);
  const sector = Math.ceil((second.start + 20) / 512) * 512;
  assert.ok(sector + 512 <= second.end);
  buf.fill(0, sector, sector + 512);
  fs.writeFileSync(file, buf);

  const opened = await Wal.open(dir, ZERO, opts);
  assert.deepEqual(opened.entries.map((e) => e.index), [1]);
  await opened.wal.save(null, [entry(2, 2, 'rewritten')]);
  await opened.wal.close();
  const reopened = await Wal.open(dir, ZERO, opts);
  assert.deepEqual(reopened.entries.map((e) => [e.index, text(e.data)]), [
    [1, 'entry 1'],
    [2, 'rewritten'],
  ]);
  await reopened.wal.close();
});

test('property: damage anywhere never yields altered entries, only an error or a shorter log', async () => {
  const fc = await import('fast-check');
  const dir = freshWalDir();
  await logWithLastBatch(dir);
  const file = await onlySegment(dir);
  const original = fs.readFileSync(file);
  const intact = Wal.read(dir, ZERO).entries;
  let errors = 0;
  let shorter = 0;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      (damage) => {
        const buf = Buffer.from(original);
        for (const [at, value] of damage) buf[at] = value;
        if (buf.equals(original)) return;
        fs.writeFileSync(file, buf);
        let entries;
        try {
          entries = Wal.read(dir, ZERO).entries;
        } catch {
          errors++;
          return;
        }
        assert.ok(entries.length <= intact.length);
        if (entries.length < intact.length) shorter++;
        entries.forEach((e, i) => assert.deepEqual(e, intact[i]));
      },
    ),
    { numRuns: 300, seed: 11 },
  );
  fs.writeFileSync(file, original);
  assert.ok(errors > 100, `${errors} refused`);
  assert.ok(shorter > 0, `${shorter} read as torn`);
});

test('remembered reads give a restart the same log, and forget once it is open', () => {
  const dir = freshWalDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'one');
  const reads = rememberingReads(nodeFileIo);
  assert.equal(reads.io.readWhole(file).toString(), 'one');
  fs.writeFileSync(file, 'two');
  assert.equal(reads.io.readWhole(file).toString(), 'one', 'read again from memory');
  assert.equal(reads.io.exists(file), true, 'other operations go to the file system');
  reads.forget();
  assert.equal(reads.io.readWhole(file).toString(), 'two');
});
