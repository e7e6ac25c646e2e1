import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { createClientServer } from '../../../src/api/v2http/client-server.js';
import type { Http1Server } from '../../../src/http1/index.js';
import { MemoryServer } from '../../support/memory-server.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let face: MemoryServer;
let server: Http1Server;
let base: string;

function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return sendTo(base, method, path, body, headers);
}

function sendTo(to: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && h['content-type'] === undefined) h['content-type'] = 'application/x-www-form-urlencoded';
    const req = request(`${to}${path}`, { method, headers: h, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts a watch; resolves once the headers arrived, with a way to read events and to abort. */
function openWatch(path: string): Promise<{ status: number; lines: () => string[]; nextLine: () => Promise<string>; abort: () => void }> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let waiter: (() => void) | null = null;
    const req = request(`${base}${path}`, { method: 'GET' }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffered += c;
        waiter?.();
      });
      res.on('error', () => undefined);
      const lines = (): string[] => buffered.split('\n').filter((l) => l !== '');
      resolve({
        status: res.statusCode ?? 0,
        lines,
        nextLine: () =>
          new Promise<string>((res2, rej2) => {
            const count = lines().length;
            const timer = setTimeout(() => rej2(new Error('no event within 5 s')), 5000);
            waiter = () => {
              if (lines().length > count) {
                clearTimeout(timer);
                waiter = null;
                res2(lines()[count]!);
              }
            };
          }),
        abort: () => req.destroy(),
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

/** Waits (bounded) until `cond` holds, checking after each turn of the event loop. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

before(async () => {
  face = new MemoryServer({ syncIntervalMs: 3_600_000 });
  server = createClientServer(face, { maxRequestBytes: 64 * 1024 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  face.clientURL = base;
});

after(async () => {
  face.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('client handler', () => {
  it('writes and reads with etcd headers and status codes', async () => {
    const put = await send('PUT', '/v2/keys/h/message', 'value=Hello');
    assert.equal(put.status, 201);
    assert.equal(put.headers['content-type'], 'application/json');
    assert.equal(put.headers['x-etcd-cluster-id'], face.clusterId);
    assert.equal(put.headers['x-etcd-index'], String(face.store.index));
    assert.ok(put.headers['x-raft-index'] !== undefined && put.headers['x-raft-term'] === '1');
    assert.equal(put.headers['access-control-allow-origin'], '*');
    const get = await send('GET', '/v2/keys/h/message');
    assert.equal(JSON.parse(get.body).node.value, 'Hello');
    assert.ok(get.body.endsWith('\n'));
    const missing = await send('GET', '/v2/keys/h/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-raft-index'], undefined);
    assert.deepEqual(JSON.parse(missing.body), { errorCode: 100, message: 'Key not found', cause: '/h/nope', index: face.store.index });
    const head = await send('HEAD', '/v2/keys/h/nope');
    assert.equal(head.status, 404);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], String(missing.body.length));
    const quorum = await send('GET', '/v2/keys/h/message?quorum=true&wait=true');
    assert.equal(JSON.parse(quorum.body).action, 'get');
  });

  it('answers validation errors with index 0', async () => {
    const r = await send('PUT', '/v2/keys/h/t', 'value=v&ttl=abc');
    assert.equal(r.status, 400);
    assert.equal(r.headers['x-etcd-index'], '0');
    assert.equal(JSON.parse(r.body).errorCode, 202);
  });

  it('redirects unclean paths and refuses bad escapes', async () => {
    const r = await send('GET', '/v2/keys/a//b?recursive=true&x=1');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/v2/keys/a/b?recursive=true&x=1');
    const bad = await send('PUT', '/v2/keys/bad%zzkey', 'value=1');
    assert.equal(bad.status, 400);
    assert.equal(bad.body, '400 Bad Request');
  });

  it('answers unknown methods with 405 and Allow, like etcd', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(base);
      const sock = connect(Number(port), hostname, () => sock.write('FOO /v2/keys/m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.match(raw, /\r\nAllow: HEAD,GET,PUT,POST,DELETE\r\n/);
    const patch = await send('PATCH', '/v2/keys/m', 'value=1');
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.allow, 'HEAD,GET,PUT,POST,DELETE');
    assert.equal(patch.headers['x-etcd-index'], undefined);
  });

  it('refuses an oversized form body with 210', async () => {
    const r = await send('PUT', '/v2/keys/h/big', `value=${'x'.repeat(70 * 1024)}`);
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { errorCode: 210, message: 'Invalid POST form', cause: 'http: POST too large', index: 0 });
  });

  it('long-poll watch: headers first, one event, watcher gone after the reply', async () => {
    const w = await openWatch('/v2/keys/h/w?wait=true');
    assert.equal(w.status, 200);
    assert.equal(face.store.watcherCount, 1);
    const next = w.nextLine();
    await send('PUT', '/v2/keys/h/w', 'value=1');
    const ev = JSON.parse(await next);
    assert.equal(ev.action, 'set');
    assert.equal(ev.node.value, '1');
    assert.equal(face.store.watcherCount, 0);
  });

  it('stream watch delivers every event and is removed when the client leaves', async () => {
    const w = await openWatch('/v2/keys/h/sw?wait=true&stream=true&recursive=true');
    let next = w.nextLine();
    await send('PUT', '/v2/keys/h/sw/a', 'value=1');
    assert.equal(JSON.parse(await next).node.key, '/h/sw/a');
    next = w.nextLine();
    await send('PUT', '/v2/keys/h/sw/b', 'value=2');
    assert.equal(JSON.parse(await next).node.key, '/h/sw/b');
    assert.equal(face.store.watcherCount, 1);
    w.abort();
    await until(() => face.store.watcherCount === 0, 'the stream watcher to be removed');
  });

  it('waitTimeout (opt-in) ends a quiet watch with an empty body and the index it began at', async () => {
    const put = await send('PUT', '/v2/keys/h/quiet', 'value=1');
    const index = put.headers['x-etcd-index'];
    for (const waitTimeout of ['150ms', '150000000']) {
      const started = Date.now();
      const r = await send('GET', `/v2/keys/h/quiet?wait=true&waitIndex=${Number(index) + 1}&waitTimeout=${waitTimeout}`);
      const waited = Date.now() - started;
      assert.equal(r.status, 200);
      assert.equal(r.body, '');
      assert.equal(r.headers['x-etcd-index'], index);
      assert.ok(waited >= 140, `answered after ${waited} ms, before its timeout`);
      assert.equal(face.store.watcherCount, 0);
    }
    // Nothing was missed: watching again from the index after the one it began at finds a change
    // made since.
    await send('PUT', '/v2/keys/h/quiet', 'value=2');
    const again = await send('GET', `/v2/keys/h/quiet?wait=true&waitIndex=${Number(index) + 1}&waitTimeout=5s`);
    assert.equal(JSON.parse(again.body).node.value, '2');
  });

  it('waitTimeout: an event before it is answered as usual, and a stream ends at it', async () => {
    const w = await openWatch('/v2/keys/h/soon?wait=true&waitTimeout=5s');
    const next = w.nextLine();
    await send('PUT', '/v2/keys/h/soon', 'value=1');
    assert.equal(JSON.parse(await next).action, 'set');
    assert.equal(face.store.watcherCount, 0);

    const ended = new Promise<string>((resolve, reject) => {
      const req = request(`${base}/v2/keys/h/st?wait=true&stream=true&waitTimeout=300ms`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.endsWith('\n') && body.split('\n').length === 2) void send('PUT', '/v2/keys/h/st', 'value=2');
        });
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    await until(() => face.store.watcherCount === 1, 'the stream to be registered');
    await send('PUT', '/v2/keys/h/st', 'value=1');
    const lines = (await ended).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).node.value);
    assert.deepEqual(lines, ['1', '2']);
    assert.equal(face.store.watcherCount, 0);
  });

  it('level and filter (opt-in): a watch on a directory is answered only by the changes it asked for', async () => {
    await send('PUT', '/v2/keys/lv/a/deep/x', 'value=0');
    const children = await openWatch('/v2/keys/lv?wait=true&recursive=true&level=1');
    const removals = await openWatch('/v2/keys/lv?wait=true&recursive=true&filter=delete,expire');
    const childEvent = children.nextLine();
    const removalEvent = removals.nextLine();
    await send('PUT', '/v2/keys/lv/a/deep/x', 'value=1');
    await send('PUT', '/v2/keys/lv/b', 'value=new');
    assert.deepEqual(JSON.parse(await childEvent).node, JSON.parse((await send('GET', '/v2/keys/lv/b')).body).node);
    assert.equal(face.store.watcherCount, 1, 'the removal watch still waits');
    await send('DELETE', '/v2/keys/lv/a/deep/x');
    const removed = JSON.parse(await removalEvent);
    assert.deepEqual([removed.action, removed.node.key], ['delete', '/lv/a/deep/x']);
    assert.equal(face.store.watcherCount, 0);
    const bad = await send('GET', '/v2/keys/lv?wait=true&filter=get');
    assert.equal(bad.status, 400);
    assert.deepEqual(JSON.parse(bad.body), { errorCode: 209, message: 'Invalid field', cause: 'invalid value for "filter"', index: 0 });
  });

  it('waitTimeout: a bad value is refused like a bad waitIndex', async () => {
    const r = await send('GET', '/v2/keys/h/quiet?wait=true&waitTimeout=soon');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { errorCode: 209, message: 'Invalid field', cause: 'invalid value for "waitTimeout"', index: 0 });
    assert.equal((await send('GET', '/v2/keys/h/quiet?waitTimeout=soon')).status, 200, 'ignored without wait=true');
  });

  it('consistent=true (0.4) and --linearizable-reads make reads quorum reads; watches stay watches', async () => {
    const local = new MemoryServer({ syncIntervalMs: 3_600_000 });
    let barriers = 0;
    local.readBarrier = () => {
      barriers++;
      return Promise.resolve();
    };
    const servers = [createClientServer(local), createClientServer(local, { linearizableReads: true })];
    try {
      const bases: string[] = [];
      for (const srv of servers) {
        await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
        bases.push(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
      }
      const [plain, linearizable] = bases as [string, string];
      const written = Number((await sendTo(plain, 'PUT', '/v2/keys/c', 'value=1')).headers['x-etcd-index']);
      const barriersFor = async (b: string, path: string): Promise<number> => {
        const before = barriers;
        const r = await sendTo(b, 'GET', path);
        assert.equal(r.status, 200, path);
        assert.equal(JSON.parse(r.body).node.value, '1', path);
        return barriers - before;
      };
      assert.equal(await barriersFor(plain, '/v2/keys/c'), 0);
      assert.equal(await barriersFor(plain, '/v2/keys/c?consistent=true'), 1);
      assert.equal(await barriersFor(plain, '/v2/keys/c?consistent=TRUE'), 1);
      // As in 0.4, only "true" counts, and no value is an error (2.x and 3.4 ignore the parameter).
      assert.equal(await barriersFor(plain, '/v2/keys/c?consistent=1'), 0);
      assert.equal(await barriersFor(plain, '/v2/keys/c?consistent=maybe'), 0);
      assert.equal(await barriersFor(plain, `/v2/keys/c?consistent=true&wait=true&waitIndex=${written}`), 0, 'a watch');
      assert.equal(await barriersFor(linearizable, '/v2/keys/c'), 1);
      assert.equal(await barriersFor(linearizable, '/v2/keys/c?quorum=false'), 1);
      assert.equal(await barriersFor(linearizable, `/v2/keys/c?wait=true&waitIndex=${written}`), 0, 'a watch');
    } finally {
      local.close();
      for (const srv of servers) {
        srv.closeAllConnections();
        await new Promise((r) => srv.close(r));
      }
    }
  });

  it('removes watchers of clients that disconnect (no leak over many cycles)', async () => {
    for (let round = 0; round < 10; round++) {
      const watches = await Promise.all(Array.from({ length: 50 }, (_, i) => openWatch(`/v2/keys/h/leak${i}?wait=true`)));
      assert.equal(face.store.watcherCount, 50);
      for (const w of watches) w.abort();
      await until(() => face.store.watcherCount === 0, 'all watchers to be removed');
    }
  });

  it('expires TTL keys on the sweep and wakes their watchers', async () => {
    await send('PUT', '/v2/keys/h/ex', 'value=v&ttl=1');
    const w = await openWatch('/v2/keys/h/ex?wait=true');
    const next = w.nextLine();
    face.sweep(Date.now() + 1500);
    const ev = JSON.parse(await next);
    assert.equal(ev.action, 'expire');
    assert.equal(ev.prevNode.value, 'v');
  });

  it('serves stats, members, machines, version, health, leader and metrics', async () => {
    const store = JSON.parse((await send('GET', '/v2/stats/store')).body);
    assert.ok(store.setsSuccess > 0);
    const members = JSON.parse((await send('GET', '/v2/members')).body);
    assert.equal(members.members[0].clientURLs[0], base);
    assert.equal((await send('GET', '/v2/machines')).body, base);
    assert.equal((await send('GET', '/version')).body, '{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}');
    assert.equal((await send('GET', '/health')).body, '{"health":"true"}');
    assert.equal((await send('GET', '/v2/leader')).body, face.peerURL);
    assert.equal((await send('GET', '/v2/members/leader')).status, 200);
    assert.equal((await send('GET', '/v2/nothing')).body, '404 page not found\n');
    assert.equal((await send('GET', '/v2/auth/enable')).body, '{"enabled":false}');
    assert.equal((await send('GET', '/v2/auth/users')).body, '{"users":null}');
    assert.equal((await send('GET', '/v2/auth/roles/guest')).status, 404);
    const self = JSON.parse((await send('GET', '/v2/stats/self')).body);
    assert.equal(self.state, 'StateLeader');
    const metrics = await send('GET', '/metrics');
    assert.match(metrics.body, /^etcd_server_has_leader 1$/m);
    assert.match(metrics.body, /^etcd_server_is_leader 1$/m);
    assert.match(metrics.body, /^etcd_http_received_total\{method="PUT"\} \d+$/m);
  });

  it('changes membership with etcd status codes and messages', async () => {
    const json = { 'content-type': 'application/json' };
    const form = await send('POST', '/v2/members', '{}', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    assert.equal(form.body, '{"message":"Bad Content-Type application/x-www-form-urlencoded, accept application/json"}');
    assert.equal((await send('POST', '/v2/members', '', json)).body, '{"message":"unexpected end of JSON input"}');
    assert.equal(
      (await send('POST', '/v2/members', '{"peerURLs":["http://x"]}', json)).body,
      '{"message":"URL address does not have the form \\"host:port\\": http://x"}',
    );
    assert.equal((await send('POST', '/v2/members', `{"peerURLs":["${face.peerURL}"]}`, json)).status, 409);
    const added = await send('POST', '/v2/members', '{"peerURLs":["http://127.0.0.1:9"]}', json);
    assert.equal(added.status, 201);
    const id = JSON.parse(added.body).id as string;
    assert.equal(JSON.parse((await send('GET', '/v2/members')).body).members.length, 2);
    assert.equal((await send('PUT', `/v2/members/${id}`, '{"peerURLs":["http://127.0.0.1:10"]}', json)).status, 204);
    assert.equal((await send('DELETE', `/v2/members/${id}`)).status, 204);
    const gone = await send('DELETE', `/v2/members/${id}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body, `{"message":"Member permanently removed: ${id}"}`);
    assert.equal((await send('DELETE', '/v2/members/zz')).body, '{"message":"No such member: zz"}');
    const collection = await send('DELETE', '/v2/members');
    assert.equal(collection.status, 405);
    assert.equal(collection.headers.allow, undefined);
  });

  it('survives malformed input', async () => {
    const nasty = [
      ['PUT', '/v2/keys/%', 'value=1'],
      ['PUT', '/v2/keys/x?value=%E0%A4%A', ''],
      ['POST', '/v2/keys/x', 'value=\u0000\uffff&ttl=99999999999999999999999'],
      ['GET', '/v2/keys/x?waitIndex=1e3&wait=true', undefined],
      ['DELETE', '/v2/keys/?recursive=true', undefined],
      ['PUT', '/v2/keys/x', '%%%%'],
      ['GET', '/v2/members/%41', undefined],
    ] as const;
    for (const [method, path, body] of nasty) {
      const r = await send(method, path, body, { 'content-type': 'application/x-www-form-urlencoded; charset=)(' });
      assert.ok(r.status >= 200 && r.status < 600);
    }
    assert.equal((await send('GET', '/health')).status, 200);
  });
});

describe('CORS', () => {
  it('adds headers only for configured origins and answers OPTIONS with 200', async () => {
    const local = new MemoryServer({ syncIntervalMs: 3_600_000 });
    const srv = createClientServer(local, { cors: ['http://ui.example'] });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const fetchHeaders = async (method: string, origin?: string): Promise<{ status: number; headers: Headers; body: string }> => {
      const r = await fetch(`${url}/v2/keys/`, { method, headers: origin === undefined ? {} : { origin } });
      return { status: r.status, headers: r.headers, body: await r.text() };
    };
    try {
      const allowed = await fetchHeaders('GET', 'http://ui.example');
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://ui.example');
      assert.equal(allowed.headers.get('access-control-allow-methods'), 'POST, GET, OPTIONS, PUT, DELETE');
      const other = await fetchHeaders('GET', 'http://evil.example');
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const options = await fetchHeaders('OPTIONS', 'http://ui.example');
      assert.equal(options.status, 200);
      assert.equal(options.body, '');
      assert.equal(options.headers.get('access-control-allow-headers'), 'accept, content-type, authorization');
    } finally {
      local.close();
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
});
