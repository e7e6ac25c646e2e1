import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchOptions } from '../../../bench/bench-options.js';

test('defaults are the full benchmark', () => {
  const o = parseBenchOptions([]);
  assert.deepEqual(o.connections, [1, 16, 64, 256]);
  assert.deepEqual(o.only, ['put', 'get', 'rss', 'restart', 'cluster']);
  assert.equal(o.clusterRuns, 3);
  assert.equal(o.fanoutWarmup, 20);
  assert.deepEqual(o.clusterParts, ['load', 'failover', 'fanout']);
  assert.equal(o.durationSec, 10);
  assert.equal(o.keys, 100_000);
  assert.equal(o.rounds, 2);
  assert.deepEqual(o.impls, ['flotilla', 'reference']);
  assert.equal(o.build, true);
  assert.equal(o.maxStealPercent, 5);
  assert.equal(o.stealRetries, 2);
});

test('--quick shortens everything, explicit flags win wherever they stand', () => {
  const o = parseBenchOptions(['--duration', '5', '--quick', '--only', 'put,restart', '--no-build']);
  assert.equal(o.quick, true);
  assert.equal(o.durationSec, 5);
  assert.deepEqual(o.connections, [1, 64]);
  assert.deepEqual(o.only, ['put', 'restart']);
  assert.equal(o.keys, 10_000);
  assert.equal(o.build, false);
  assert.equal(o.fanoutWarmup, 2);
});

test('lists and numbers are checked', () => {
  assert.deepEqual(parseBenchOptions(['--connections', '2, 8']).connections, [2, 8]);
  assert.deepEqual(parseBenchOptions(['--only', 'cluster', '--cluster-runs', '5']).only, ['cluster']);
  assert.equal(parseBenchOptions(['--cluster-runs', '5']).clusterRuns, 5);
  assert.deepEqual(parseBenchOptions(['--cluster-parts', 'fanout,failover']).clusterParts, ['fanout', 'failover']);
  assert.throws(() => parseBenchOptions(['--cluster-parts', 'load,fan-out']), /unknown part "fan-out"/);
  assert.throws(() => parseBenchOptions(['--only', 'put,cluster5']), /unknown suite "cluster5"/);
  assert.throws(() => parseBenchOptions(['--connections', '0']), /positive integer/);
  assert.throws(() => parseBenchOptions(['--impls', 'zookeeper']), /unknown server/);
  assert.throws(() => parseBenchOptions(['--fast']), /unknown option "--fast"/);
  assert.equal(parseBenchOptions(['--max-steal', '2.5']).maxStealPercent, 2.5);
  assert.equal(parseBenchOptions(['--steal-retries', '0']).stealRetries, 0);
  assert.throws(() => parseBenchOptions(['--max-steal', '150']), /percentage/);
  assert.throws(() => parseBenchOptions(['--steal-retries', '-1']), /whole number/);
  assert.equal(parseBenchOptions(['--fanout-warmup', '0']).fanoutWarmup, 0);
  assert.throws(() => parseBenchOptions(['--fanout-warmup', 'many']), /whole number/);
});
