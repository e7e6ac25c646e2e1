/**
 * A histogram counted by the caller and read at scrape time must expose what prom-client's own
 * histogram would for the same observations: cumulative buckets (a value equal to a bound counts in
 * that bound's bucket), `+Inf`, sum and count, per label value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { BucketCounts, collectedHistogram } from '../../../src/api/v2http/collected-metrics.js';
import { parseExposition } from '../../support/prometheus-text.js';

const BOUNDS = [0.001, 0.01, 0.1];
const OBSERVED: readonly (readonly [string, number])[] = [
  ['PUT', 0.0005],
  ['PUT', 0.001],
  ['PUT', 0.05],
  ['PUT', 3],
  ['GET', 0.01],
];

function samplesOf(text: string, name: string): string[] {
  const family = parseExposition(text).get(name);
  assert.ok(family !== undefined, `no family ${name} in:\n${text}`);
  return family.samples
    .map((s) => `${s.name}{${Object.entries(s.labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}} ${s.value}`)
    .sort();
}

test('a collected histogram exposes the same samples as a prom-client histogram fed the same values', async () => {
  const name = 'request_seconds';
  const ours = new Registry();
  const counts = new Map<string, BucketCounts>();
  collectedHistogram(ours, { name, help: 'h', labelName: 'method', buckets: BOUNDS }, () => counts);
  const theirs = new Registry();
  const reference = new Histogram({ name, help: 'h', labelNames: ['method'], buckets: BOUNDS, registers: [theirs] });
  for (const [method, v] of OBSERVED) {
    let c = counts.get(method);
    if (c === undefined) counts.set(method, (c = new BucketCounts(BOUNDS)));
    c.observe(v);
    reference.observe({ method }, v);
  }
  const got = samplesOf(await ours.metrics(), name);
  assert.deepEqual(got, samplesOf(await theirs.metrics(), name));
  // The values themselves, so that a bug shared with the reference would still show.
  assert.ok(got.includes(`${name}_bucket{le=0.001,method=PUT} 2`));
  assert.ok(got.includes(`${name}_bucket{le=0.1,method=PUT} 3`));
  assert.ok(got.includes(`${name}_bucket{le=+Inf,method=PUT} 4`));
  assert.ok(got.includes(`${name}_count{method=PUT} 4`));
  assert.ok(got.includes(`${name}_bucket{le=0.001,method=GET} 0`));
  assert.ok(got.includes(`${name}_bucket{le=0.01,method=GET} 1`));
  assert.equal(parseExposition(await ours.metrics()).get(name)?.type, 'histogram');
});

test('a collected histogram shows no samples before the first observation, and reads through a merged registry and as JSON', async () => {
  const name = 'later_seconds';
  const registry = new Registry();
  const counts = new Map<string, BucketCounts>();
  collectedHistogram(registry, { name, help: 'h', labelName: 'method', buckets: BOUNDS }, () => counts);
  assert.deepEqual(parseExposition(await registry.metrics()).get(name)?.samples, []);
  const c = new BucketCounts(BOUNDS);
  c.observe(0.2);
  counts.set('DELETE', c);
  const merged = Registry.merge([registry, new Registry()]);
  assert.ok(samplesOf(await merged.metrics(), name).includes(`${name}_sum{method=DELETE} 0.2`));
  const [json] = await registry.getMetricsAsJSON();
  assert.equal(json?.name, name);
  assert.equal(json?.values.length, BOUNDS.length + 3);
  assert.deepEqual(json?.values[BOUNDS.length]?.labels, { le: '+Inf', method: 'DELETE' });
});
