/**
 * confd in watch mode against a real etcd: 200 quick changes end with the last value in the file
 * and a reload, renders never go backwards (no change missed or reordered), and a change made
 * while confd is down is picked up when it starts again.
 *
 *   node --import tsx --test test/confd-cases/watch.test.ts     (CONFD_TEST_IMPL=flotilla|reference)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdClient } from '../../src/client/index.js';
import { repoRoot, startEtcd, type EtcdImpl } from '../support/etcd-process.js';

const IMPL = (process.env['CONFD_TEST_IMPL'] ?? 'reference') as EtcdImpl;
const CONFD = join(repoRoot, 'bin', 'confd');

class ConfdProcess {
  private readonly child: ChildProcess;
  private buffer = '';
  private readonly waiters: { re: RegExp; from: number; resolve: () => void }[] = [];
  readonly exited: Promise<number>;

  constructor(args: string[], cwd: string) {
    this.child = spawn(CONFD, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (b: Buffer) => {
      this.buffer += b.toString('utf8');
      for (const w of [...this.waiters]) this.check(w);
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  get log(): string {
    return this.buffer;
  }

  /** Marks the current end of the log; `waitFor` looks only at what comes after a mark. */
  mark(): number {
    return this.buffer.length;
  }

  private check(w: { re: RegExp; from: number; resolve: () => void }): void {
    if (w.re.test(this.buffer.slice(w.from))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Waits (bounded) for a log line matching `re` after `from`. */
  waitFor(re: RegExp, from: number, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${this.buffer.slice(from)}`)), timeoutMs);
      const w = {
        re,
        from,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(w);
      this.check(w);
    });
  }

  async stop(): Promise<number> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

test('watch mode: 200 quick changes, reloads, and changes made while confd is down', { timeout: 120_000 }, async () => {
  const etcd = await startEtcd({ impl: IMPL });
  const client = new EtcdClient({ endpoints: [etcd.clientURL] });
  const work = mkdtempSync(join(tmpdir(), 'confd-watch-'));
  let confd: ConfdProcess | undefined;
  try {
    const confdir = join(work, 'confdir');
    mkdirSync(join(confdir, 'conf.d'), { recursive: true });
    mkdirSync(join(confdir, 'templates'));
    mkdirSync(join(work, 'out'));
    writeFileSync(join(confdir, 'templates', 'app.tmpl'), 'value={{getv "/value"}}\nother={{getv "/other" "none"}}\n');
    writeFileSync(
      join(confdir, 'conf.d', 'app.toml'),
      [
        '[template]',
        'src = "app.tmpl"',
        'dest = "out/app.conf"',
        'prefix = "/app"',
        'keys = ["/value", "/other"]',
        'reload_cmd = "head -n 1 out/app.conf >> reloads.log"',
        '',
      ].join('\n'),
    );
    await client.set('/app/value', 'v0');
    await client.set('/app/other', 'o');
    await client.set('/unrelated', 'x');

    const args = ['-watch', '-backend', 'etcd', '-node', etcd.clientURL, '-confdir', confdir, '-config-file', join(work, 'none.toml')];
    confd = new ConfdProcess(args, work);
    await confd.waitFor(/Target config out\/app\.conf has been updated/, 0);
    assert.equal(readFileSync(join(work, 'out', 'app.conf'), 'utf8'), 'value=v0\nother=o\n');

    // 200 changes in quick succession.
    for (let i = 1; i <= 200; i++) await client.set('/app/value', `v${i}`);
    await client.set('/unrelated', 'y');
    // Each render logs "has been updated" after the file is in place: wait for the one with v200.
    for (;;) {
      const m = confd.mark();
      if (readFileSync(join(work, 'out', 'app.conf'), 'utf8') === 'value=v200\nother=o\n') break;
      await confd.waitFor(/has been updated/, m);
    }
    const reloads = readFileSync(join(work, 'reloads.log'), 'utf8').trim().split('\n');
    const seen = reloads.map((l) => Number(l.replace('value=v', '')));
    assert.equal(seen[seen.length - 1], 200, 'the last reload saw the last value');
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i] as number) > (seen[i - 1] as number), `renders never go backwards: ${seen.join(',')}`);
    assert.doesNotMatch(confd.log, /ERROR/);

    // A change of another watched key is rendered too.
    const m2 = confd.mark();
    await client.set('/app/other', 'o2');
    await confd.waitFor(/has been updated/, m2);
    assert.equal(readFileSync(join(work, 'out', 'app.conf'), 'utf8'), 'value=v200\nother=o2\n');

    // Stop, change while down, start again.
    const code = await confd.stop();
    assert.equal(code, 0);
    assert.match(confd.log, /INFO Captured terminated\. Exiting\.\.\./);
    await client.set('/app/value', 'offline');
    confd = new ConfdProcess(args, work);
    await confd.waitFor(/Target config out\/app\.conf has been updated/, 0);
    assert.equal(readFileSync(join(work, 'out', 'app.conf'), 'utf8'), 'value=offline\nother=o2\n');
    assert.ok(existsSync(join(work, 'reloads.log')));
    assert.equal(readFileSync(join(work, 'reloads.log'), 'utf8').trim().split('\n').pop(), 'value=offline');
  } finally {
    if (confd) await confd.stop();
    client.close();
    await etcd.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

test('watch mode: etcd unreachable at start, rendered once it is back, without any key change', { timeout: 120_000 }, async () => {
  const etcd = await startEtcd({ impl: IMPL });
  const client = new EtcdClient({ endpoints: [etcd.clientURL] });
  const work = mkdtempSync(join(tmpdir(), 'confd-watch-down-'));
  let confd: ConfdProcess | undefined;
  try {
    const confdir = join(work, 'confdir');
    mkdirSync(join(confdir, 'conf.d'), { recursive: true });
    mkdirSync(join(confdir, 'templates'));
    mkdirSync(join(work, 'out'));
    writeFileSync(join(confdir, 'templates', 'a.tmpl'), 'v={{getv "/k"}}\n');
    writeFileSync(join(confdir, 'conf.d', 'a.toml'), '[template]\nsrc = "a.tmpl"\ndest = "out/a.conf"\nprefix = "/down"\nkeys = ["/k"]\n');
    await client.set('/down/k', 'before');
    await etcd.kill9();
    confd = new ConfdProcess(['-watch', '-backend', 'etcd', '-node', etcd.clientURL, '-confdir', confdir, '-config-file', join(work, 'none.toml')], work);
    await confd.waitFor(/ERROR .*(unavailable|refused)/, 0);
    await etcd.restart();
    await confd.waitFor(/Target config out\/a\.conf has been updated/, 0, 30_000);
    assert.equal(readFileSync(join(work, 'out', 'a.conf'), 'utf8'), 'v=before\n');
    const m = confd.mark();
    await client.set('/down/k', 'after');
    await confd.waitFor(/has been updated/, m);
    assert.equal(readFileSync(join(work, 'out', 'a.conf'), 'utf8'), 'v=after\n');
  } finally {
    if (confd) await confd.stop();
    client.close();
    await etcd.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
