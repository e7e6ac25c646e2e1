import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBuffer } from '../../../src/wal/frame-buffer.js';
import { frameSize } from '../../../src/wal/record-frame.js';
import { scanSegment, type DecodedRecord } from '../../../src/wal/segment-scanner.js';
import type { WalEntry } from '../../../src/wal/types.js';

function entry(index: number, term: number, text: string, type: 0 | 1 = 0): WalEntry {
  return { index, term, type, data: new TextEncoder().encode(text) };
}

function scanAll(buf: Buffer, crc: number | null = null) {
  const records: DecodedRecord[] = [];
  const scan = scanSegment(buf, crc, (r) => records.push(r));
  return { records, scan };
}

/** Places the encoded frames at the start of a zero-filled "preallocated" file. */
function inFile(frames: Buffer, size = 4096): Buffer {
  const file = Buffer.alloc(size);
  frames.copy(file);
  return file;
}

test('frames are padded to 8 bytes', () => {
  assert.equal(frameSize(0), 16);
  assert.equal(frameSize(4), 16);
  assert.equal(frameSize(5), 24);
  assert.equal(frameSize(17), 32);
  const fb = new FrameBuffer(16);
  fb.appendEntry(entry(1, 1, 'abc'));
  assert.equal(fb.length, frameSize(17 + 3));
  assert.equal(fb.length % 8, 0);
});

test('every record kind survives encode and decode', () => {
  const fb = new FrameBuffer(8); // tiny, so the buffer has to grow
  fb.appendCrc();
  fb.appendMetadata(Uint8Array.from([1, 2, 3, 4, 5]));
  fb.appendSnapshotMarker({ index: 0, term: 0 });
  fb.appendEntry(entry(1, 1, 'hello'));
  fb.appendEntry(entry(2, 1, '', 1));
  fb.appendEntry({ index: 2 ** 53 - 1, term: 2 ** 40 + 3, type: 0, data: new Uint8Array(1000).fill(7) });
  fb.appendHardState({ term: 5, vote: 0xfedc_ba98_7654_3210n, commit: 2 });
  const end = fb.seal(0);
  const { records, scan } = scanAll(inFile(fb.bytes()));
  assert.deepEqual(scan.tail, { kind: 'clean' });
  assert.equal(scan.end, fb.length);
  assert.equal(scan.runningCrc, end);
  assert.deepEqual(
    records.map((r) => r.kind),
    ['crc', 'metadata', 'snapshot', 'entry', 'entry', 'entry', 'hardState'],
  );
  const [crc, meta, snap, e1, e2, e3, hs] = records;
  assert.deepEqual(crc, { kind: 'crc', offset: 0, value: 0 });
  assert.deepEqual(meta?.kind === 'metadata' && [...meta.metadata], [1, 2, 3, 4, 5]);
  assert.deepEqual(snap?.kind === 'snapshot' && snap.marker, { index: 0, term: 0 });
  assert.deepEqual(e1?.kind === 'entry' && e1.entry, entry(1, 1, 'hello'));
  assert.deepEqual(e2?.kind === 'entry' && e2.entry, entry(2, 1, '', 1));
  assert.ok(e3?.kind === 'entry');
  assert.equal(e3.entry.index, 2 ** 53 - 1);
  assert.equal(e3.entry.term, 2 ** 40 + 3);
  assert.equal(e3.entry.data.length, 1000);
  assert.ok(e3.entry.data.every((b) => b === 7));
  assert.deepEqual(hs?.kind === 'hardState' && hs.state, { term: 5, vote: 0xfedc_ba98_7654_3210n, commit: 2 });
});

test('checksums chain across seals and a crc record carries the running value', () => {
  const fb = new FrameBuffer();
  fb.appendEntry(entry(1, 1, 'a'));
  const afterFirst = fb.seal(0x1234);
  fb.appendEntry(entry(2, 1, 'b'));
  fb.seal(afterFirst);
  // The first segment's content chains from 0x1234; a reader must be told that value.
  assert.deepEqual(scanAll(inFile(fb.bytes()), 0x1234).scan.tail, { kind: 'clean' });
  const wrongSeed = scanAll(inFile(fb.bytes()), 0x9999).scan.tail;
  assert.equal(wrongSeed.kind === 'corrupt' && wrongSeed.offset, 0);

  // A segment that starts with a crc record can be read without knowing the value before it.
  const next = new FrameBuffer();
  next.appendCrc();
  next.appendEntry(entry(3, 2, 'c'));
  next.seal(0xabcdef);
  const { records, scan } = scanAll(inFile(next.bytes()));
  assert.deepEqual(scan.tail, { kind: 'clean' });
  assert.deepEqual(records[0], { kind: 'crc', offset: 0, value: 0xabcdef });
  // ...and when the reader does know the running value, it must match the carried one.
  const broken = scanAll(inFile(next.bytes()), 0xabcdee).scan.tail;
  assert.equal(broken.kind, 'corrupt');
  assert.match(broken.kind === 'corrupt' ? broken.reason : '', /chain/);
});

test('a swapped pair of records breaks the chain', () => {
  const a = new FrameBuffer();
  a.appendEntry(entry(1, 1, 'first'));
  a.appendEntry(entry(2, 1, 'second'));
  a.seal(0);
  const bytes = a.bytes();
  const half = frameSize(17 + 5);
  const swapped = Buffer.concat([bytes.subarray(half, 2 * half), bytes.subarray(0, half)]);
  const { records, scan } = scanAll(inFile(swapped), 0);
  assert.equal(records.length, 0);
  assert.equal(scan.tail.kind, 'corrupt');
});

test('an all-zero file is an empty, cleanly ended segment', () => {
  const { records, scan } = scanAll(Buffer.alloc(1024));
  assert.equal(records.length, 0);
  assert.deepEqual(scan.tail, { kind: 'clean' });
  assert.equal(scan.end, 0);
});

test('out-of-range values are refused when encoding', () => {
  const fb = new FrameBuffer();
  assert.throws(() => fb.appendEntry({ index: -1, term: 1, type: 0, data: new Uint8Array() }), RangeError);
  assert.throws(() => fb.appendEntry({ index: 1.5, term: 1, type: 0, data: new Uint8Array() }), RangeError);
  assert.throws(() => fb.appendHardState({ term: 1, vote: 1n << 64n, commit: 0 }), RangeError);
  assert.throws(() => fb.appendHardState({ term: 1, vote: -1n, commit: 0 }), RangeError);
  assert.equal(fb.length, 0);
});

test('property: any sequence of records decodes to what was encoded, whatever the seal points', async () => {
  const fc = await import('fast-check');
  const arbEntry = fc.record({
    term: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    index: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    type: fc.constantFrom(0 as const, 1 as const),
    data: fc.uint8Array({ maxLength: 64 }),
  });
  const arbState = fc.record({
    term: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    vote: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    commit: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  });
  const arbRecord = fc.oneof(
    arbEntry.map((entry) => ({ kind: 'entry' as const, entry })),
    arbState.map((state) => ({ kind: 'hardState' as const, state })),
    fc.uint8Array({ maxLength: 40 }).map((metadata) => ({ kind: 'metadata' as const, metadata })),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(arbRecord, fc.boolean()), { maxLength: 30 }), fc.integer({ min: 0, max: 0xffffffff }), (records, seed) => {
      const fb = new FrameBuffer(16);
      let crc = seed;
      for (const [record, sealAfter] of records) {
        if (record.kind === 'entry') fb.appendEntry(record.entry);
        else if (record.kind === 'hardState') fb.appendHardState(record.state);
        else fb.appendMetadata(record.metadata);
        if (sealAfter) crc = fb.seal(crc);
      }
      crc = fb.seal(crc);
      const decoded: DecodedRecord[] = [];
      const scan = scanSegment(Buffer.concat([fb.bytes(), Buffer.alloc(64)]), seed, (r) => decoded.push(r));
      assert.deepEqual(scan.tail, { kind: 'clean' });
      assert.equal(scan.runningCrc, records.length > 0 ? crc : seed);
      assert.deepEqual(
        decoded.map((r) => (r.kind === 'entry' ? { kind: r.kind, entry: r.entry } : r.kind === 'hardState' ? { kind: r.kind, state: r.state } : r.kind === 'metadata' ? { kind: r.kind, metadata: r.metadata } : r)),
        // fast-check builds objects without a prototype; compare plain copies.
        records.map(([r]) => (r.kind === 'entry' ? { kind: r.kind, entry: { ...r.entry } } : r.kind === 'hardState' ? { kind: r.kind, state: { ...r.state } } : { ...r })),
      );
    }),
    { numRuns: 200, seed: 7 },
  );
});

test('small and large entry data come back intact and independent of each other', () => {
  const fb = new FrameBuffer();
  const big = new Uint8Array(70_000).map((_, i) => i % 251);
  fb.appendEntry({ index: 1, term: 1, type: 0, data: Uint8Array.from([1, 2, 3]) });
  fb.appendEntry({ index: 2, term: 1, type: 0, data: big });
  fb.appendEntry({ index: 3, term: 1, type: 0, data: Uint8Array.from([4, 5]) });
  fb.seal(0);
  const file = inFile(fb.bytes(), fb.length + 64);
  const { records } = scanAll(file);
  const data = records.map((r) => (r.kind === 'entry' ? r.entry.data : new Uint8Array()));
  assert.deepEqual(data, [Uint8Array.from([1, 2, 3]), big, Uint8Array.from([4, 5])]);
  data[0]!.fill(9);
  file.fill(7); // the decoded data are copies, not views of the file buffer
  assert.deepEqual(data[2], Uint8Array.from([4, 5]));
  assert.deepEqual(data[1], big);
});
