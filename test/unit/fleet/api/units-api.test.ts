import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { parseUnitFile, unitHash } from '../../../../src/fleet/unit/unit-file.js';
import { errorBody, JSON_HEADERS, MACHINE_ID, startApi, type ApiHarness, type Reply } from './api-harness.js';

const HELLO = '[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/sh -c "echo hi"\n';
const HELLO_OPTIONS_JSON =
  '[{"name":"Description","section":"Unit","value":"Hello World"},{"name":"ExecStart","section":"Service","value":"/bin/sh -c \\"echo hi\\""}]';

let api: ApiHarness;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api.stop();
});
beforeEach(async () => {
  for (const u of await api.registry.units()) await api.registry.destroyUnit(u.name);
});

/** A PUT as fleetctl sends it (a trailing newline after the JSON). */
function put(name: string, body: string, headers: Record<string, string | string[]> = JSON_HEADERS): Promise<Reply> {
  return api.request('PUT', `/fleet/v1/units/${name}?alt=json`, { body: `${body}\n`, headers });
}

function assertError(r: Reply, status: number, message: string): void {
  assert.equal(r.status, status);
  assert.equal(r.body, errorBody(status, message));
  assert.equal(r.headers['content-type'], 'application/json');
}

describe('PUT /units/<name>: the checks before the registry', () => {
  it('415 unless there is exactly one application/json Content-Type', async () => {
    const message = 'only acceptable Content-Type is application/json';
    assertError(await put('hello.service', '{}', {}), 415, message);
    assertError(await put('hello.service', '{}', { 'Content-Type': 'text/plain' }), 415, message);
    assertError(await put('hello.service', '{}', { 'Content-Type': 'Application/JSON' }), 415, message);
    assertError(await put('hello.service', '{}', { 'Content-Type': ['application/json', 'application/json'] }), 415, message);
    // Parameters after the media type are fine.
    assertError(await put('hello.service', '{}', { 'Content-Type': 'application/json; charset=utf-8' }), 409, 'unit does not exist and options field empty');
  });

  it('400 for a body that does not decode, with the Go error text', async () => {
    assertError(await api.request('PUT', '/fleet/v1/units/hello.service', { headers: JSON_HEADERS }), 400, 'unable to decode body: EOF');
    assertError(await put('hello.service', 'x'), 400, "unable to decode body: invalid character 'x' looking for beginning of value");
    assertError(await put('hello.service', '{"name":'), 400, 'unable to decode body: unexpected EOF');
    assertError(await put('hello.service', '{"options":"x"}'), 400, 'unable to decode body: json: cannot unmarshal string into Go value of type []*schema.UnitOption');
  });

  it('400 when the body names another unit', async () => {
    assertError(
      await put('hello.service', '{"name":"other.service"}'),
      400,
      'name in URL "hello.service" differs from unit name in request body "other.service"',
    );
  });

  it('400 for an invalid unit name', async () => {
    const cases: [string, string][] = [
      ['hello', 'unit name must contain "."'],
      ['hello.', 'unit name cannot end in "."'],
      ['a.foo', 'invalid unit type: "foo"'],
      ['x@.device', 'invalid unit type for template: "device"'],
      ['a%20b.service', "invalid character ' ' in unit name"],
      ['@a.service', 'unit name cannot start in "@"'],
      [`${'a'.repeat(250)}.service`, 'unit name exceeds maximum length (256)'],
    ];
    for (const [name, message] of cases) assertError(await put(name, '{}'), 400, message);
  });
});

describe('PUT /units/<name>: create, replace, change state', () => {
  const helloBody = `{"name":"hello.service","options":${HELLO_OPTIONS_JSON}}`;

  it('409 for a new unit without options, whatever its desiredState', async () => {
    assertError(await put('hello.service', '{"desiredState":"launched"}'), 409, 'unit does not exist and options field empty');
  });

  it('400 for options fleet refuses', async () => {
    const opt = (section: string, name: string, value: string): string => `{"section":"${section}","name":"${name}","value":"${value}"}`;
    assertError(
      await put('a.service', `{"options":[${opt('X-Fleet', 'Global', 'true')},${opt('X-Fleet', 'MachineOf', 'b.service')}]}`),
      400,
      'Global cannot be used with Peers',
    );
    assertError(
      await put('a.service', `{"options":[${opt('X-Fleet', 'MachineOf', 'b.service')},${opt('X-Fleet', 'Conflicts', 'b.*')}]}`),
      400,
      'unresolvable requirements: peer "b.service" matches conflict "b.*"',
    );
    assertError(await put('a.service', `{"options":[${opt('Service', 'ExecStart', 'x'.repeat(3000))}]}`), 400, 'line too long (max 2048 bytes)');
    assert.deepEqual(await api.registry.units(), []);
  });

  it('201 with no body, Content-Length 0 and no Content-Type; then GET shows the unit', async () => {
    const r = await put('hello.service', helloBody);
    assert.equal(r.status, 201);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-length'], '0');
    assert.equal(r.headers['content-type'], undefined);
    assert.equal(r.headers.server, 'fleetd/v1.0.0');
    const got = await api.request('GET', '/fleet/v1/units/hello.service?alt=json');
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.body, `{"currentState":"inactive","desiredState":"inactive","name":"hello.service","options":${HELLO_OPTIONS_JSON}}`);
    const unit = await api.registry.unit('hello.service');
    assert.equal(unit?.hash, unitHash(parseUnitFile(HELLO)));
  });

  it('creates with the desiredState given', async () => {
    assert.equal((await put('hello.service', `{"desiredState":"loaded","options":${HELLO_OPTIONS_JSON}}`)).status, 201);
    assert.equal((await api.registry.unit('hello.service'))?.targetState, 'loaded');
  });

  it('changes the desired state of an existing unit: 204, no Content-Type', async () => {
    await put('hello.service', helloBody);
    assertError(await put('hello.service', '{"name":"hello.service"}'), 409, 'must provide DesiredState to update existing unit');
    // The same options are no change either.
    assertError(await put('hello.service', helloBody), 409, 'must provide DesiredState to update existing unit');
    const r = await put('hello.service', '{"desiredState":"launched","name":"hello.service"}');
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], undefined);
    assert.equal((await api.registry.unit('hello.service'))?.targetState, 'launched');
    assert.equal((await put('hello.service', `{"desiredState":"inactive","options":${HELLO_OPTIONS_JSON}}`)).status, 204);
    assert.equal((await api.registry.unit('hello.service'))?.targetState, 'inactive');
  });

  it('400 for a desiredState fleet does not know (1.0.0 stored it)', async () => {
    await put('hello.service', helloBody);
    assertError(await put('hello.service', '{"desiredState":"bogus"}'), 400, 'invalid desiredState "bogus": expect inactive, loaded or launched');
    assertError(
      await put('new.service', `{"desiredState":"Launched","options":${HELLO_OPTIONS_JSON}}`),
      400,
      'invalid desiredState "Launched": expect inactive, loaded or launched',
    );
    assert.equal((await api.registry.unit('hello.service'))?.targetState, 'inactive');
    assert.equal(await api.registry.unit('new.service'), null);
  });

  it('replaces a unit whose options differ: 201, desired state from the body or inactive', async () => {
    await put('hello.service', `{"desiredState":"launched","options":${HELLO_OPTIONS_JSON}}`);
    const changed = '[{"name":"ExecStart","section":"Service","value":"/bin/true"}]';
    const r = await put('hello.service', `{"options":${changed}}`);
    assert.equal(r.status, 201);
    const unit = await api.registry.unit('hello.service');
    assert.equal(unit?.targetState, 'inactive');
    assert.deepEqual(unit?.options, [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }]);
  });

  it('refuses to activate a template, existing or new', async () => {
    assert.equal((await put('web@.service', `{"options":${HELLO_OPTIONS_JSON}}`)).status, 201);
    assertError(await put('web@.service', '{"desiredState":"launched"}'), 400, 'cannot activate template "web@.service"');
    assertError(await put('web@.service', '{"desiredState":"loaded"}'), 400, 'cannot activate template "web@.service"');
    assert.equal((await put('web@.service', '{"desiredState":"inactive"}')).status, 204);
    assertError(
      await put('db@.service', `{"desiredState":"launched","options":${HELLO_OPTIONS_JSON}}`),
      400,
      'cannot activate template "db@.service"',
    );
    assert.equal(await api.registry.unit('db@.service'), null);
    // An instance is not a template.
    assert.equal((await put('web@1.service', `{"desiredState":"launched","options":${HELLO_OPTIONS_JSON}}`)).status, 201);
  });
});

describe('GET and DELETE /units', () => {
  it('lists nothing as {}', async () => {
    const r = await api.request('GET', '/fleet/v1/units?alt=json');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{}');
    assert.equal(r.headers['content-length'], '2');
  });

  it('404 `unit does not exist` for GET and DELETE of an unknown unit', async () => {
    assertError(await api.request('GET', '/fleet/v1/units/none.service'), 404, 'unit does not exist');
    assertError(await api.request('DELETE', '/fleet/v1/units/none.service'), 404, 'unit does not exist');
  });

  it('DELETE → 204 without Content-Type, then the unit is gone', async () => {
    await put('hello.service', `{"options":${HELLO_OPTIONS_JSON}}`);
    const r = await api.request('DELETE', '/v1-alpha/units/hello.service');
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], undefined);
    assertError(await api.request('GET', '/fleet/v1/units/hello.service'), 404, 'unit does not exist');
  });

  it('shows the current state from the schedule and the states, sorted by name', async () => {
    const reg = api.registry;
    const opts = parseUnitFile(HELLO);
    await reg.createUnit('b.service', opts, 'launched');
    await reg.createUnit('a.service', opts, 'loaded');
    await reg.createUnit('c.service', opts, 'launched');
    await reg.createUnit('g.service', [...opts, { section: 'X-Fleet', name: 'Global', value: 'true' }], 'launched');
    await reg.scheduleUnit('a.service', MACHINE_ID);
    await reg.scheduleUnit('b.service', MACHINE_ID);
    const machine = { id: MACHINE_ID, publicIP: '10.0.0.11', metadata: {}, version: 'v1.0.0' };
    const hash = unitHash(opts);
    const state = (unitName: string) => ({ unitName, machineId: MACHINE_ID, loadState: 'loaded', activeState: 'active', subState: 'running', unitHash: hash });
    await reg.saveUnitState(state('a.service'), machine, 30);
    await reg.saveUnitState(state('b.service'), machine, 30);
    await reg.unitHeartbeat('b.service', MACHINE_ID, 30);

    const list = await api.request('GET', '/fleet/v1/units');
    const o = HELLO_OPTIONS_JSON;
    const g = `${o.slice(0, -1)},{"name":"Global","section":"X-Fleet","value":"true"}]`;
    assert.equal(
      list.body,
      '{"units":[' +
        `{"currentState":"loaded","desiredState":"loaded","machineID":"${MACHINE_ID}","name":"a.service","options":${o}},` +
        `{"currentState":"launched","desiredState":"launched","machineID":"${MACHINE_ID}","name":"b.service","options":${o}},` +
        `{"currentState":"inactive","desiredState":"launched","name":"c.service","options":${o}},` +
        `{"currentState":"inactive","desiredState":"launched","name":"g.service","options":${g}}]}`,
    );
    // A global unit fetched alone has no current state.
    assert.equal((await api.request('GET', '/fleet/v1/units/g.service')).body, `{"desiredState":"launched","name":"g.service","options":${g}}`);
    assert.equal(
      (await api.request('GET', '/fleet/v1/units/b.service')).body,
      `{"currentState":"launched","desiredState":"launched","machineID":"${MACHINE_ID}","name":"b.service","options":${o}}`,
    );
  });

  it('skips a unit with an unparseable target-state in lists and answers 500 for it alone', async () => {
    await put('hello.service', `{"options":${HELLO_OPTIONS_JSON}}`);
    await put('ok.service', `{"options":${HELLO_OPTIONS_JSON}}`);
    await api.client.set('/_coreos.com/fleet/job/hello.service/target-state', 'bogus');
    const list = await api.request('GET', '/fleet/v1/units');
    assert.equal(list.body, `{"units":[{"currentState":"inactive","desiredState":"inactive","name":"ok.service","options":${HELLO_OPTIONS_JSON}}]}`);
    assertError(await api.request('GET', '/fleet/v1/units/hello.service'), 500, '');
    assertError(await api.request('DELETE', '/fleet/v1/units/hello.service'), 500, '');
  });
});

describe('pagination of /units', () => {
  let small: ApiHarness;
  before(async () => {
    small = await startApi({ tokenLimit: 2 });
  });
  after(async () => {
    await small.stop();
  });

  it('follows tokens, with a last token at the exact boundary pointing at {}', async () => {
    const opts = parseUnitFile(HELLO);
    for (const n of ['a', 'b', 'c', 'd']) await small.registry.createUnit(`${n}.service`, opts, 'inactive');
    const names = (body: string): string[] => ((JSON.parse(body) as { units?: { name: string }[] }).units ?? []).map((u) => u.name);
    const p1 = await small.request('GET', '/fleet/v1/units?alt=json');
    assert.deepEqual(names(p1.body), ['a.service', 'b.service']);
    assert.match(p1.body, /^\{"nextPageToken":"AgACAA==","units":\[/);
    const p2 = await small.request('GET', '/fleet/v1/units?alt=json&nextPageToken=AgACAA%3D%3D');
    assert.deepEqual(names(p2.body), ['c.service', 'd.service']);
    assert.match(p2.body, /^\{"nextPageToken":"AgADAA==","units":\[/);
    const p3 = await small.request('GET', '/fleet/v1/units?nextPageToken=AgADAA==');
    assert.equal(p3.body, '{}');
  });

  it('400 for a bad token', async () => {
    const cases: [string, string][] = [
      ['ZAABAA==', 'token limit must be 2'],
      ['AgAAAA==', 'token page must be greater than zero'],
      ['%21', 'illegal base64 data at input byte 0'],
      ['AgAB', 'unexpected EOF'],
    ];
    for (const [token, message] of cases) assertError(await small.request('GET', `/fleet/v1/units?nextPageToken=${token}`), 400, message);
    assertError(await small.request('GET', '/fleet/v1/units?nextPageToken=AgABAA==&nextPageToken=AgABAA=='), 400, 'too many values for page token');
  });
});
