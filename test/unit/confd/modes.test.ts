import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfd } from '../../../src/confd/confd-main.js';

function confdir(): { root: string; dir: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'confd-modes-'));
  const dir = join(root, 'confdir');
  mkdirSync(join(dir, 'conf.d'), { recursive: true });
  mkdirSync(join(dir, 'templates'));
  mkdirSync(join(root, 'out'));
  writeFileSync(join(dir, 'templates', 't.tmpl'), 'v={{getv "/app/v"}}\n');
  writeFileSync(join(dir, 'conf.d', 'a.toml'), `[template]\nsrc = "t.tmpl"\ndest = "${join(root, 'out', 'a.conf')}"\nkeys = ["/app"]\n`);
  return { root, dir, out: join(root, 'out') };
}

/** Runs confd in a long-running mode and stops it (as SIGTERM would) once `stopWhen` matches the log. */
async function runUntil(args: string[], stopWhen: RegExp): Promise<{ status: number; log: string }> {
  let log = '';
  let stop: (name: string) => void = () => undefined;
  const stopSignal = new Promise<string>((resolve) => (stop = resolve));
  const guard = setTimeout(() => stop('terminated'), 20_000);
  const status = await runConfd(args, {
    argv0: 'confd',
    env: { APP_V: '1' },
    stderr: (t) => {
      log += t;
      if (stopWhen.test(log)) stop('terminated');
    },
    stdout: () => undefined,
    stopSignal,
  });
  clearTimeout(guard);
  return { status, log };
}

test('interval mode processes, then stops cleanly on a signal', async () => {
  const f = confdir();
  try {
    const r = await runUntil(['-backend', 'env', '-interval', '600', '-confdir', f.dir, '-config-file', '/nonexistent'], /has been updated/);
    assert.equal(r.status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'v=1\n');
    assert.match(r.log, /INFO Captured terminated\. Exiting\.\.\./);
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('watch mode renders at start (env backend never fires), then stops on a signal', async () => {
  const f = confdir();
  try {
    const r = await runUntil(['-watch', '-backend', 'env', '-confdir', f.dir, '-config-file', '/nonexistent'], /has been updated/);
    assert.equal(r.status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'v=1\n');
    assert.match(r.log, /INFO Captured terminated\. Exiting\.\.\./);
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('onetime takes precedence over watch', async () => {
  const f = confdir();
  try {
    const r = await runUntil(['-onetime', '-watch', '-backend', 'env', '-confdir', f.dir, '-config-file', '/nonexistent'], /^$/);
    assert.equal(r.status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'v=1\n');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});
