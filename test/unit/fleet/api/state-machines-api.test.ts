import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { UnitState } from '../../../../src/fleet/registry/types.js';
import { errorBody, startApi, type ApiHarness, type Reply } from './api-harness.js';

const M1 = '1111111111111111111111111111111a';
const M2 = '2222222222222222222222222222222b';
const HASH = 'af1f66db4b1e32862c4e64ea2de8a3c5cb1820d8';

let api: ApiHarness;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api.stop();
});

function assertError(r: Reply, status: number, message: string): void {
  assert.equal(r.status, status);
  assert.equal(r.body, errorBody(status, message));
}

function state(unitName: string, machineId: string, subState: string): UnitState {
  return { unitName, machineId, loadState: 'loaded', activeState: subState === 'running' ? 'active' : 'inactive', subState, unitHash: HASH };
}

function stateJson(s: UnitState): string {
  return (
    `{"hash":"${s.unitHash}","machineID":"${s.machineId}","name":"${s.unitName}",` +
    `"systemdActiveState":"${s.activeState}","systemdLoadState":"${s.loadState}","systemdSubState":"${s.subState}"}`
  );
}

describe('/state', () => {
  const machine = { id: M1, publicIP: '', metadata: {}, version: 'v1.0.0' };
  const a1 = state('a.service', M1, 'running');
  const a2 = state('a.service', M2, 'dead');
  const b1 = state('b.service', M1, 'running');

  it('is {} while nothing is published, and 404 for an unknown unit (1.0.0 crashed)', async () => {
    assert.equal((await api.request('GET', '/fleet/v1/state?alt=json')).body, '{}');
    assertError(await api.request('GET', '/fleet/v1/state/none.service'), 404, 'unit state does not exist');
  });

  it('lists states sorted by unit then machine, filtered by machineID and unitName', async () => {
    for (const s of [b1, a2, a1]) await api.registry.saveUnitState(s, machine, 30);
    const all = await api.request('GET', '/fleet/v1/state?alt=json');
    assert.equal(all.status, 200);
    assert.equal(all.headers['content-type'], 'application/json');
    assert.equal(all.body, `{"states":[${stateJson(a1)},${stateJson(a2)},${stateJson(b1)}]}`);
    assert.equal((await api.request('GET', `/fleet/v1/state?machineID=${M1}`)).body, `{"states":[${stateJson(a1)},${stateJson(b1)}]}`);
    assert.equal((await api.request('GET', '/fleet/v1/state?unitName=a.service')).body, `{"states":[${stateJson(a1)},${stateJson(a2)}]}`);
    assert.equal(
      (await api.request('GET', `/fleet/v1/state?unitName=a.service&machineID=${M2}&machineID=${M1}`)).body,
      `{"states":[${stateJson(a2)}]}`,
    );
    assert.equal((await api.request('GET', '/fleet/v1/state?unitName=&machineID=')).body, all.body);
    assert.equal((await api.request('GET', '/fleet/v1/state?unitName=none.service')).body, '{}');
  });

  it('GET /state/<name> gives the first state of the unit', async () => {
    const r = await api.request('GET', '/v1-alpha/state/a.service');
    assert.equal(r.status, 200);
    assert.equal(r.body, stateJson(a1));
  });

  it('400 for a bad page token', async () => {
    assertError(await api.request('GET', '/fleet/v1/state?nextPageToken=AgABAA=='), 400, 'token limit must be 100');
    assert.equal((await api.request('GET', '/fleet/v1/state?nextPageToken=ZAACAA==')).body, '{}');
  });
});

describe('/machines', () => {
  it('is {} without machines', async () => {
    const r = await api.request('GET', '/fleet/v1/machines?alt=json');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{}');
  });

  it('lists machines with merged metadata, leaving out empty fields', async () => {
    await api.registry.setMachineState({ id: M2, publicIP: '', metadata: {}, version: 'v1.0.0' }, 30, true);
    await api.registry.setMachineState({ id: M1, publicIP: '10.0.0.11', metadata: { region: 'eu-west', role: 'web' }, version: 'v1.0.0' }, 30, true);
    await api.registry.setMachineMetadata(M1, 'disk', 'ssd');
    await api.registry.setMachineMetadata(M1, 'region', '');
    const r = await api.request('GET', '/fleet/v1/machines');
    assert.equal(r.body, `{"machines":[{"id":"${M1}","metadata":{"disk":"ssd","role":"web"},"primaryIP":"10.0.0.11"},{"id":"${M2}"}]}`);
  });

  it('PATCH → 204 with Content-Type application/json and no body, in both value forms', async () => {
    const body =
      `[{"op":"add","path":"/${M2}/metadata/zone","value":{"value":"b"}},` +
      `{"op":"replace","path":"/${M2}/metadata/rack","value":"r7"},` +
      `{"op":"remove","path":"/${M1}/metadata/role"}]`;
    const r = await api.request('PATCH', '/fleet/v1/machines', { body });
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers.server, 'fleetd/v1.0.0');
    const list = await api.request('GET', '/fleet/v1/machines');
    assert.equal(list.body, `{"machines":[{"id":"${M1}","metadata":{"disk":"ssd"},"primaryIP":"10.0.0.11"},{"id":"${M2}","metadata":{"rack":"r7","zone":"b"}}]}`);
    // The machine need not exist.
    const ghost = await api.request('PATCH', '/fleet/v1/machines', { body: '[{"op":"add","path":"/ghost/metadata/k","value":"v"}]' });
    assert.equal(ghost.status, 204);
    assert.equal((await api.client.get('/_coreos.com/fleet/machines/ghost/metadata/k')).node.value, 'v');
  });

  it('PATCH → 400 with fleet texts, writing nothing of a batch with a bad op', async () => {
    const cases: [string, string][] = [
      ['[{"op":"add","path":"/m/metadata/k","value":"1"},{"op":"move","path":"/m/metadata/k"}]', 'invalid op: expect add, remove, or replace'],
      ['[{"op":"add","path":"/m/metadata/k/x","value":"1"}]', 'machine metadata path invalid'],
      ['[{"op":"add","path":"/m/metadata/k"}]', 'invalid value: add and replace require a value'],
      ['{"op":"add"}', 'json: cannot unmarshal object into Go value of type []api.machineMetadataOp'],
      ['', 'EOF'],
    ];
    for (const [body, message] of cases) assertError(await api.request('PATCH', '/fleet/v1/machines', { body }), 400, message);
    await assert.rejects(api.client.get('/_coreos.com/fleet/machines/m/metadata/k'), /Key not found/);
  });
});
