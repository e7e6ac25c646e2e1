/**
 * Runs simulation seeds and prints one result line per failing seed and a summary:
 *   npm run sim -- --seeds N [--from S] [--nodes 3|5] [--steps K]
 *   npm run sim -- --seed S [--nodes 3|5] [--steps K]      (replay one seed with a readable trace)
 * The last line is `seeds=N safety=A linearizability=B liveness=C` (counts of violating seeds);
 * the exit code is non-zero if any count is.
 */
import { parseArgs } from 'node:util';
import { runSimulation, type SimResult } from './simulation.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    nodes: { type: 'string', default: '3' },
    steps: { type: 'string', default: '2000' },
    quiet: { type: 'boolean', default: false },
  },
});

function int(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return n;
}

const nodes = int('nodes', values.nodes);
if (nodes !== 3 && nodes !== 5) {
  console.error('--nodes must be 3 or 5');
  process.exit(2);
}
const steps = int('steps', values.steps);

function report(r: SimResult): boolean {
  const bad = r.safety.length > 0 || r.linearizability === 'illegal' || r.liveness !== null;
  if (!bad) return false;
  console.log(
    `seed=${r.seed} nodes=${r.nodes} safety=${r.safety.length} linearizability=${r.linearizability} liveness=${r.liveness ?? 'ok'}`,
  );
  for (const v of r.safety.slice(0, 3)) console.log(`  safety: ${v}`);
  if (r.liveness) console.log(`  liveness: ${r.liveness}`);
  if (r.linearizability === 'illegal') for (const l of r.linearizabilityDetail.slice(0, 12)) console.log(`  history: ${l}`);
  console.log(`  replay: npm run sim -- --seed ${r.seed} --nodes ${r.nodes} --steps ${steps}`);
  return true;
}

if (values.seed !== undefined) {
  const seed = int('seed', values.seed);
  const r = runSimulation({ seed, nodes, steps, trace: (line) => console.log(line) });
  console.log(`stats ${JSON.stringify(r.stats)}`);
  report(r);
  const s = r.safety.length > 0 ? 1 : 0;
  const l = r.linearizability === 'illegal' ? 1 : 0;
  const v = r.liveness ? 1 : 0;
  console.log(`seeds=1 safety=${s} linearizability=${l} liveness=${v}`);
  process.exit(s + l + v > 0 ? 1 : 0);
}

const count = int('seeds', values.seeds ?? '100');
const from = int('from', values.from);
let safety = 0;
let lin = 0;
let live = 0;
let unknown = 0;
let ops = 0;
const started = process.hrtime.bigint();
for (let seed = from; seed < from + count; seed++) {
  const r = runSimulation({ seed, nodes, steps });
  if (r.safety.length > 0) safety++;
  if (r.linearizability === 'illegal') lin++;
  if (r.linearizability === 'unknown') {
    unknown++;
    console.log(`seed=${seed} nodes=${nodes} linearizability=unknown (the checker's search budget ran out; not a failure)`);
  }
  if (r.liveness) live++;
  ops += r.stats.operations;
  report(r);
}
const secs = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `nodes=${nodes} steps=${steps} seeds ${from}..${from + count - 1}: ${ops} client operations, ${unknown} histories too hard to decide, ${secs.toFixed(1)}s`,
);
console.log(`seeds=${count} safety=${safety} linearizability=${lin} liveness=${live}`);
process.exit(safety + lin + live > 0 ? 1 : 0);
