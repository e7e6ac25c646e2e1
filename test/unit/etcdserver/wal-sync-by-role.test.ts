/**
 * In a cluster the leader syncs its log on the threadpool and every other member on its event loop,
 * and a member that changes role changes how it syncs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nodeFileIo, type FileIo } from '../../../src/wal/file-io.js';
import { InProcessCluster, put, type MemberSlot } from './in-process-cluster.js';

interface SyncCounts {
  onLoop: number;
  onThreadpool: number;
}

function countingIo(counts: SyncCounts): FileIo {
  return {
    ...nodeFileIo,
    syncData: (fd) => { counts.onLoop++; nodeFileIo.syncData(fd); },
    syncDataAsync: (fd) => { counts.onThreadpool++; return nodeFileIo.syncDataAsync(fd); },
  };
}

test('a cluster leader syncs its log on the threadpool, the other members on the event loop, and a new leader switches', async () => {
  const counts = new Map<string, SyncCounts>();
  const c = await InProcessCluster.start({
    size: 3,
    unsafeNoFsync: false,
    io: (member) => {
      const mine = { onLoop: 0, onThreadpool: 0 };
      counts.set(member, mine);
      return countingIo(mine);
    },
  });
  const writeAndCount = async (leader: MemberSlot, from: number): Promise<void> => {
    for (const k of counts.values()) { k.onLoop = 0; k.onThreadpool = 0; }
    for (let i = from; i < from + 10; i++) await put(leader.server!, `/k${i}`, 'v');
    await c.converged();
  };
  try {
    const first = await c.leader();
    await writeAndCount(first, 0);
    for (const s of c.slots) {
      const k = counts.get(s.name)!;
      if (s === first) assert.deepEqual({ ...k, onThreadpool: k.onThreadpool > 0 }, { onLoop: 0, onThreadpool: true }, s.name);
      else assert.deepEqual({ ...k, onLoop: k.onLoop > 0 }, { onLoop: true, onThreadpool: 0 }, s.name);
    }

    const moved = await first.server!.transferLeadershipForStop(5000);
    assert.ok(moved !== null, 'leadership moved');
    const second = await c.leader(5000);
    assert.notEqual(second, first);
    await writeAndCount(second, 10);
    const old = counts.get(first.name)!;
    const now = counts.get(second.name)!;
    assert.ok(old.onLoop > 0 && old.onThreadpool === 0, `the old leader syncs on its loop now: ${JSON.stringify(old)}`);
    assert.ok(now.onThreadpool > 0 && now.onLoop === 0, `the new leader syncs on the threadpool: ${JSON.stringify(now)}`);
  } finally {
    await c.stop();
  }
});
