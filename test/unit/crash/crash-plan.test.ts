import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRound } from '../../../test/crash/crash-round.js';
import { SeededRandom } from '../../../test/crash/seeded-random.js';

const settings = { writers: 4, minKillMs: 100, maxKillMs: 2000, burstShare: 0.35, injectLoss: false };

test('the same seed gives the same kill moments; rounds differ', () => {
  const a = Array.from({ length: 20 }, (_, i) => planRound(42, i + 1, settings));
  const b = Array.from({ length: 20 }, (_, i) => planRound(42, i + 1, settings));
  assert.deepEqual(a, b);
  assert.ok(new Set(a.map((p) => p.kill.afterMs)).size > 10);
  for (const p of a) {
    assert.ok(p.kill.afterMs >= 100 && p.kill.afterMs <= 2000);
    if (p.kill.kind === 'burst') assert.ok(p.kill.acksBeforeKill >= 1 && p.kill.acksBeforeKill <= p.kill.size);
  }
  assert.ok(a.some((p) => p.kill.kind === 'burst') && a.some((p) => p.kill.kind === 'timed'));
});

test('seeded random stays in range and is reproducible', () => {
  const r = SeededRandom.derive(9, 1, 2);
  const s = SeededRandom.derive(9, 1, 2);
  const xs = Array.from({ length: 1000 }, () => r.int(3, 7));
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => s.int(3, 7)));
  assert.equal(Math.min(...xs), 3);
  assert.equal(Math.max(...xs), 7);
  assert.notDeepEqual(Array.from({ length: 5 }, () => SeededRandom.derive(9, 1, 3).next()), Array.from({ length: 5 }, () => SeededRandom.derive(9, 1, 2).next()));
});
