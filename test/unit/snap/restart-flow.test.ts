import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Snapshotter } from '../../../src/snap/snapshotter.js';
import { Wal } from '../../../src/wal/wal.js';
import { WalError } from '../../../src/wal/errors.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-restart-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const opts = { segmentSize: 4096 };
const text = (s: string) => new TextEncoder().encode(s);

test('restart: the newest snapshot the log has a marker for is the one to start from', async () => {
  const walDir = path.join(root, 'member', 'wal');
  const snapshotter = new Snapshotter(path.join(root, 'member', 'snap'));
  const wal = await Wal.create(walDir, text('member'), opts);
  for (let i = 1; i <= 30; i++) await wal.save({ term: 1, vote: 1n, commit: i }, [{ index: i, term: 1, type: 0, data: text(`put ${i}`) }]);
  // A snapshot taken the way the server takes one: file first, then the marker, then release.
  await snapshotter.save({ index: 20, term: 1, data: text('store at 20') });
  await wal.saveSnapshot({ index: 20, term: 1 });
  await wal.releaseTo(20);
  // The next snapshot's file is written, but the process dies before its marker reaches the log.
  await snapshotter.save({ index: 30, term: 1, data: text('store at 30') });
  await wal.close();

  // Taking the newest file blindly leads to a log that cannot be opened from it...
  const newest = await snapshotter.loadNewest();
  assert.equal(newest.snapshot?.index, 30);
  await assert.rejects(Wal.open(walDir, { index: 30, term: 1 }, opts), (err: unknown) => err instanceof WalError && err.code === 'WAL_SNAPSHOT_NOT_FOUND');

  // ...so restart asks the log which snapshots it can continue from.
  const markers = Wal.snapshotMarkers(walDir);
  const usable = await snapshotter.loadNewest((m) => markers.some((w) => w.index === m.index && w.term === m.term));
  assert.equal(usable.snapshot?.index, 20);
  assert.equal(new TextDecoder().decode(usable.snapshot!.data), 'store at 20');
  const opened = await Wal.open(walDir, { index: usable.snapshot!.index, term: usable.snapshot!.term }, opts);
  assert.deepEqual(opened.entries.map((e) => e.index), Array.from({ length: 10 }, (_, i) => 21 + i));
  await opened.wal.close();
});
