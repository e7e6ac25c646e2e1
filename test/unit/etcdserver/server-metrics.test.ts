/**
 * The member's own metrics in an in-process cluster: leader changes, a leader's late heartbeats,
 * and the disk syncs of the log and of snapshots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';
import { exponentialBuckets } from '../../../src/etcdserver/server-metrics.js';
import { HEARTBEAT_MS, InProcessCluster, put } from './in-process-cluster.js';
import { parseExposition, sampleValue } from '../../support/prometheus-text.js';

/** A counter's value, or a histogram's count of observations. */
async function value(registry: Registry, name: string): Promise<number> {
  const families = parseExposition(await registry.getSingleMetricAsString(name));
  const family = families.get(name);
  assert.ok(family !== undefined, `no metric ${name}`);
  return sampleValue(families, family.type === 'histogram' ? `${name}_count` : name) ?? 0;
}

test('exponential buckets are those of Prometheus\'s Go client', () => {
  assert.deepEqual(exponentialBuckets(0.001, 2, 4), [0.001, 0.002, 0.004, 0.008]);
  assert.equal(exponentialBuckets(0.0001, 2, 14).length, 14);
});

test('members count the leader they saw, and a leader counts a heartbeat sent late', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 3 });
  try {
    const leader = await c.leader();
    await put(leader.server!, '/a', '1');
    for (const s of c.servers) assert.equal(await value(s.metricsRegistry, 'etcd_server_leader_changes_seen_total'), 1);
    const registry = leader.server!.metricsRegistry;
    // Heartbeats first (the count needs one sent before the pause to measure from).
    await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
    const before = await value(registry, 'etcd_server_heartbeat_send_failures_total');
    // Hold the event loop (every member's) for several heartbeat intervals: the leader's next
    // heartbeats go out more than twice the interval after the ones before.
    const until = Date.now() + 5 * HEARTBEAT_MS;
    while (Date.now() < until) {
      /* busy */
    }
    await put(leader.server!, '/a', '2');
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_MS));
    assert.ok((await value(registry, 'etcd_server_heartbeat_send_failures_total')) >= before + 1);
    assert.ok(leader.logLines.some((l) => l.includes('failed to send out heartbeat on time')), 'logged');
    // Writes were synced to the log, each sync timed.
    assert.ok(await value(registry, 'etcd_disk_wal_fsync_duration_seconds') >= 2);
  } finally {
    await c.stop();
  }
});

test('a snapshot is timed: its encoding, its file\'s syncs, and the whole save', { timeout: 30_000 }, async () => {
  const c = await InProcessCluster.start({ size: 1, snapshotCount: 20 });
  try {
    const leader = await c.leader();
    for (let i = 0; i < 30; i++) await put(leader.server!, `/k${i}`, 'v');
    const registry = leader.server!.metricsRegistry;
    const deadline = Date.now() + 10_000;
    while ((await value(registry, 'etcd_debugging_snap_save_total_duration_seconds')) < 1) {
      assert.ok(Date.now() < deadline, 'no snapshot saved');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(await value(registry, 'etcd_debugging_snap_save_marshalling_duration_seconds') >= 1);
    assert.ok(await value(registry, 'etcd_snap_fsync_duration_seconds') >= 1);
  } finally {
    await c.stop();
  }
});
