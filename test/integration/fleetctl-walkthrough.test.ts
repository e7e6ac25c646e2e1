/**
 * The README's fleetctl commands, run as written against a Flotilla etcd process: `submit` stores
 * fleet's hello.service in the registry, `list-unit-files` lists it with fleet's hash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot, startEtcd } from '../support/etcd-process.js';

const HELLO = '[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/bash -c "while true; do echo \\"Hello, world\\"; sleep 1; done"\n';

function fleetctl(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(repoRoot, 'bin', 'fleetctl'), args, { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('fleetctl --driver=etcd submits a unit and lists it, as the README shows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-fleetctl-'));
  const etcd = await startEtcd({ impl: 'flotilla' });
  try {
    writeFileSync(join(dir, 'hello.service'), HELLO);
    const common = ['--driver=etcd', '--endpoint', etcd.clientURL];
    assert.deepEqual(await fleetctl(dir, [...common, 'submit', 'hello.service']), {
      code: 0,
      stdout: 'Unit hello.service inactive\n',
      stderr: '',
    });
    assert.deepEqual(await fleetctl(dir, [...common, 'list-unit-files']), {
      code: 0,
      stdout: 'UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\te55c0ae\tinactive\tinactive\t-\n',
      stderr: '',
    });
    assert.deepEqual(await fleetctl(dir, [...common, 'cat', 'hello']), { code: 0, stdout: HELLO, stderr: '' });
  } finally {
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
