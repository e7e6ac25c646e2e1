/** `--unsafe-no-fsync` leaves every fsync out; without it every acknowledged write was synced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nodeFileIo, type FileIo } from '../../../src/wal/file-io.js';
import { InProcessCluster, put } from './in-process-cluster.js';

function countingIo(): { io: FileIo; syncs: () => number } {
  let syncs = 0;
  const io: FileIo = {
    ...nodeFileIo,
    syncData: (fd) => { syncs++; nodeFileIo.syncData(fd); },
    syncDataAsync: (fd) => { syncs++; return nodeFileIo.syncDataAsync(fd); },
  };
  return { io, syncs: () => syncs };
}

async function syncsFor(unsafeNoFsync: boolean): Promise<{ syncs: number; logLines: string[] }> {
  const counting = countingIo();
  const c = await InProcessCluster.start({ size: 1, unsafeNoFsync, io: counting.io });
  try {
    const member = await c.leader();
    const before = counting.syncs();
    for (let i = 0; i < 20; i++) await put(member.server!, `/k${i}`, 'v');
    assert.equal(member.server!.store.get('/k19', { now: 0 }).node.value, 'v');
    return { syncs: counting.syncs() - before, logLines: member.logLines };
  } finally {
    await c.stop();
  }
}

test('--unsafe-no-fsync: writes are applied without a single fsync, and the log says so', async () => {
  const unsafe = await syncsFor(true);
  assert.equal(unsafe.syncs, 0);
  assert.ok(unsafe.logLines.some((l) => /fsync is disabled/.test(l)));
  const safe = await syncsFor(false);
  assert.ok(safe.syncs >= 20, `each awaited write is synced: ${safe.syncs}`);
  assert.ok(!safe.logLines.some((l) => /fsync is disabled/.test(l)));
});
