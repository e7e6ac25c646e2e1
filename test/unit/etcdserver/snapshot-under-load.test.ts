/**
 * Snapshots are taken a slice at a time while writes keep being applied: every snapshot must still
 * hold exactly the store at its index, so a restart from it (plus the log after it) loses nothing
 * and invents nothing. A member alone must also keep its commit index in the log, or a restart
 * after the first segments were released finds no snapshot it may start from.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { EtcdServer } from '../../../src/etcdserver/server.js';
import { InProcessCluster, put, waitFor } from './in-process-cluster.js';

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

test('a snapshot writes only the parts of the store that changed, and restarts from such snapshots lose nothing', { timeout: 60_000 }, async () => {
  const c = await InProcessCluster.start({ size: 1, snapshotCount: 500, snapshotCatchUpEntries: 50 });
  try {
    const member = await c.leader();
    const snapDir = join(member.config.dataDir, 'member', 'snap');
    const value = 'v'.repeat(200);
    const writeKeys = async (server: EtcdServer, from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 250) {
        await Promise.all(Array.from({ length: Math.min(250, to - i) }, (_, k) => put(server, `/keys/${i + k}`, value)));
      }
    };
    let server = member.server!;
    await writeKeys(server, 0, 6000);
    await waitFor('a snapshot past index 5500', 10_000, () => (member.logLines.some((l) => /saved snapshot at index (5[5-9]\d\d|6\d\d\d)/.test(l)) ? true : undefined));
    const files = readdirSync(snapDir).filter((f) => f.endsWith('.snap')).sort();
    const newest = files.at(-1)!;
    const full = server.store.save().length;
    const newestSize = statSync(join(snapDir, newest)).size;
    assert.ok(newestSize < full / 4, `the newest snapshot is ${newestSize} bytes, the whole store ${full}`);
    assert.equal(readFileSync(join(snapDir, newest)).subarray(0, 8).toString('latin1'), 'FLOTSNP2');

    // A restart starts from that snapshot; the new process saves more and purges by what the files
    // it did not write refer to; a second restart starts from those.
    for (const more of [[6000, 9000], [9000, 9500]] as const) {
      const expected = Buffer.from(server.store.save());
      await c.stopMember(member);
      server = await c.restartMember(member);
      assert.deepEqual(Buffer.from(server.store.save()), expected);
      await writeKeys(server, more[0], more[1]);
    }
    const expected = Buffer.from(server.store.save());
    await c.stopMember(member);
    server = await c.restartMember(member);
    assert.deepEqual(Buffer.from(server.store.save()), expected);
    assert.equal(server.store.get('/keys/9499', { now: 0 }).node.value, value);
    assert.ok(!member.logLines.some((l) => /skipped damaged snapshot/.test(l)), member.logLines.filter((l) => /damaged/.test(l)).join('\n'));
  } finally {
    await c.stop();
  }
});

test('a snapshot that falls due while another is being saved is taken once that one is done', { timeout: 60_000 }, async () => {
  // Bursts of 250 writes against a snapshot every 100 entries: most thresholds are crossed while a
  // snapshot is still being saved, the last one included. Once the writes stop, the log must not be
  // left holding more than a snapshot interval of entries behind the newest snapshot.
  const c = await InProcessCluster.start({ size: 1, snapshotCount: 100 });
  try {
    const member = await c.leader();
    const server = member.server!;
    for (let round = 0; round < 8; round++) {
      await Promise.all(Array.from({ length: 250 }, (_, k) => put(server, `/due/${round}-${k}`, 'v'.repeat(200))));
    }
    const last = server.raftIndex();
    const newestSnapshot = (): number => Math.max(0, ...member.logLines.map((l) => Number(/saved snapshot at index (\d+)/.exec(l)?.[1] ?? 0)));
    await waitFor(`a snapshot within 100 entries of index ${last}`, 10_000, () => (last - newestSnapshot() < 100 ? true : undefined));
  } finally {
    await c.stop();
  }
});
