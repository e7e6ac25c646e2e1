/**
 * Time from a key change in etcd to the rewritten file, with confd in watch mode: one change at a
 * time, each timed from just before the PUT to the moment the destination file holds the value.
 *
 *   node --import tsx bench/confd-watch-latency.ts [--impl reference|flotilla] [--changes N]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EtcdClient } from '../src/client/index.js';
import { repoRoot, startEtcd, type EtcdImpl } from '../test/support/etcd-process.js';

const WAIT_MS = 10_000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let impl: EtcdImpl = 'reference';
  let changes = 200;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--impl') impl = argv[++i] as EtcdImpl;
    else if (argv[i] === '--changes') changes = Number(argv[++i]);
  }
  const etcd = await startEtcd({ impl });
  const client = new EtcdClient({ endpoints: [etcd.clientURL] });
  const work = mkdtempSync(join(tmpdir(), 'confd-latency-'));
  const confdir = join(work, 'confdir');
  mkdirSync(join(confdir, 'conf.d'), { recursive: true });
  mkdirSync(join(confdir, 'templates'));
  mkdirSync(join(work, 'out'));
  writeFileSync(join(confdir, 'templates', 'v.tmpl'), 'value={{getv "/value"}}\n');
  writeFileSync(join(confdir, 'conf.d', 'v.toml'), '[template]\nsrc = "v.tmpl"\ndest = "out/v.conf"\nprefix = "/bench"\nkeys = ["/value"]\n');
  await client.set('/bench/value', 'start');
  const dest = join(work, 'out', 'v.conf');
  const read = (): string => {
    try {
      return readFileSync(dest, 'utf8');
    } catch {
      return '';
    }
  };
  const child = spawn(join(repoRoot, 'bin', 'confd'), ['-watch', '-backend', 'etcd', '-node', etcd.clientURL, '-confdir', confdir, '-config-file', join(work, 'none')], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const outDir = join(work, 'out');
  /** Resolves when dest holds `want` (checked on every change in out/, bounded). */
  const waitForContent = (want: string): Promise<number> =>
    new Promise((resolve, reject) => {
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        const t = performance.now();
        watcher.close();
        clearTimeout(timer);
        if (ok) resolve(t);
        else reject(new Error(`file never showed ${JSON.stringify(want)}; it holds ${JSON.stringify(read())}\n${log}`));
      };
      const watcher = watch(outDir, () => {
        if (read() === want) finish(true);
      });
      const timer = setTimeout(() => finish(false), WAIT_MS);
      if (read() === want) finish(true);
    });
  try {
    await waitForContent('value=start\n');
    const samples: number[] = [];
    for (let i = 0; i < changes; i++) {
      const value = `v${i}`;
      const t0 = performance.now();
      const seen = waitForContent(`value=${value}\n`);
      await client.set('/bench/value', value);
      samples.push((await seen) - t0);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `confd watch, key change → file rewritten (${impl} etcd, ${changes} changes, one at a time): ` +
        `p50 ${quantile(samples, 0.5).toFixed(1)} ms, p90 ${quantile(samples, 0.9).toFixed(1)} ms, ` +
        `p99 ${quantile(samples, 0.99).toFixed(1)} ms, max ${(samples[samples.length - 1] as number).toFixed(1)} ms`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('close', r));
    client.close();
    await etcd.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
