/**
 * Proves the simulation can fail: with a deliberately broken core it must report violations.
 * The switches used here exist only for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, type SimResult } from '../../sim/simulation.js';
import type { PlantedBugs } from '../../../src/raft/config.js';

const STEPS = 2000;
const MAX_SEEDS = 300;

function firstViolation(bugs: PlantedBugs, nodes: 3 | 5): { seed: number; result: SimResult } | null {
  for (let seed = 1; seed <= MAX_SEEDS; seed++) {
    const result = runSimulation({ seed, nodes, steps: STEPS, plantedBugs: bugs });
    if (result.safety.length > 0 || result.linearizability === 'illegal') return { seed, result };
  }
  return null;
}

test('breaking the commit rule (counting replicas of an older term, Figure 8) is caught', () => {
  const found = firstViolation({ commitOlderTermByCounting: true }, 3);
  assert.ok(found, `no violation within ${MAX_SEEDS} seeds`);
  const what = found.result.safety.join('\n');
  assert.match(what, /leader completeness|state machine safety|committed entry|stopped with an error/);
  // The same seed with a correct core is clean.
  const clean = runSimulation({ seed: found.seed, nodes: 3, steps: STEPS });
  assert.deepEqual(clean.safety, []);
  assert.equal(clean.linearizability === 'illegal', false);
});

test('letting a member vote twice in one term is caught', () => {
  const found = firstViolation({ voteTwiceInOneTerm: true }, 3);
  assert.ok(found, `no violation within ${MAX_SEEDS} seeds`);
  assert.match(found.result.safety.join('\n'), /vote|two leaders/);
  const clean = runSimulation({ seed: found.seed, nodes: 3, steps: STEPS });
  assert.deepEqual(clean.safety, []);
});

test('the double vote also produces two leaders in one term (Election Safety) on some seed', () => {
  let twoLeaders = 0;
  for (let seed = 1; seed <= 100 && twoLeaders === 0; seed++) {
    const r = runSimulation({ seed, nodes: 5, steps: STEPS, plantedBugs: { voteTwiceInOneTerm: true } });
    if (r.safety.some((v) => v.includes('two leaders'))) twoLeaders++;
  }
  assert.ok(twoLeaders > 0);
});
