/**
 * Runs every golden confd case of ../shared/confd-cases against an etcd (Flotilla's by default,
 * `--impl reference` for etcd 3.4) with Flotilla's confd, and compares files, modes, exit code and
 * log lines with what the real confd 0.16.0 produced.
 *
 *   node --import tsx test/confd-cases/run.ts [--impl flotilla|reference] [case-name-filter]
 *
 * Prints one line per case and a last line `N passed, N failed`; exits non-zero on a failure.
 * Flotilla's etcd runs from dist/ when built (FLOTILLA_FROM_SOURCE=1 runs the TypeScript sources).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { EtcdClient } from '../../src/client/index.js';
import { repoRoot, startEtcd, type EtcdImpl } from '../support/etcd-process.js';

const CASES_DIR = resolve(repoRoot, '..', 'shared', 'confd-cases');
const CONFD = join(repoRoot, 'bin', 'confd');
const RUN_TIMEOUT_MS = 30_000;

interface RunResult {
  rc: number;
  stderr: string;
}

function runConfd(args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(CONFD, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ rc: code ?? -1, stderr });
    });
  });
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** Strips the `<time> <host> <argv0>[<pid>]: ` prefix and normalises paths, stage digits, indexes, ports. */
function normaliseLog(text: string, caseDir: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^\S+ \S+ \S+\[\d+\]: /, ''))
    .filter((l) => !l.startsWith('DEBUG '))
    .map((l) =>
      l
        .split(caseDir)
        .join('@CONFDIR@')
        .replace(/(\/\.[^/\s]+?)\d{9}\b/g, '$1@RAND@')
        .replace(/\[\d+\]/g, '[@INDEX@]')
        .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT'),
    );
}

async function wipeAndLoad(client: EtcdClient, caseDir: string): Promise<void> {
  const root = await client.get('/', {});
  for (const child of root.node.nodes ?? []) {
    await client.delete(child.key, { recursive: true, dir: child.dir });
  }
  const keys = JSON.parse(readFileSync(join(caseDir, 'keys.json'), 'utf8')) as Record<string, string>;
  for (const [k, v] of Object.entries(keys)) await client.set(k, v);
  const dirsFile = join(caseDir, 'dirs.txt');
  if (existsSync(dirsFile)) {
    for (const d of readFileSync(dirsFile, 'utf8').split('\n').filter((x) => x.trim() !== '')) await client.mkdir(d.trim());
  }
}

async function runCase(name: string, client: EtcdClient, clientURL: string): Promise<string[]> {
  const caseDir = join(CASES_DIR, name);
  const problems: string[] = [];
  await wipeAndLoad(client, caseDir);
  const work = mkdtempSync(join(tmpdir(), `confd-case-${name}-`));
  try {
    mkdirSync(join(work, 'out'));
    // Initial files are written afresh (default creation mode), not copied with the read-only mode of ../shared.
    const initialRoot = join(caseDir, 'initial');
    for (const f of listFiles(initialRoot)) {
      mkdirSync(dirname(join(work, f)), { recursive: true });
      writeFileSync(join(work, f), readFileSync(join(initialRoot, f)));
    }
    const configFile = existsSync(join(caseDir, 'confd.toml')) ? join(caseDir, 'confd.toml') : '/nonexistent/confd.toml';
    const extra = existsSync(join(caseDir, 'args'))
      ? readFileSync(join(caseDir, 'args'), 'utf8').split(/\s+/).filter((a) => a !== '')
      : [];
    const env = existsSync(join(caseDir, 'env.json'))
      ? (JSON.parse(readFileSync(join(caseDir, 'env.json'), 'utf8')) as Record<string, string>)
      : {};
    const args = ['-onetime', '-backend', 'etcd', '-node', clientURL, '-confdir', caseDir, '-config-file', configFile, ...extra];
    const result = await runConfd(args, work, env);

    const expectedRc = Number(readFileSync(join(caseDir, 'expected', 'rc'), 'utf8').trim());
    if (result.rc !== expectedRc) problems.push(`exit status ${result.rc}, expected ${expectedRc}`);

    const expectedRoot = join(caseDir, 'expected', 'files');
    const want = listFiles(expectedRoot);
    const got = listFiles(work);
    for (const f of want) {
      if (!got.includes(f)) problems.push(`missing file ${f}`);
      else if (!readFileSync(join(work, f)).equals(readFileSync(join(expectedRoot, f)))) {
        problems.push(`content of ${f} differs: ${JSON.stringify(readFileSync(join(work, f), 'utf8'))}`);
      }
    }
    for (const f of got) if (!want.includes(f)) problems.push(`unexpected file ${f}`);

    const modes = readFileSync(join(caseDir, 'expected', 'modes.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    for (const line of modes) {
      const [mode, file] = line.trim().split(/\s+/) as [string, string];
      if (!existsSync(join(work, file))) continue;
      const actual = (statSync(join(work, file)).mode & 0o7777).toString(8);
      if (actual !== mode) problems.push(`mode of ${file} is ${actual}, expected ${mode}`);
    }

    const wantLog = normaliseLog(readFileSync(join(caseDir, 'expected', 'log.txt'), 'utf8'), caseDir);
    const gotLog = normaliseLog(result.stderr, caseDir);
    if (wantLog.join('\n') !== gotLog.join('\n')) {
      problems.push(`log differs:\n    expected: ${JSON.stringify(wantLog)}\n    actual:   ${JSON.stringify(gotLog)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return problems;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let impl: EtcdImpl = 'flotilla';
  const filters: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--impl') impl = argv[++i] as EtcdImpl;
    else filters.push(argv[i] as string);
  }
  const cases = readdirSync(CASES_DIR)
    .filter((n) => statSync(join(CASES_DIR, n)).isDirectory())
    .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
    .sort();
  const etcd = await startEtcd({ impl });
  const client = new EtcdClient({ endpoints: [etcd.clientURL] });
  let passed = 0;
  let failed = 0;
  try {
    for (const name of cases) {
      let problems: string[];
      try {
        problems = await runCase(name, client, etcd.clientURL);
      } catch (e) {
        problems = [`runner error: ${(e as Error).message}`];
      }
      if (problems.length === 0) {
        passed++;
        console.log(`ok   ${name}`);
      } else {
        failed++;
        console.log(`FAIL ${name}\n  ${problems.join('\n  ')}`);
      }
    }
  } finally {
    client.close();
    await etcd.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
