/**
 * Watches as Server-Sent Events (opt-in, `Accept: text/event-stream`): the framing, resuming after
 * `Last-Event-ID`, and that a watch without that header answers exactly as before.
 */
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { acceptsEventStream, eventMessage, idOnlyMessage, lastEventIndex } from '../../../src/api/v2http/event-stream.js';
import { createClientServer } from '../../../src/api/v2http/client-server.js';
import type { Http1Server } from '../../../src/http1/index.js';
import { httpRequest } from '../../support/cluster.js';
import { MemoryServer } from '../../support/memory-server.js';

let face: MemoryServer;
let server: Http1Server;
let base: string;

before(async () => {
  face = new MemoryServer({ syncIntervalMs: 3_600_000 });
  server = createClientServer(face);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  face.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** PUTs a value; resolves with the new index. */
async function put(key: string, value: string): Promise<number> {
  const r = await httpRequest('PUT', `${base}/v2/keys${key}`, { body: `value=${encodeURIComponent(value)}` });
  return Number(r.headers['x-etcd-index']);
}

interface Message {
  id: string | undefined;
  data: string | undefined;
}

interface EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The next message (a block ended by a blank line), bounded at 5 s. */
  next: () => Promise<Message>;
  /** Resolves with everything received once the server ends the response. */
  ended: Promise<string>;
  close: () => void;
}

function parseBlock(block: string): Message {
  const m: Message = { id: undefined, data: undefined };
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') m.id = value;
    else if (field === 'data') m.data = m.data === undefined ? value : `${m.data}\n${value}`;
  }
  return m;
}

function openEventStream(path: string, headers: Record<string, string> = { accept: 'text/event-stream' }): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      let all = '';
      let pending = '';
      const blocks: string[] = [];
      let wake: (() => void) | null = null;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        all += c;
        pending += c;
        let end: number;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          blocks.push(pending.slice(0, end));
          pending = pending.slice(end + 2);
        }
        wake?.();
      });
      const ended = new Promise<string>((done) => res.on('end', () => done(all)));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        close: () => req.destroy(),
        next: () =>
          new Promise<Message>((got, fail) => {
            const take = (): boolean => {
              const b = blocks.shift();
              if (b === undefined) return false;
              clearTimeout(timer);
              wake = null;
              got(parseBlock(b));
              return true;
            };
            const timer = setTimeout(() => fail(new Error('no message within 5 s')), 5000);
            if (!take()) wake = () => void take();
          }),
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

/** What a plain long poll from `index` answers: the JSON each event message must carry. */
async function plainWatchBody(key: string, index: number): Promise<string> {
  return (await httpRequest('GET', `${base}/v2/keys${key}?wait=true&waitIndex=${index}`)).text;
}

describe('event stream helpers', () => {
  it('finds text/event-stream among the media ranges of Accept, in any case, with parameters', () => {
    assert.equal(acceptsEventStream('text/event-stream'), true);
    assert.equal(acceptsEventStream('application/json, Text/Event-Stream;q=0.9'), true);
    assert.equal(acceptsEventStream('*/*'), false);
    assert.equal(acceptsEventStream('text/event-streams'), false);
    assert.equal(acceptsEventStream(undefined), false);
  });

  it('reads Last-Event-ID as a decimal index, and nothing else', () => {
    assert.equal(lastEventIndex('42'), 42);
    assert.equal(lastEventIndex(' 7 '), 7);
    for (const bad of [undefined, '', '-1', '1e3', '0x10', '12345678901234567']) assert.equal(lastEventIndex(bad), null, String(bad));
  });

  it('frames an event as id and data lines ended by a blank line', () => {
    assert.equal(eventMessage(9, '{"action":"set"}\n'), 'id: 9\ndata: {"action":"set"}\n\n');
    assert.equal(idOnlyMessage(8), 'id: 8\n\n');
  });
});

describe('watches as Server-Sent Events', () => {
  it('stream every event with its index as id and the watch JSON as data, after an id for the start', async () => {
    const start = await put('/sse/a', 'zero');
    const s = await openEventStream('/v2/keys/sse/a?wait=true');
    try {
      assert.equal(s.status, 200);
      assert.equal(s.headers['content-type'], 'text/event-stream');
      assert.equal(s.headers['cache-control'], 'no-cache');
      assert.equal(s.headers['x-etcd-index'], String(start));
      assert.deepEqual(await s.next(), { id: String(start), data: undefined });
      const first = await put('/sse/a', 'one');
      const second = await put('/sse/a', 'two\nlines');
      for (const index of [first, second]) {
        const m = await s.next();
        assert.equal(m.id, String(index));
        assert.equal(`${m.data}\n`, await plainWatchBody('/sse/a', index));
      }
    } finally {
      s.close();
    }
    await until(() => face.store.watcherCount === 0);
  });

  it('resume after Last-Event-ID from the event history, ahead of an older waitIndex', async () => {
    const i1 = await put('/sse/r', '1');
    const i2 = await put('/sse/r', '2');
    const i3 = await put('/sse/r', '3');
    for (const path of ['/v2/keys/sse/r?wait=true', `/v2/keys/sse/r?wait=true&waitIndex=${i1}`]) {
      const s = await openEventStream(path, { accept: 'text/event-stream', 'last-event-id': String(i1) });
      try {
        assert.deepEqual(await s.next(), { id: String(i1), data: undefined }, path);
        assert.deepEqual([(await s.next()).id, (await s.next()).id], [String(i2), String(i3)], path);
      } finally {
        s.close();
      }
    }
    // A Last-Event-ID that is not an index leaves the request's waitIndex in charge.
    const s = await openEventStream(`/v2/keys/sse/r?wait=true&waitIndex=${i3}`, { accept: 'text/event-stream', 'last-event-id': 'x' });
    try {
      assert.deepEqual(await s.next(), { id: String(i2), data: undefined });
      assert.equal((await s.next()).id, String(i3));
    } finally {
      s.close();
    }
  });

  it('end at waitTimeout, and a reconnect from the last id misses nothing', async () => {
    const start = await put('/sse/t', 'a');
    const s = await openEventStream('/v2/keys/sse/t?wait=true&waitTimeout=100ms');
    const body = await s.ended;
    assert.equal(body, `id: ${start}\n\n`);
    const missed = await put('/sse/t', 'b');
    const again = await openEventStream('/v2/keys/sse/t?wait=true', { accept: 'text/event-stream', 'last-event-id': String(start) });
    try {
      await again.next();
      const m = await again.next();
      assert.equal(m.id, String(missed));
      assert.equal(JSON.parse(m.data!).node.value, 'b');
    } finally {
      again.close();
    }
  });

  it('leave a watch without Accept: text/event-stream as etcd answers it, Last-Event-ID or not', async () => {
    const index = await put('/sse/p', 'v');
    const expected = await plainWatchBody('/sse/p', index);
    await new Promise<void>((resolve, reject) => {
      request(`${base}/v2/keys/sse/p?wait=true&waitIndex=${index}`, { headers: { 'last-event-id': String(index + 5) } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          assert.equal(res.headers['content-type'], 'application/json');
          assert.equal(body, expected);
          resolve();
        });
      }).on('error', reject).end();
    });
  });

  it('answer a Last-Event-ID the history no longer reaches with etcd\'s 401 error', async () => {
    const old = await put('/sse/gone', 'first');
    for (let i = 0; i < 1001; i++) await put('/sse/other', String(i));
    const r = await openEventStream('/v2/keys/sse/gone?wait=true', { accept: 'text/event-stream', 'last-event-id': String(old) });
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(await r.ended) as { errorCode: number; cause: string };
    assert.equal(body.errorCode, 401);
    assert.match(body.cause, new RegExp(`/${old + 1}\\]$`));
  });

  it('answer an error as etcd does, before any stream starts', async () => {
    await put('/sse/file', 'x');
    const r = await openEventStream('/v2/keys/sse/file/child?wait=true&waitIndex=abc');
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(await r.ended).errorCode, 203);
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
