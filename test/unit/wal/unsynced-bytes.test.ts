/**
 * Large background writes (a snapshot file, the zeros of the next log segment) are synced as they
 * go: megabytes waiting in the page cache held up the fsyncs of the log segment in use by tens of
 * milliseconds, and every client write with them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Snapshotter } from '../../../src/snap/snapshotter.js';
import { nodeFileIo, type FileIo } from '../../../src/wal/file-io.js';
import { SegmentAllocator } from '../../../src/wal/segment-allocator.js';
import { freshWalDir } from './wal-helpers.js';

/** A fresh, existing directory, removed when the test file ends. */
function freshDir(): string {
  return path.dirname(freshWalDir());
}

/** The real file system, recording the most bytes any file held written but not yet synced. */
function unsyncedTracking(): { io: FileIo; maxUnsynced: () => number; syncs: () => number } {
  const unsynced = new Map<number, number>();
  let max = 0;
  let syncs = 0;
  const wrote = (fd: number, bytes: number): void => {
    const now = (unsynced.get(fd) ?? 0) + bytes;
    unsynced.set(fd, now);
    max = Math.max(max, now);
  };
  const io: FileIo = {
    ...nodeFileIo,
    async writeAtAsync(fd, data, position) {
      await nodeFileIo.writeAtAsync(fd, data, position);
      wrote(fd, data.byteLength);
    },
    async writevAtAsync(fd, parts, position) {
      await nodeFileIo.writevAtAsync(fd, parts, position);
      wrote(fd, parts.reduce((sum, p) => sum + p.byteLength, 0));
    },
    async syncDataAsync(fd) {
      await nodeFileIo.syncDataAsync(fd);
      unsynced.set(fd, 0);
      syncs++;
    },
  };
  return { io, maxUnsynced: () => max, syncs: () => syncs };
}

test('a large snapshot is synced as it is written, never leaving more than 2 MiB unsynced', async () => {
  const tracking = unsyncedTracking();
  const dir = path.join(freshDir(), 'snap');
  const snapshotter = new Snapshotter(dir, { io: tracking.io });
  const body = 'x'.repeat(9 * 1024 * 1024);
  await snapshotter.save({ index: 7, term: 2, confState: { voters: [1n], learners: [] }, data: new TextEncoder().encode(body) });
  assert.ok(tracking.maxUnsynced() <= 2 * 1024 * 1024, `${tracking.maxUnsynced()} bytes unsynced at once`);
  assert.ok(tracking.syncs() >= 5, `only ${tracking.syncs()} syncs`);
  const loaded = await new Snapshotter(dir).loadNewest();
  assert.equal(new TextDecoder().decode(loaded.snapshot!.data), body);
});

test('the next log segment is prepared in the background without piling up unsynced zeros', async () => {
  const tracking = unsyncedTracking();
  const dir = freshDir();
  const allocator = new SegmentAllocator(tracking.io, dir, 8 * 1024 * 1024);
  try {
    const prepared = await allocator.take();
    tracking.io.close(prepared.fd);
    assert.equal(fs.statSync(prepared.file).size, 8 * 1024 * 1024);
    assert.ok(tracking.maxUnsynced() <= 1024 * 1024, `${tracking.maxUnsynced()} bytes unsynced at once`);
  } finally {
    await allocator.close();
  }
});
