/**
 * Snapshots are taken a slice at a time while writes keep being applied: every snapshot must still
 * hold exactly the store at its index, so a restart from it (plus the log after it) loses nothing
 * and invents nothing. A member alone must also keep its commit index in the log, or a restart
 * after the first segments were released finds no snapshot it may start from.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { InProcessCluster, put } from './in-process-cluster.js';

test('writes applied while a snapshot is being taken survive a restart from it', { timeout: 60_000 }, async () => {
  const c = await InProcessCluster.start({ size: 1, snapshotCount: 300, snapshotCatchUpEntries: 50 });
  try {
    const member = await c.leader();
    const server = member.server!;
    // Enough keys that one snapshot spans several turns of the event loop.
    const big = 'x'.repeat(64);
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => put(server, `/base/${batch}-${i}`, big)));
    }
    // Then writes with many in flight, overwriting and adding, while snapshots keep being taken.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      writes.push(put(server, `/base/${i % 30}-${i % 200}`, `changed-${i}`));
      writes.push(put(server, `/new/${i}`, `n${i}`));
      if (writes.length >= 128) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const index = server.store.index;
    const saved = member.logLines.filter((l) => /saved snapshot at index/.test(l)).length;
    assert.ok(saved >= 10, `expected many snapshots, saw ${saved}`);
    const expected = server.store.save();

    await c.stopMember(member);
    const snaps = readdirSync(join(member.config.dataDir, 'member', 'snap')).filter((f) => f.endsWith('.snap'));
    assert.ok(snaps.length >= 1);
    // The log's first segments were released behind a snapshot, so the restart must start from one.
    const segments = readdirSync(join(member.config.dataDir, 'member', 'wal')).filter((f) => f.endsWith('.wal'));
    assert.ok(!segments.includes('0000000000000000-0000000000000000.wal'), `segments: ${segments.join(' ')}`);
    const restarted = await c.restartMember(member);
    assert.equal(restarted.store.index, index);
    assert.deepEqual(Buffer.from(restarted.store.save()), Buffer.from(expected));
    assert.equal(restarted.store.get('/base/29-199', { now: 0 }).node.value, 'changed-2999');
    assert.equal(restarted.store.get('/new/2999', { now: 0 }).node.value, 'n2999');
  } finally {
    await c.stop();
  }
});
