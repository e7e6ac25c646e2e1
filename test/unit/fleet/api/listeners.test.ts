import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { listenFleetApi } from '../../../../src/fleet/api/listeners.js';
import { parseListenerAddress } from '../../../../src/fleet/api/listener-address.js';
import { createFleetApi } from '../../../../src/fleet/api/routes.js';
import type { FleetApiRegistry } from '../../../../src/fleet/api/api-options.js';
import { errorBody, send } from './api-harness.js';

const registry: FleetApiRegistry = {
  units: async () => [],
  unit: async () => null,
  createUnit: async () => {},
  destroyUnit: async () => false,
  setTargetState: async () => {},
  machines: async () => [],
  setMachineMetadata: async () => {},
  unitStates: async () => [],
};
const handler = createFleetApi({ registry, machineId: 'm1', version: 'v1.0.0', tokenLimit: 100, isReady: () => true });

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-api-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Leaves a socket file nobody listens on: a child binds it and is killed before it can clean up. */
function leaveStaleSocket(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const code = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the child did not bind the socket within 10 s'));
    }, 10_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('listener addresses', () => {
  it('parse the four forms', () => {
    assert.deepEqual(parseListenerAddress('unix:///var/run/fleet.sock'), { kind: 'unix', path: '/var/run/fleet.sock' });
    assert.deepEqual(parseListenerAddress('127.0.0.1:49153'), { kind: 'tcp', host: '127.0.0.1', port: 49153 });
    assert.deepEqual(parseListenerAddress('tcp://0.0.0.0:8080'), { kind: 'tcp', host: '0.0.0.0', port: 8080 });
    assert.deepEqual(parseListenerAddress('http://[::1]:8080/'), { kind: 'tcp', host: '::1', port: 8080 });
    assert.deepEqual(parseListenerAddress(':8080'), { kind: 'tcp', host: '', port: 8080 });
    const bad = 'expect unix:///path, host:port, tcp://host:port or http://host:port';
    for (const text of ['unix://relative.sock', 'localhost', 'https://a:1', 'a:70000', '']) {
      assert.equal(parseListenerAddress(text), `invalid API listener "${text}": ${bad}`);
    }
  });
});

describe('listenFleetApi', () => {
  it('serves on a unix socket (making its directory) and on TCP listeners, then closes them all', async () => {
    const path = join(dir, 'run', 'fleet', 'fleet.sock');
    const l = await listenFleetApi(handler, [`unix://${path}`, '127.0.0.1:0', 'tcp://127.0.0.1:0', 'http://127.0.0.1:0']);
    try {
      assert.equal(l.addresses.length, 4);
      assert.equal(l.addresses[0], `unix://${path}`);
      for (const a of l.addresses.slice(1)) assert.match(a, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
      assert.equal(new Set(l.addresses).size, 4);
      assert.ok(statSync(path).isSocket());
      const viaSocket = await send('http://domain-sock', 'GET', '/fleet/v1/units?alt=json', { socketPath: path });
      assert.equal(viaSocket.status, 200);
      assert.equal(viaSocket.body, '{}');
      assert.equal(viaSocket.headers.server, 'fleetd/v1.0.0');
      for (const a of l.addresses.slice(1)) assert.equal((await send(a, 'GET', '/')).body, errorBody(405, ''));
    } finally {
      await l.close();
    }
    assert.equal(existsSync(path), false);
  });

  it('removes a stale socket file first', async () => {
    const path = join(dir, 'stale.sock');
    await leaveStaleSocket(path);
    assert.ok(statSync(path).isSocket());
    const l = await listenFleetApi(handler, [`unix://${path}`]);
    try {
      assert.equal((await send('http://domain-sock', 'GET', '/fleet/v1/state', { socketPath: path })).body, '{}');
    } finally {
      await l.close();
    }
  });

  it('refuses a socket another process serves on, and a path that is not a socket', async () => {
    const live = join(dir, 'live.sock');
    const other = createServer();
    await new Promise<void>((r) => other.listen(live, r));
    try {
      await assert.rejects(listenFleetApi(handler, [`unix://${live}`]), {
        message: `unable to listen on unix://${live}: another process is serving on ${live}`,
      });
    } finally {
      await new Promise((r) => other.close(r));
    }
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'keep me');
    await assert.rejects(listenFleetApi(handler, [`unix://${file}`]), {
      message: `unable to listen on unix://${file}: ${file} exists and is not a socket`,
    });
    assert.ok(existsSync(file));
  });

  it('rejects an invalid listener or a taken port, closing what it had opened', async () => {
    await assert.rejects(listenFleetApi(handler, ['127.0.0.1:0', 'nonsense']), {
      message: 'invalid API listener "nonsense": expect unix:///path, host:port, tcp://host:port or http://host:port',
    });
    const first = await listenFleetApi(handler, ['127.0.0.1:0']);
    try {
      const port = new URL(first.addresses[0]!).port;
      await assert.rejects(listenFleetApi(handler, [`127.0.0.1:${port}`]), (e: Error) => {
        assert.match(e.message, new RegExp(`^unable to listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
        return true;
      });
    } finally {
      await first.close();
    }
  });
});
