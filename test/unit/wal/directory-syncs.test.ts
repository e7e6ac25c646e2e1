/**
 * A directory fsync waits for a journal commit, often for milliseconds while the disk is busy. The
 * paths a running member takes (a snapshot saved, old snapshots purged, log segments cut and
 * released) sync their directories on the threadpool; only start-up uses the blocking form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Snapshotter } from '../../../src/snap/snapshotter.js';
import { nodeFileIo, type FileIo } from '../../../src/wal/file-io.js';
import { Wal } from '../../../src/wal/wal.js';
import { METADATA, SMALL_SEGMENT, entries, freshWalDir } from './wal-helpers.js';

function recordingIo(): { io: FileIo; blocking: string[]; pooled: string[] } {
  const blocking: string[] = [];
  const pooled: string[] = [];
  const io: FileIo = {
    ...nodeFileIo,
    syncDir: (dir) => { blocking.push(dir); nodeFileIo.syncDir(dir); },
    syncDirAsync: (dir) => { pooled.push(dir); return nodeFileIo.syncDirAsync(dir); },
  };
  return { io, blocking, pooled };
}

test('saving and purging snapshots syncs the directory off the event loop', async () => {
  const rec = recordingIo();
  const dir = path.join(path.dirname(freshWalDir()), 'snap');
  const snapshotter = new Snapshotter(dir, { io: rec.io });
  for (let i = 1; i <= 7; i++) {
    await snapshotter.save({ index: i * 10, term: 1, confState: { voters: [1n], learners: [] }, data: new Uint8Array([i]) });
  }
  assert.deepEqual(await snapshotter.purge(5), ['0000000000000001-0000000000000014.snap', '0000000000000001-000000000000000a.snap']);
  assert.deepEqual(rec.blocking, []);
  assert.equal(rec.pooled.length, 8, 'seven saves and one purge');
});

test('cutting and releasing log segments syncs the directory off the event loop', async () => {
  const rec = recordingIo();
  const wal = await Wal.create(freshWalDir(), METADATA, { segmentSize: SMALL_SEGMENT, io: rec.io });
  try {
    rec.blocking.length = 0; // creating the log syncs its directories at start-up
    for (let i = 0; i < 20; i++) await wal.save(null, entries(i * 20 + 1, i * 20 + 20, 1));
    await wal.saveSnapshot({ index: 300, term: 1 });
    const released = await wal.releaseTo(300);
    assert.ok(released.length > 0, 'segments were cut and released');
    assert.deepEqual(rec.blocking, []);
    assert.ok(rec.pooled.length > released.length, `${rec.pooled.length} directory syncs on the threadpool`);
  } finally {
    await wal.close();
  }
});
