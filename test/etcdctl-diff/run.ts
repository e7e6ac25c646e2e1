/**
 * Differential test of etcdctl: the same invocations run by the real etcdctl (Debian etcd-client 3.4,
 * ETCDCTL_API=2) against real etcd 3.4, and by Flotilla's etcdctl against the target server;
 * stdout, stderr and exit codes must match after normalization.
 *
 *   node --import tsx test/etcdctl-diff/run.ts [--target-impl flotilla|reference] [--only N] [--verbose]
 *        [--reference-ctl PATH] [--no-build]
 */
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { startEtcd, repoRoot, type EtcdImpl, type EtcdProcess } from '../support/etcd-process.js';
import { CASES, type Invocation } from './cases.js';
import { normalizeOutput, type SideFacts } from './normalize.js';

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
}

interface Side {
  label: string;
  /** URL of a server that accepts connections and never answers. */
  blackhole: string;
  ctl: string[];
  etcd: EtcdProcess;
  facts: SideFacts;
  captures: Map<string, string>;
}

const STEP_TIMEOUT_MS = 15_000;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

function httpGet(url: string): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
  });
}

async function currentIndex(clientURL: string): Promise<number> {
  const { headers } = await httpGet(`${clientURL}/v2/keys/`);
  return Number(headers['x-etcd-index']);
}

async function memberIds(clientURL: string): Promise<string[]> {
  const { body } = await httpGet(`${clientURL}/v2/members`);
  return ((JSON.parse(body) as { members?: { id: string }[] }).members ?? []).map((m) => m.id);
}

async function watcherCount(clientURL: string): Promise<number> {
  const { body } = await httpGet(`${clientURL}/v2/stats/store`);
  return Number((JSON.parse(body) as { watchers?: number }).watchers ?? 0);
}

function fill(text: string, side: Side): string {
  return text
    .replace(/\{EP\}/g, side.etcd.clientURL)
    .replace(/\{PEER\}/g, side.etcd.peerURL)
    .replace(/\{CPORT\}/g, new URL(side.etcd.clientURL).port)
    .replace(/\{BH\}/g, side.blackhole)
    .replace(/\{(\w+)\}/g, (m, name: string) => side.captures.get(name) ?? m);
}

function argvFor(inv: Invocation, side: Side, args: string[]): string[] {
  const filled = args.map((a) => fill(a, side));
  return inv.noEndpoints ? filled : ['--endpoints', side.etcd.clientURL, ...filled];
}

function envFor(inv: Invocation, side: Side): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ETCDCTL_API: '2' };
  for (const k of Object.keys(env)) if (k.startsWith('ETCDCTL_') && k !== 'ETCDCTL_API') delete env[k];
  for (const [k, v] of Object.entries(inv.env ?? {})) env[k] = fill(v, side);
  return env;
}

interface Running {
  done: Promise<Outcome>;
  stdoutSoFar(): string;
  interrupt(): void;
}

function start(side: Side, argv: string[], env: NodeJS.ProcessEnv, stdin: string | undefined): Running {
  const child = spawn(side.ctl[0]!, [...side.ctl.slice(1), ...argv], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin ?? '');
  const done = new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal ? -1 : null) });
    });
  });
  return { done, stdoutSoFar: () => stdout, interrupt: () => child.kill('SIGINT') };
}

async function waitUntil(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function runOn(side: Side, inv: Invocation): Promise<Outcome> {
  const env = envFor(inv, side);
  const run = start(side, argvFor(inv, side, inv.args), env, inv.stdin);
  const mode = inv.mode;
  if (mode?.kind === 'watch-trigger') {
    await waitUntil(async () => (await watcherCount(side.etcd.clientURL)) > 0, 8000);
    await start(side, argvFor({ args: [] }, side, mode.trigger), env, undefined).done;
  } else if (mode?.kind === 'until-lines') {
    await waitUntil(() => run.stdoutSoFar().split('\n').length > mode.lines, 8000);
    run.interrupt();
  }
  const outcome = await run.done;
  if (inv.capture) {
    try {
      const idx = (JSON.parse(outcome.stdout) as { node?: { modifiedIndex?: number } }).node?.modifiedIndex;
      if (idx !== undefined) side.captures.set(inv.capture, String(idx));
    } catch {
      /* the comparison will show the problem */
    }
  }
  return outcome;
}

function comparable(o: Outcome, side: Side, inv: Invocation): Outcome {
  let stdout = normalizeOutput(o.stdout, side.facts);
  if (inv.unordered) stdout = stdout.split('\n').sort().join('\n');
  return { stdout, stderr: normalizeOutput(o.stderr, side.facts), code: o.code };
}

function describeDifference(a: Outcome, b: Outcome): string {
  const parts: string[] = [];
  if (a.code !== b.code) parts.push(`exit ${a.code} vs ${b.code}`);
  if (a.stdout !== b.stdout) parts.push(`stdout ${JSON.stringify(a.stdout)} vs ${JSON.stringify(b.stdout)}`);
  if (a.stderr !== b.stderr) parts.push(`stderr ${JSON.stringify(a.stderr)} vs ${JSON.stringify(b.stderr)}`);
  return parts.join('; ');
}

/** Compiles etcdctl (and only what it imports) into dist/, which bin/etcdctl then prefers: ~10x faster start. */
function buildEtcdctl(): void {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const flags = ['--outDir', 'dist', '--rootDir', '.', '--target', 'ES2022', '--module', 'NodeNext'];
  flags.push('--moduleResolution', 'NodeNext', '--strict', '--skipLibCheck', '--types', 'node', '--sourceMap');
  const r = spawnSync(process.execPath, [tsc, ...flags, 'src/cli/etcdctl.ts'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building etcdctl failed:\n${r.stdout}${r.stderr}`);
}

async function main(): Promise<number> {
  if (!process.argv.includes('--no-build')) buildEtcdctl();
  const targetImpl = (argValue('--target-impl') ?? 'flotilla') as EtcdImpl;
  const only = argValue('--only');
  const verbose = process.argv.includes('--verbose');
  const referenceCtl = argValue('--reference-ctl') ?? 'etcdctl';
  const ours = [process.execPath, join(repoRoot, 'bin', 'etcdctl')];

  const started: EtcdProcess[] = [];
  const silentSockets = new Set<net.Socket>();
  const blackholeServer = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackholeServer.listen(0, '127.0.0.1', resolve));
  const blackhole = `http://127.0.0.1:${(blackholeServer.address() as net.AddressInfo).port}`;
  try {
    const refEtcd = await startEtcd({ impl: 'reference', name: 'm0' });
    started.push(refEtcd);
    const ourEtcd = await startEtcd({ impl: targetImpl, name: 'm0' });
    started.push(ourEtcd);
    const makeSide = async (label: string, ctl: string[], etcd: EtcdProcess): Promise<Side> => ({
      label,
      blackhole,
      ctl,
      etcd,
      facts: {
        clientURL: etcd.clientURL,
        peerURL: etcd.peerURL,
        baseIndex: await currentIndex(etcd.clientURL),
        memberIds: await memberIds(etcd.clientURL),
        blackhole,
      },
      captures: new Map(),
    });
    const reference = await makeSide('reference', [referenceCtl], refEtcd);
    const target = await makeSide(`flotilla etcdctl / ${targetImpl} etcd`, ours, ourEtcd);

    let passed = 0;
    let failed = 0;
    for (let i = 0; i < CASES.length; i++) {
      const inv = CASES[i]!;
      const n = i + 1;
      const title = `etcdctl ${inv.args.join(' ')}`;
      const [a, b] = [await runOn(reference, inv), await runOn(target, inv)];
      if (only !== undefined && String(n) !== only) continue;
      const [na, nb] = [comparable(a, reference, inv), comparable(b, target, inv)];
      const same = na.code === nb.code && na.stdout === nb.stdout && na.stderr === nb.stderr;
      if (same) {
        passed++;
        console.log(`ok ${n} ${title}`);
        if (verbose) console.log(`   exit ${a.code} stdout ${JSON.stringify(na.stdout)} stderr ${JSON.stringify(na.stderr)}`);
      } else {
        failed++;
        console.log(`FAIL ${n} ${title}: ${describeDifference(na, nb)}`);
      }
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    for (const p of started.reverse()) await p.stop();
    for (const socket of silentSockets) socket.destroy();
    blackholeServer.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
