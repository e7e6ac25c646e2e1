/**
 * fleetctl with `--driver=etcd` against an in-process etcd holding fleet's registry in the layout
 * real fleet writes (fleet-observed.md), read and written through src/fleet/registry.
 */
process.env.TZ = 'UTC';

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createClientServer } from '../../../src/api/v2http/client-server.js';
import { EtcdClient } from '../../../src/client/etcd-client.js';
import { Registry } from '../../../src/fleet/registry/registry.js';
import { hashBytes, parseUnitFile, serializeUnit, unitHash } from '../../../src/fleet/unit/unit-file.js';
import type { FleetctlClock } from '../../../src/fleetctl/fleetctl-io.js';
import { MemoryServer } from '../../support/memory-server.js';
import { run } from './transcript.js';

const P = '/_coreos.com/fleet/';
const M1 = '2c5a1b7e9f0d4e3c8b7a6f5e4d3c2b1a';
const HELLO = '[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/sleep 1000\n';

let face: MemoryServer;
let server: ReturnType<typeof createClientServer>;
let etcd: EtcdClient;
let endpoint = '';
let dir = '';
let registryReady = true;

const clock: FleetctlClock = { now: () => Date.UTC(2016, 11, 22, 10, 0, 0), sleep: async () => {} };

before(async () => {
  face = new MemoryServer({ syncIntervalMs: 3_600_000 });
  server = createClientServer(face);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  etcd = new EtcdClient({ endpoints: [endpoint] });
  dir = mkdtempSync(path.join(tmpdir(), 'fleetctl-etcd-'));
  writeFileSync(path.join(dir, 'other.service'), '[Service]\nExecStart=/bin/true\n');
  try {
    await new Registry(etcd).machines();
  } catch (err) {
    if (err instanceof Error && err.message === 'not implemented') registryReady = false;
  }
  const options = parseUnitFile(HELLO);
  const hash = unitHash(options);
  const machine = { ID: M1, PublicIP: '10.0.0.11', Metadata: { role: 'web' }, Capabilities: { DISABLE_ENGINE: false, GRPC: false }, Version: 'v1.0.0' };
  await etcd.set(`${P}machines/${M1}/object`, JSON.stringify(machine));
  await etcd.set(`${P}unit/${hash}`, JSON.stringify({ Raw: serializeUnit(options) }));
  await etcd.set(`${P}job/hello.service/object`, JSON.stringify({ Name: 'hello.service', UnitHash: hashBytes(hash) }));
  await etcd.set(`${P}job/hello.service/target-state`, 'launched');
  await etcd.set(`${P}job/hello.service/target`, M1);
  await etcd.set(`${P}job/hello.service/job-state`, M1);
  const state = {
    loadState: 'loaded',
    activeState: 'active',
    subState: 'running',
    machineState: { ID: M1, PublicIP: '', Metadata: null, Capabilities: null, Version: '' },
    unitHash: hash,
  };
  await etcd.set(`${P}states/hello.service/${M1}`, JSON.stringify(state));
});

after(async () => {
  etcd.close();
  face.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function fleetctl(...argv: string[]) {
  return run(['--driver=etcd', `--endpoint=${endpoint}`, ...argv], { env: {}, clock, cwd: dir });
}

test('lists read the registry as fleet wrote it', async (t) => {
  if (!registryReady) return t.skip('the registry is not implemented yet');
  assert.deepEqual(await fleetctl('list-machines'), {
    stdout: 'MACHINE\t\tIP\t\tMETADATA\n2c5a1b7e...\t10.0.0.11\trole=web\n',
    stderr: '',
    exit: 0,
  });
  const hash = unitHash(parseUnitFile(HELLO)).slice(0, 7);
  assert.deepEqual(await fleetctl('list-unit-files'), {
    stdout: `UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\t${hash}\tlaunched\tlaunched\t2c5a1b7e.../10.0.0.11\n`,
    stderr: '',
    exit: 0,
  });
  assert.deepEqual(await fleetctl('list-units'), {
    stdout: 'UNIT\t\tMACHINE\t\t\tACTIVE\tSUB\nhello.service\t2c5a1b7e.../10.0.0.11\tactive\trunning\n',
    stderr: '',
    exit: 0,
  });
  assert.deepEqual(await fleetctl('cat', 'hello'), { stdout: HELLO, stderr: '', exit: 0 });
});

test('submit, start and destroy write fleet\'s keys', async (t) => {
  if (!registryReady) return t.skip('the registry is not implemented yet');
  assert.deepEqual(await fleetctl('submit', 'other.service'), { stdout: 'Unit other.service inactive\n', stderr: '', exit: 0 });
  const options = parseUnitFile('[Service]\nExecStart=/bin/true\n');
  const object = await etcd.get(`${P}job/other.service/object`);
  assert.equal(object.node.value, JSON.stringify({ Name: 'other.service', UnitHash: hashBytes(unitHash(options)) }));
  assert.equal((await etcd.get(`${P}job/other.service/target-state`)).node.value, 'inactive');
  assert.equal((await etcd.get(`${P}unit/${unitHash(options)}`)).node.value, JSON.stringify({ Raw: serializeUnit(options) }));
  assert.deepEqual(await fleetctl('start', '--no-block', 'other.service'), {
    stdout: 'Triggered unit other.service start\nTriggered unit other.service start\n',
    stderr: '',
    exit: 0,
  });
  assert.equal((await etcd.get(`${P}job/other.service/target-state`)).node.value, 'launched');
  assert.deepEqual(await fleetctl('destroy', 'other.service'), { stdout: 'Destroyed other.service\n', stderr: '', exit: 0 });
  await assert.rejects(etcd.get(`${P}job/other.service`), { errorCode: 100 });
});

test('a newer registered fleetd prints the version banner', async (t) => {
  if (!registryReady) return t.skip('the registry is not implemented yet');
  const id = '9f9f9f9f9f9f9f9f';
  await etcd.set(`${P}machines/${id}/object`, JSON.stringify({ ID: id, PublicIP: '', Metadata: {}, Version: '1.2.3' }));
  const r = await fleetctl('list-machines', '--no-legend');
  assert.equal(
    r.stderr,
    '####################################################################\n' +
      'WARNING: fleetctl (1.0.0) is older than the latest registered\n' +
      'version of fleet found in the cluster (1.2.3). You are strongly\n' +
      'recommended to upgrade fleetctl to prevent incompatibility issues.\n' +
      '####################################################################\n',
  );
  assert.equal(r.stdout, '2c5a1b7e...\t10.0.0.11\trole=web\n9f9f9f9f...\t-\t\t-\n');
  await etcd.delete(`${P}machines/${id}`, { recursive: true });
});

test('an unreachable etcd', async () => {
  const r = await run(['--driver=etcd', '--endpoint=http://127.0.0.1:1', 'list-units'], { env: {}, clock, cwd: dir });
  assert.equal(r.exit, 1);
  assert.match(r.stderr, /^2016\/12\/22 10:00:00 ERROR fleetctl\.go:211: error attempting to check latest fleet version in Registry: /);
  assert.match(r.stderr, /\nError retrieving list of units from repository: /);
});

test('start prints the placement failure the engine recorded', async (t) => {
  if (!registryReady) return t.skip('the registry is not implemented yet');
  await new Registry(etcd).recordPlacementFailure('other.service', 'no machine has metadata role=db');
  const r = await fleetctl('start', '--block-attempts=1', 'other.service');
  assert.deepEqual(r, {
    stdout: 'Unit other.service inactive\n',
    stderr:
      'Unit other.service cannot be placed yet: no machine has metadata role=db\n' +
      'Error waiting for units: timed out waiting for unit other.service to report state launched\n' +
      'Error waiting for unit states, exit status: 1\n',
    exit: 1,
  });
  await fleetctl('destroy', 'other.service');
});
