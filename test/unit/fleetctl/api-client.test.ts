import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient, createUnitBody, googleApiError, targetStateBody } from '../../../src/fleetctl/api-client.js';
import { expandPathParam, parseApiEndpoint } from '../../../src/fleetctl/api-endpoint.js';
import { UnitNotFoundError } from '../../../src/fleetctl/fleet-client.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen) => { status: number; body?: string; type?: string };

let dir = '';
let socketPath = '';
let server: http.Server;
let seen: Seen[] = [];
let handler: Handler = () => ({ status: 404 });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleetctl-api-'));
  socketPath = path.join(dir, 'fleet.sock');
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const reply = handler(s);
      const headers: Record<string, string> = { Server: 'fleetd/v1.0.0' };
      if (reply.body !== undefined) headers['Content-Type'] = reply.type ?? 'application/json';
      res.writeHead(reply.status, headers);
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function client(): ApiClient {
  return new ApiClient(parseApiEndpoint(`unix://${socketPath}`, () => {}));
}

test('endpoints: unix sockets show as domain-sock, http paths get /fleet/v1/', () => {
  assert.deepEqual(parseApiEndpoint('unix:///var/run/fleet.sock', () => {}), {
    baseUrl: 'http://domain-sock/fleet/v1/',
    socketPath: '/var/run/fleet.sock',
  });
  assert.deepEqual(parseApiEndpoint('http://10.0.0.1:8080', () => {}), { baseUrl: 'http://10.0.0.1:8080/fleet/v1/' });
  assert.deepEqual(parseApiEndpoint('https://h:1/api/', () => {}), { baseUrl: 'https://h:1/api/fleet/v1/' });
  assert.throws(() => parseApiEndpoint('unix://var/run/fleet.sock', () => {}), {
    message: 'unable to connect to host "var" with scheme "unix"',
  });
  assert.throws(() => parseApiEndpoint('fleet.sock', () => {}), { message: 'URL scheme undefined' });
  const warnings: string[] = [];
  parseApiEndpoint('http://a:1,http://b:2', (m) => warnings.push(m));
  assert.deepEqual(warnings, ['multiple endpoints provided but only the first (http://a:1) is used']);
  assert.equal(expandPathParam('web@1.service'), 'web%401.service');
});

test('request bodies: Go JSON with a trailing newline', () => {
  assert.equal(
    createUnitBody('hello.service', [{ section: 'Unit', name: 'Description', value: 'a <b> & c' }]),
    '{"name":"hello.service","options":[{"name":"Description","section":"Unit","value":"a \\u003cb\\u003e \\u0026 c"}]}\n',
  );
  assert.equal(targetStateBody('hello.service', 'launched'), '{"desiredState":"launched","name":"hello.service"}\n');
});

test('error texts as googleapi prints them', () => {
  const e400 = googleApiError({ status: 400, body: '{"error":{"code":400,"message":"cannot activate template \\"web@.service\\""}}', contentType: '' });
  assert.equal(e400.message, 'googleapi: Error 400: cannot activate template "web@.service"');
  const e404 = googleApiError({ status: 404, body: 'not here', contentType: '' });
  assert.equal(e404.message, 'googleapi: got HTTP response code 404 with body: not here');
  const e405 = googleApiError({ status: 405, body: '{"error":{"code":405,"message":""}}', contentType: '' });
  assert.equal(e405.message, 'googleapi: got HTTP response code 405 with body: {"error":{"code":405,"message":""}}');
});

test('list calls follow nextPageToken, with ?alt=json and fleetctl\'s User-Agent', async () => {
  seen = [];
  handler = (req) => {
    if (req.url === '/fleet/v1/state?alt=json') {
      return { status: 200, body: '{"nextPageToken":"AgACAA==","states":[{"hash":"abc","machineID":"m1","name":"a.service","systemdActiveState":"active","systemdLoadState":"loaded","systemdSubState":"running"}]}' };
    }
    if (req.url === '/fleet/v1/state?alt=json&nextPageToken=AgACAA%3D%3D') return { status: 200, body: '{}' };
    return { status: 404 };
  };
  const states = await client().unitStates();
  assert.deepEqual(states, [
    { name: 'a.service', hash: 'abc', machineID: 'm1', systemdLoadState: 'loaded', systemdActiveState: 'active', systemdSubState: 'running' },
  ]);
  assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), [
    'GET /fleet/v1/state?alt=json',
    'GET /fleet/v1/state?alt=json&nextPageToken=AgACAA%3D%3D',
  ]);
  assert.equal(seen[0]!.headers['user-agent'], 'google-api-go-client/0.5');
  assert.equal(seen[0]!.headers.host, 'domain-sock');
});

test('units: GET one (404 is none), PUT create and state, DELETE', async () => {
  seen = [];
  handler = (req) => {
    if (req.method === 'GET' && req.url === '/fleet/v1/units/hello.service?alt=json') {
      return { status: 200, body: '{"currentState":"launched","desiredState":"launched","machineID":"m1","name":"hello.service","options":[{"name":"Description","section":"Unit","value":"Hi"}]}' };
    }
    if (req.method === 'GET') return { status: 404, body: '{"error":{"code":404,"message":"unit does not exist"}}' };
    if (req.method === 'PUT') return { status: req.body.includes('options') ? 201 : 204 };
    if (req.method === 'DELETE') return req.url.startsWith('/fleet/v1/units/gone') ? { status: 404, body: '{"error":{"code":404,"message":"unit does not exist"}}' } : { status: 204 };
    return { status: 405 };
  };
  const c = client();
  assert.deepEqual(await c.unit('hello.service'), {
    name: 'hello.service',
    options: [{ section: 'Unit', name: 'Description', value: 'Hi' }],
    desiredState: 'launched',
    currentState: 'launched',
    machineID: 'm1',
  });
  assert.equal(await c.unit('web@1.service'), null);
  await c.createUnit('hello.service', [{ section: 'Unit', name: 'Description', value: 'Hi' }]);
  await c.setUnitTargetState('hello.service', 'launched');
  await c.destroyUnit('hello.service');
  await assert.rejects(c.destroyUnit('gone.service'), (err: unknown) => err instanceof UnitNotFoundError && err.message === 'googleapi: Error 404: unit does not exist');
  assert.deepEqual(seen.map((s) => `${s.method} ${s.url} ${s.headers['content-type'] ?? '-'} ${JSON.stringify(s.body)}`), [
    'GET /fleet/v1/units/hello.service?alt=json - ""',
    'GET /fleet/v1/units/web%401.service?alt=json - ""',
    'PUT /fleet/v1/units/hello.service?alt=json application/json "{\\"name\\":\\"hello.service\\",\\"options\\":[{\\"name\\":\\"Description\\",\\"section\\":\\"Unit\\",\\"value\\":\\"Hi\\"}]}\\n"',
    'PUT /fleet/v1/units/hello.service?alt=json application/json "{\\"desiredState\\":\\"launched\\",\\"name\\":\\"hello.service\\"}\\n"',
    'DELETE /fleet/v1/units/hello.service?alt=json - ""',
    'DELETE /fleet/v1/units/gone.service?alt=json - ""',
  ]);
});

test('Flotilla routes: placement, status and journal', async () => {
  seen = [];
  handler = (req) => {
    if (req.url === '/fleet/v1/x-flotilla/units/pinned.service/placement?alt=json') return { status: 200, body: '{"reason":"no machine matches"}' };
    if (req.url.includes('/placement')) return { status: 404, body: '{"error":{"code":404,"message":""}}' };
    if (req.url === '/fleet/v1/x-flotilla/machines/m1/units/hello.service/status?alt=json') return { status: 200, body: '{"exitCode":3,"text":"● hello.service\\n"}' };
    if (req.url === '/fleet/v1/x-flotilla/machines/m1/units/hello.service/journal?alt=json&follow=true&lines=5') {
      return { status: 200, body: 'line 1\nline 2\n', type: 'text/plain' };
    }
    return { status: 404 };
  };
  const c = client();
  assert.equal(await c.placementFailure('pinned.service'), 'no machine matches');
  assert.equal(await c.placementFailure('other.service'), null);
  assert.deepEqual(await c.unitStatus('m1', 'hello.service'), { text: '● hello.service\n', exitCode: 3 });
  let text = '';
  await c.unitJournal('m1', 'hello.service', { lines: 5, follow: true }, (t) => (text += t));
  assert.equal(text, 'line 1\nline 2\n');
});

test('an unreachable API is reported as Go 1.7 words a url.Error', async () => {
  const missing = new ApiClient(parseApiEndpoint('unix:///nonexistent/fleet.sock', () => {}));
  await assert.rejects(missing.unitStates(), {
    message: 'Get http://domain-sock/fleet/v1/state?alt=json: dial unix /nonexistent/fleet.sock: connect: no such file or directory',
  });
  await assert.rejects(missing.setUnitTargetState('a.service', 'loaded'), {
    message: 'Put http://domain-sock/fleet/v1/units/a.service?alt=json: dial unix /nonexistent/fleet.sock: connect: no such file or directory',
  });
  const refused = new ApiClient(parseApiEndpoint('http://127.0.0.1:1', () => {}));
  await assert.rejects(refused.machines(), {
    message: 'Get http://127.0.0.1:1/fleet/v1/machines?alt=json: dial tcp 127.0.0.1:1: connect: connection refused',
  });
});
