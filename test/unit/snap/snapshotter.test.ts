import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Snapshotter } from '../../../src/snap/snapshotter.js';
import { formatSnapshotName, parseSnapshotName } from '../../../src/snap/snapshot-name.js';
import type { SnapshotToSave } from '../../../src/snap/snapshot.js';
import { CrashFileIo } from '../wal/crash-file-io.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function freshSnapDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-snap-'));
  roots.push(root);
  return path.join(root, 'snap');
}

function snapshot(index: number, term: number, body = `store at ${index}`): SnapshotToSave {
  return {
    index,
    term,
    confState: { voters: [0x8e9e05c52164694dn, 0xfffffffffffffffen], learners: [3n] },
    data: new TextEncoder().encode(body),
  };
}

test('snapshot names carry term and index in 16 hex digits', () => {
  assert.equal(formatSnapshotName(2, 0x3e8), '0000000000000002-00000000000003e8.snap');
  assert.deepEqual(parseSnapshotName('0000000000000002-00000000000003e8.snap'), { term: 2, index: 1000 });
  assert.equal(parseSnapshotName('0000000000000002-00000000000003e8.snap.broken'), null);
});

test('save then loadNewest returns the same snapshot', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  assert.deepEqual(await snapshotter.loadNewest(), { snapshot: null, file: null, broken: [] });
  const name = await snapshotter.save(snapshot(1000, 2));
  assert.equal(name, '0000000000000002-00000000000003e8.snap');
  assert.deepEqual(fs.readdirSync(dir), [name], 'no temporary file is left');
  const loaded = await snapshotter.loadNewest();
  assert.equal(loaded.file, name);
  assert.deepEqual(loaded.broken, []);
  assert.deepEqual(loaded.snapshot, { ...snapshot(1000, 2), data: new TextEncoder().encode('store at 1000') });
});

test('a snapshot without confState loads with empty member lists', async () => {
  const snapshotter = new Snapshotter(freshSnapDir());
  await snapshotter.save({ index: 5, term: 1, data: new Uint8Array([1, 2, 3]) });
  const { snapshot: loaded } = await snapshotter.loadNewest();
  assert.deepEqual(loaded, { index: 5, term: 1, confState: { voters: [], learners: [] }, data: new Uint8Array([1, 2, 3]) });
  await snapshotter.save({ index: 6, term: 1, confState: { voters: [1n] }, data: new Uint8Array() });
  assert.deepEqual((await snapshotter.loadNewest()).snapshot?.confState, { voters: [1n], learners: [] });
});

test('loadNewest picks the newest, skips and reports damaged files, and falls back to older ones', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  for (const [index, term] of [[100, 1], [200, 1], [300, 2], [400, 3]] as const) await snapshotter.save(snapshot(index, term));
  assert.equal((await snapshotter.loadNewest()).snapshot?.index, 400);

  const newest = path.join(dir, formatSnapshotName(3, 400));
  const flipped = fs.readFileSync(newest);
  flipped[flipped.length - 3]! ^= 0x10;
  fs.writeFileSync(newest, flipped);
  const second = path.join(dir, formatSnapshotName(2, 300));
  fs.truncateSync(second, 20);

  const loaded = await snapshotter.loadNewest();
  assert.equal(loaded.snapshot?.index, 200);
  assert.equal(loaded.file, formatSnapshotName(1, 200));
  assert.deepEqual(loaded.broken.map((b) => b.file), [formatSnapshotName(3, 400), formatSnapshotName(2, 300)]);
  assert.match(loaded.broken[0]!.reason, /checksum mismatch/);
  assert.match(loaded.broken[1]!.reason, /too short/);
  // Damaged files are set aside, so they are reported once and kept for inspection.
  assert.ok(fs.existsSync(`${newest}.broken`));
  assert.ok(!fs.existsSync(newest));
  const again = await snapshotter.loadNewest();
  assert.equal(again.snapshot?.index, 200);
  assert.deepEqual(again.broken, []);
});

test('a file whose content does not match its name is not trusted', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  await snapshotter.save(snapshot(10, 1));
  fs.copyFileSync(path.join(dir, formatSnapshotName(1, 10)), path.join(dir, formatSnapshotName(1, 20)));
  const loaded = await snapshotter.loadNewest();
  assert.equal(loaded.snapshot?.index, 10);
  assert.match(loaded.broken[0]?.reason ?? '', /not what its name says/);
});

test('loadNewest can be limited to snapshots the log knows about', async () => {
  const snapshotter = new Snapshotter(freshSnapDir());
  await snapshotter.save(snapshot(10, 1));
  await snapshotter.save(snapshot(20, 1));
  const loaded = await snapshotter.loadNewest((m) => m.index === 10 && m.term === 1);
  assert.equal(loaded.snapshot?.index, 10);
  assert.deepEqual(loaded.broken, []);
});

test('purge keeps the newest snapshots and removes leftover temporary files', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  for (let i = 1; i <= 8; i++) await snapshotter.save(snapshot(i * 10, 1));
  fs.writeFileSync(path.join(dir, `${formatSnapshotName(1, 90)}.tmp`), 'half written');
  const deleted = await snapshotter.purge(3);
  assert.equal(deleted.length, 6);
  assert.deepEqual(snapshotter.snapshotFiles(), [80, 70, 60].map((i) => formatSnapshotName(1, i)));
  assert.deepEqual(fs.readdirSync(dir).sort(), [60, 70, 80].map((i) => formatSnapshotName(1, i)));
  assert.deepEqual(await snapshotter.purge(), []);
});

test('a crash at any step of save leaves the old snapshot or the new one, never a damaged file', async () => {
  const dir = freshSnapDir();
  let sawNew = false;
  let sawOld = false;
  for (let step = 1; step <= 8; step++) {
    fs.rmSync(dir, { recursive: true, force: true });
    const io = new CrashFileIo();
    const snapshotter = new Snapshotter(dir, { io });
    await snapshotter.save(snapshot(10, 1, 'old'));
    io.crashBeforeOperation(step);
    const saved = await snapshotter.save(snapshot(20, 1, 'new')).then(
      () => true,
      () => false,
    );
    await io.crash(7);
    io.restart();
    const loaded = await new Snapshotter(dir, { io }).loadNewest();
    assert.deepEqual(loaded.broken, [], `crash before step ${step}`);
    const body = new TextDecoder().decode(loaded.snapshot!.data);
    if (saved) assert.equal(body, 'new', `save resolved before the crash at step ${step}, so it must survive`);
    if (body === 'new') sawNew = true;
    else sawOld = true;
  }
  assert.ok(sawNew && sawOld);
});

test('a file built a slice at a time from parts is the file encodeSnapshot writes', async () => {
  const { SnapshotFileBuilder, encodeSnapshot, decodeSnapshot } = await import('../../../src/snap/snapshot-codec.js');
  const parts = [Buffer.from('head'), Buffer.alloc(0), Buffer.from('x'.repeat(1000)), Buffer.from('ünïcode tail')];
  const meta = { index: 42, term: 7, confState: { voters: [1n, 2n], learners: [3n] } };
  const whole = encodeSnapshot({ ...meta, data: Buffer.concat(parts) });
  for (const budget of [1, 7, 333, 5000]) {
    const builder = new SnapshotFileBuilder(meta, parts);
    let steps = 1;
    while (!builder.step(budget)) steps++;
    assert.ok(budget >= 5000 || steps > 1, `budget ${budget} took ${steps} step(s)`);
    assert.deepEqual(builder.file, whole);
    assert.deepEqual(Buffer.from(builder.data), Buffer.concat(parts));
    const decoded = decodeSnapshot(builder.file);
    assert.ok(typeof decoded !== 'string', String(decoded));
    assert.deepEqual(Buffer.from(decoded.data), Buffer.concat(parts));
  }
});

test('parts whose checksums an earlier build computed are not read again, and the file is the same', async () => {
  const { SnapshotFileBuilder, encodeSnapshot } = await import('../../../src/snap/snapshot-codec.js');
  const meta = { index: 9, term: 2, confState: { voters: [1n], learners: [] } };
  const old = [Buffer.from('a'.repeat(4000)), Buffer.from('b'.repeat(3000)), Buffer.from('c')];
  const first = new SnapshotFileBuilder(meta, old, { immutableParts: true });
  while (!first.step(1000));
  // The next build reads only its 5 new bytes: with a budget of 5 it is done in one step.
  const fresh = Buffer.from('new!!');
  const parts = [fresh, old[1]!, old[0]!, old[2]!];
  const second = new SnapshotFileBuilder(meta, parts, { immutableParts: true });
  assert.equal(second.step(5), true);
  assert.deepEqual(second.file, encodeSnapshot({ ...meta, data: Buffer.concat(parts) }));
  // Without the promise that parts never change, every byte is read.
  const plain = new SnapshotFileBuilder(meta, parts);
  assert.equal(plain.step(5), false);
});

test('a snapshot saved as parts reads back whole, parts of every size cut across the sync slices', async () => {
  const { SnapshotFileBuilder } = await import('../../../src/snap/snapshot-codec.js');
  const dir = freshSnapDir();
  const meta = { index: 11, term: 3, confState: { voters: [1n, 2n, 3n], learners: [] } };
  const mib = 1024 * 1024;
  const parts = [3 * mib, 10, 0, mib + mib / 2, 700 * 1024, 1].map((n, i) => Buffer.alloc(n, 97 + i));
  const builder = new SnapshotFileBuilder(meta, parts);
  while (!builder.step(mib));
  const name = await new Snapshotter(dir).saveFile(meta.term, meta.index, builder.fileParts());
  assert.deepEqual(fs.readFileSync(path.join(dir, name)), builder.file);
  const loaded = await new Snapshotter(dir).loadNewest();
  assert.deepEqual(Buffer.from(loaded.snapshot!.data), Buffer.concat(parts));
});

/** Builds and saves a snapshot of `parts` through `saveBuilt`, letting it refer to earlier files. */
async function saveShared(snapshotter: Snapshotter, index: number, parts: Buffer[]): Promise<string> {
  const { SnapshotFileBuilder } = await import('../../../src/snap/snapshot-codec.js');
  const meta = { index, term: 1, confState: { voters: [1n], learners: [] } };
  const builder = new SnapshotFileBuilder(meta, parts, { immutableParts: true, locate: snapshotter.planReuse(parts) });
  while (!builder.step(4096));
  return snapshotter.saveBuilt(1, index, builder);
}

function chunk(fill: string, bytes = 10_000): Buffer {
  return Buffer.from(fill.repeat(bytes / fill.length));
}

test('a snapshot refers to earlier files for the parts they hold, and loads whole', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  const a = chunk('a');
  const b = chunk('b');
  const c = chunk('c');
  const first = await saveShared(snapshotter, 10, [Buffer.from('head 10'), a, b, c]);
  const d = chunk('d');
  const second = await saveShared(snapshotter, 20, [Buffer.from('head 20'), a, d, c]);
  const e = chunk('e');
  const third = await saveShared(snapshotter, 30, [Buffer.from('head 30'), a, d, c, e]);
  const size = (name: string): number => fs.statSync(path.join(dir, name)).size;
  assert.ok(size(first) > 30_000, `the first holds every part: ${size(first)} bytes`);
  assert.ok(size(second) > 10_000 && size(second) < 10_500, `the second holds only its new part: ${size(second)} bytes`);
  assert.ok(size(third) > 10_000 && size(third) < 10_500, `the third holds only its new part: ${size(third)} bytes`);

  const loaded = await new Snapshotter(dir).loadNewest();
  assert.equal(loaded.file, third);
  assert.deepEqual(Buffer.from(loaded.snapshot!.data), Buffer.concat([Buffer.from('head 30'), a, d, c, e]));
  const older = await new Snapshotter(dir).loadNewest((m) => m.index === 20);
  assert.deepEqual(Buffer.from(older.snapshot!.data), Buffer.concat([Buffer.from('head 20'), a, d, c]));
});

test('a snapshot whose earlier file is damaged or gone is set aside, and an older one is used', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  const a = chunk('a');
  const first = await saveShared(snapshotter, 10, [Buffer.from('h1'), a]);
  const second = await saveShared(snapshotter, 20, [Buffer.from('h2'), a, chunk('b')]);
  const third = await saveShared(snapshotter, 30, [Buffer.from('h3'), a, chunk('c')]);
  // A flipped byte inside the part the later files refer to: the first file is damaged too.
  const firstPath = path.join(dir, first);
  const bytes = fs.readFileSync(firstPath);
  bytes[bytes.length - 100]! ^= 0x01;
  fs.writeFileSync(firstPath, bytes);
  const loaded = await new Snapshotter(dir).loadNewest();
  assert.equal(loaded.snapshot, null);
  assert.deepEqual(loaded.broken.map((x) => x.file), [third, second, first]);
  assert.match(loaded.broken[0]!.reason, new RegExp(`part 1 \\(10000 bytes at offset \\d+ of ${first}\\): checksum mismatch`));
  assert.match(loaded.broken[2]!.reason, /checksum mismatch/);

  // A missing earlier file: the snapshot that needs it is skipped for one that does not.
  const dir2 = freshSnapDir();
  const s2 = new Snapshotter(dir2);
  const base = await saveShared(s2, 10, [Buffer.from('h1'), a]);
  const delta = await saveShared(s2, 20, [Buffer.from('h2'), a, chunk('b')]);
  fs.renameSync(path.join(dir2, base), path.join(dir2, 'elsewhere'));
  const again = await new Snapshotter(dir2).loadNewest();
  assert.equal(again.snapshot, null);
  assert.equal(again.broken[0]!.file, delta);
  assert.match(again.broken[0]!.reason, new RegExp(`part 1 is in ${base}, which cannot be read`));
});

test('purge keeps every file a kept snapshot refers to, also after a restart', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  const a = chunk('a');
  const base = await saveShared(snapshotter, 10, [Buffer.from('h'), a, chunk('x', 2000)]);
  for (let i = 2; i <= 6; i++) await saveShared(snapshotter, i * 10, [Buffer.from(`h${i}`), a, chunk(String(i))]);
  // Every later file refers to the first for `a`: it stays although it is not among the newest 3.
  assert.deepEqual(await snapshotter.purge(3), [30, 20].map((i) => formatSnapshotName(1, i)));
  assert.ok(fs.existsSync(path.join(dir, base)));
  // A new snapshotter (a restart) reads what the kept files refer to from their heads.
  assert.deepEqual(await new Snapshotter(dir).purge(3), []);
  assert.deepEqual(await new Snapshotter(dir).purge(1), [50, 40].map((i) => formatSnapshotName(1, i)));
  assert.deepEqual(new Snapshotter(dir).snapshotFiles(), [formatSnapshotName(1, 60), base]);
  const loaded = await new Snapshotter(dir).loadNewest();
  assert.deepEqual(Buffer.from(loaded.snapshot!.data), Buffer.concat([Buffer.from('h6'), a, chunk('6')]));
});

test('a file with less than half its bytes still in use is not referred to: its parts are written again', async () => {
  const dir = freshSnapDir();
  const snapshotter = new Snapshotter(dir);
  const keep = chunk('k', 4000);
  const first = await saveShared(snapshotter, 10, [keep, chunk('x', 6000)]);
  // 4000 of the first file's 10000 bytes are still in use: not enough to refer to it.
  const y = chunk('y', 6000);
  const second = await saveShared(snapshotter, 20, [keep, y]);
  assert.ok(fs.statSync(path.join(dir, second)).size > 10_000);
  // The second file holds `keep` as well, all of it in use: the third refers to it.
  const third = await saveShared(snapshotter, 30, [keep, y, chunk('z', 100)]);
  assert.ok(fs.statSync(path.join(dir, third)).size < 1_000);
  assert.deepEqual(await snapshotter.purge(2), [first]);
  assert.deepEqual(Buffer.from((await new Snapshotter(dir).loadNewest()).snapshot!.data), Buffer.concat([keep, y, chunk('z', 100)]));
});
