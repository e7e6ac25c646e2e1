import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createFleetApi } from '../../../../src/fleet/api/routes.js';
import type { FleetApiRegistry } from '../../../../src/fleet/api/api-options.js';
import { listenFleetApi } from '../../../../src/fleet/api/listeners.js';
import { errorBody, send, startApi, type ApiHarness } from './api-harness.js';

let api: ApiHarness;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api.stop();
});

function assertJsonReply(r: { status: number; headers: Record<string, unknown>; body: string }, status: number, body: string): void {
  assert.equal(r.status, status);
  assert.equal(r.body, body);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['content-length'], String(Buffer.byteLength(body)));
  assert.equal(r.headers.server, 'fleetd/v1.0.0');
}

describe('routing', () => {
  it('answers 405 with an empty message at / and at the version roots', async () => {
    for (const path of ['/', '/fleet/v1', '/v1-alpha']) {
      for (const method of ['GET', 'POST']) assertJsonReply(await api.request(method, path), 405, errorBody(405, ''));
    }
  });

  it('answers 404 with an empty message for every other path', async () => {
    const paths = [
      '/fleet/v1/',
      '/fleet/v1/units/',
      '/fleet/v1/units/a/b',
      '/fleet/v1/machines/x',
      '/fleet/v1/state/',
      '/fleet/v1/state/a/b',
      '/fleet/v1/discovery/',
      '/fleet/v1/discovery.json',
      '/fleet/v2/units',
      '/v1-alpha/x-flotilla/units/a.service/placement',
      '/fleet/v1/x-flotilla/bogus',
      '/nope',
    ];
    for (const path of paths) assertJsonReply(await api.request('GET', path), 404, errorBody(404, ''));
  });

  it('answers the wrong methods with 405 and fleet texts, and the discovery document with 400', async () => {
    const cases: [string, string, number, string][] = [
      ['POST', '/fleet/v1/units', 405, 'only GET supported against this resource'],
      ['POST', '/fleet/v1/units/a.service', 405, 'only GET, PUT and DELETE supported against this resource'],
      ['PATCH', '/v1-alpha/units/a.service', 405, 'only GET, PUT and DELETE supported against this resource'],
      ['DELETE', '/fleet/v1/machines', 405, 'only GET and PATCH supported against this resource'],
      ['PUT', '/fleet/v1/state', 405, 'only GET supported against this resource'],
      ['DELETE', '/fleet/v1/state/a.service', 405, 'only GET supported against this resource'],
      ['POST', '/fleet/v1/discovery', 400, 'only HTTP GET supported against this resource'],
      ['PUT', '/v1-alpha/discovery', 400, 'only HTTP GET supported against this resource'],
      ['POST', '/fleet/v1/x-flotilla/units/a.service/placement', 405, 'only GET supported against this resource'],
    ];
    for (const [method, path, status, message] of cases) {
      assertJsonReply(await api.request(method, path), status, errorBody(status, message));
    }
  });

  it('serves the discovery document under both prefixes', async () => {
    for (const prefix of ['/fleet/v1', '/v1-alpha']) {
      const r = await api.request('GET', `${prefix}/discovery`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      const doc = JSON.parse(r.body) as Record<string, unknown>;
      assert.equal(doc.kind, 'discovery#restDescription');
      assert.equal(doc.id, 'fleet:v1');
      assert.equal(doc.name, 'fleet');
      assert.equal(doc.version, 'v1');
      assert.equal(doc.rootUrl, '$ENDPOINT/');
      assert.equal(doc.servicePath, 'fleet/v1/');
      assert.deepEqual(Object.keys(doc.schemas as object), ['Machine', 'MachinePage', 'Unit', 'UnitOption', 'UnitPage', 'UnitState', 'UnitStatePage']);
      assert.deepEqual(Object.keys(doc.resources as object), ['Machines', 'UnitState', 'Units']);
    }
  });

  it('answers 503 to everything while etcd cannot be reached', async () => {
    api.ready = false;
    try {
      for (const path of ['/fleet/v1/units', '/', '/nope', '/metrics', '/fleet/v1/discovery']) {
        assertJsonReply(await api.request('GET', path), 503, errorBody(503, 'fleet server unable to communicate with etcd'));
      }
    } finally {
      api.ready = true;
    }
  });

  it('redirects a path that is not clean, as ServeMux does', async () => {
    const r = await api.request('GET', '/fleet//v1/./units?alt=json');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/fleet/v1/units?alt=json');
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.body, '<a href="/fleet/v1/units?alt=json">Moved Permanently</a>.\n\n');
    const put = await api.request('PUT', '/fleet/v1/../v1/units/a.service');
    assert.equal(put.status, 301);
    assert.equal(put.headers.location, '/fleet/v1/units/a.service');
    assert.equal(put.body, '');
  });

  it('answers a path with a bad escape with 400', async () => {
    const r = await api.request('GET', '/fleet/v1/units/a%zz.service');
    assert.equal(r.status, 400);
    assert.equal(r.body, '400 Bad Request');
  });

  it('serves Prometheus metrics counting requests by method, route and code', async () => {
    await api.request('GET', '/fleet/v1/units');
    await api.request('DELETE', '/fleet/v1/units/none.service');
    const r = await api.request('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.match(r.body, /^fleetd_api_requests_total\{method="GET",route="units",code="200"\} [1-9]/m);
    assert.match(r.body, /^fleetd_api_requests_total\{method="DELETE",route="units\/\{name\}",code="404"\} 1$/m);
    assert.match(r.body, /^fleetd_api_requests_total\{method="GET",route="version root",code="405"\} [1-9]/m);
    assert.match(r.body, /^fleetd_api_ready 1$/m);
    assert.match(r.body, /^fleetd_api_journal_streams 0$/m);
    assert.match(r.body, /^fleetd_info\{version="v1.0.0",machine_id="2c5a1b7e000000000000000000000001"\} 1$/m);
    assert.match(r.body, /^fleetd_api_request_duration_seconds_count\{route="units"\} [1-9]/m);
    assert.doesNotMatch(r.body, /process_cpu/);
  });
});

describe('registry failures', () => {
  it('answer 500 with an empty message and log the cause', async () => {
    const boom = (): Promise<never> => Promise.reject(new Error('etcd cluster is unavailable'));
    const registry: FleetApiRegistry = {
      units: boom,
      unit: boom,
      createUnit: boom,
      destroyUnit: boom,
      setTargetState: boom,
      machines: boom,
      setMachineMetadata: boom,
      unitStates: boom,
    };
    const logs: string[] = [];
    const handler = createFleetApi({ registry, machineId: 'm', version: 'v1.0.0', tokenLimit: 100, isReady: () => true, log: (l) => logs.push(l) });
    const listeners = await listenFleetApi(handler, ['127.0.0.1:0']);
    try {
      const base = listeners.addresses[0]!;
      const json = { 'Content-Type': 'application/json' };
      const cases: [string, string, string?][] = [
        ['GET', '/fleet/v1/units'],
        ['GET', '/fleet/v1/units/a.service'],
        ['DELETE', '/fleet/v1/units/a.service'],
        ['PUT', '/fleet/v1/units/a.service', '{"desiredState":"launched"}'],
        ['GET', '/fleet/v1/state'],
        ['GET', '/fleet/v1/state/a.service'],
        ['GET', '/fleet/v1/machines'],
        ['PATCH', '/fleet/v1/machines', '[{"op":"add","path":"/m/metadata/k","value":"v"}]'],
      ];
      for (const [method, path, body] of cases) {
        const r = await send(base, method, path, { body, headers: json });
        assert.equal(r.status, 500, `${method} ${path}`);
        assert.equal(r.body, errorBody(500, ''));
      }
      assert.deepEqual(logs, [
        'Failed fetching page of Units: etcd cluster is unavailable',
        'Failed fetching Unit(a.service) from Registry: etcd cluster is unavailable',
        'Failed fetching Unit(a.service): etcd cluster is unavailable',
        'Failed fetching Unit(a.service) from Registry: etcd cluster is unavailable',
        'Failed fetching page of UnitStates: etcd cluster is unavailable',
        'Failed fetching UnitState(a.service) from Registry: etcd cluster is unavailable',
        'Failed fetching page of Machines: etcd cluster is unavailable',
        'Failed setting metadata k of Machine(m): etcd cluster is unavailable',
      ]);
    } finally {
      await listeners.close();
    }
  });

  it('refuses a token limit that is not a uint16 above zero', () => {
    const registry = {} as FleetApiRegistry;
    for (const tokenLimit of [0, 65536, 1.5]) {
      assert.throws(
        () => createFleetApi({ registry, machineId: 'm', version: 'v', tokenLimit, isReady: () => true }),
        /token_limit must be a whole number from 1 to 65535/,
      );
    }
  });
});
