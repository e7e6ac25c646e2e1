/**
 * Starts and stops etcd processes for tests and benchmarks: Flotilla's own or the reference etcd 3.4,
 * with the same command line, on ports the OS hands out, bound to loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, openSync, closeSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import http from 'node:http';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');

/** A free loopback TCP port, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export type EtcdImpl = 'flotilla' | 'reference';

export interface EtcdProcessOptions {
  impl: EtcdImpl;
  name?: string;
  dataDir?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
  /** Bound on the wait for the client port to answer (default 20 s). */
  startTimeoutMs?: number;
  /** Where the process's stdout+stderr go (default: a file in the data dir's parent, or ignored). */
  logFile?: string;
}

export interface EtcdProcess {
  readonly clientURL: string;
  readonly peerURL: string;
  readonly pid: number;
  readonly dataDir: string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
}

/** Newest modification time of the TypeScript sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The command that runs Flotilla's etcd: the compiled build when it is at least as new as the
 * sources, the TypeScript through tsx otherwise (or when FLOTILLA_FROM_SOURCE=1).
 */
export function flotillaCommand(): { cmd: string; args: string[] } {
  // The one-file bundle `npm run build` makes last, so it is what a build ships and what tests run.
  const compiled = join(repoRoot, 'dist', 'bundle', 'etcd.mjs');
  if (existsSync(compiled) && process.env.FLOTILLA_FROM_SOURCE !== '1'
    && statSync(compiled).mtimeMs >= newestSource(join(repoRoot, 'src'))) {
    return { cmd: process.execPath, args: [compiled] };
  }
  const loader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return { cmd: process.execPath, args: ['--import', loader, join(repoRoot, 'src', 'cli', 'etcd.ts')] };
}

function referenceBinary(): string {
  return process.env.ETCD_BIN ?? '/usr/bin/etcd';
}

/** GET url, resolving with the status code, or null on any transport error or timeout. */
export function probe(url: string, timeoutMs = 1000): Promise<number | null> {
  return new Promise((done) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? null));
      res.on('error', () => done(null));
    });
    req.on('timeout', () => { req.destroy(); done(null); });
    req.on('error', () => done(null));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves true when the child exits within `ms`, false otherwise; leaves no timer behind. */
function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => { child.off('exit', onExit); resolve(false); }, ms);
    const onExit = () => { clearTimeout(timer); resolve(true); };
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

class RunningEtcd implements EtcdProcess {
  private child: ChildProcess | null = null;
  constructor(
    readonly clientURL: string,
    readonly peerURL: string,
    readonly dataDir: string,
    private readonly argv: { cmd: string; args: string[] },
    private readonly env: NodeJS.ProcessEnv,
    private readonly ownsDataDir: boolean,
    private readonly startTimeoutMs: number,
    private readonly logFile: string | undefined,
  ) {}

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async launch(): Promise<void> {
    const out = this.logFile ? openSync(this.logFile, 'a') : 'ignore';
    const child = spawn(this.argv.cmd, this.argv.args, {
      env: this.env,
      stdio: ['ignore', out, out],
    });
    if (typeof out === 'number') closeSync(out);
    this.child = child;
    child.on('error', () => undefined);
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`etcd exited during start (code ${child.exitCode}, signal ${child.signalCode}): ${this.argv.args.join(' ')}`);
      }
      const status = await probe(`${this.clientURL}/v2/keys/?quorum=true`, 500);
      if (status === 200) return;
      await delay(25);
    }
    child.kill('SIGKILL');
    await exited(child);
    throw new Error(`etcd did not answer on ${this.clientURL} within ${this.startTimeoutMs} ms`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const gone = await exitedWithin(child, 5000);
      if (!gone) {
        child.kill('SIGKILL');
        await exited(child);
      }
      this.child = null;
    }
    if (this.ownsDataDir) rmSync(dirname(this.dataDir), { recursive: true, force: true });
  }

  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    this.child = null;
  }

  async restart(): Promise<void> {
    if (this.child) await this.kill9();
    await this.launch();
  }
}

/** Starts an etcd with a one-member etcd 3.4 command line; resolves once its client port serves reads. */
export async function startEtcd(opts: EtcdProcessOptions): Promise<EtcdProcess> {
  const name = opts.name ?? 'default';
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? join(mkdtempSync(join(tmpdir(), 'flotilla-etcd-')), 'data');
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const clientURL = `http://127.0.0.1:${clientPort}`;
  const peerURL = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--enable-v2',
    '--name', name,
    '--data-dir', dataDir,
    '--listen-client-urls', clientURL,
    '--advertise-client-urls', clientURL,
    '--listen-peer-urls', peerURL,
    '--initial-advertise-peer-urls', peerURL,
    '--initial-cluster', `${name}=${peerURL}`,
    ...(opts.extraArgs ?? []),
  ];
  const base = opts.impl === 'flotilla' ? flotillaCommand() : { cmd: referenceBinary(), args: [] };
  const proc = new RunningEtcd(
    clientURL,
    peerURL,
    dataDir,
    { cmd: base.cmd, args: [...base.args, ...args] },
    { ...process.env, ...opts.env },
    ownsDataDir,
    opts.startTimeoutMs ?? 20000,
    opts.logFile,
  );
  try {
    await proc.launch();
  } catch (err) {
    if (ownsDataDir) rmSync(dirname(dataDir), { recursive: true, force: true });
    throw err;
  }
  return proc;
}
