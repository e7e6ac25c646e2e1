import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/fleetctl');

function fleetctl(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('bin/fleetctl runs the program with its exit status', async () => {
  assert.deepEqual(await fleetctl(['--version']), { code: 0, stdout: 'fleetctl version 1.0.0\n', stderr: '' });
  assert.deepEqual(await fleetctl(['list-units'], { FLEETCTL_ENDPOINT: 'unix:///nonexistent/fleet.sock' }), {
    code: 1,
    stdout: '',
    stderr:
      'Error retrieving list of units from repository: Get http://domain-sock/fleet/v1/state?alt=json: dial unix /nonexistent/fleet.sock: connect: no such file or directory\n',
  });
});
