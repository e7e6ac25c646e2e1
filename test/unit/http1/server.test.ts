import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { createHttp1Server, type Http1Handler, type Http1Server, type Http1ServerOptions } from '../../../src/http1/index.js';
import { makeTlsMaterial, type TlsMaterial } from '../client/tls-material.js';

const DATE = /\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT\r\n/;

async function start(handler: Http1Handler, options: Http1ServerOptions = {}): Promise<{ server: Http1Server; port: number }> {
  const server = createHttp1Server(handler, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function stop(server: Http1Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A raw client: collects everything the server sends; `until` resolves on a condition or on close. */
class RawClient {
  readonly socket: Socket;
  data = '';
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.data += d.toString('latin1');
      this.wake();
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(text: string): void {
    this.socket.write(text, 'latin1');
  }

  /** Waits (at most `ms`) until `cond` holds. */
  until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.data)}`)), ms);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  count(text: string): number {
    return this.data.split(text).length - 1;
  }

  close(): void {
    this.socket.destroy();
  }
}

const echo: Http1Handler = (req, res) => {
  const body = `${req.method} ${req.url} ${req.body.toString()}${req.bodyTooLarge ? ' (too large)' : ''}`;
  res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(body);
};

describe('http1 server', () => {
  let server: Http1Server;
  let port: number;
  before(async () => {
    ({ server, port } = await start(echo, { maxBodyBytes: 64 }));
  });
  after(() => stop(server));

  it('keeps HTTP/1.1 connections alive, with a Go-style Date and no Connection header', async () => {
    const c = new RawClient(port);
    try {
      c.send('GET /one HTTP/1.1\r\nHost: h\r\n\r\n');
      await c.until(() => c.data.endsWith('GET /one '), 'the first answer');
      c.send('PUT /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc');
      await c.until(() => c.data.endsWith('PUT /two abc'), 'the second answer');
      assert.equal(c.closed, false);
      assert.match(c.data, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nContent-Length: 9\r\nDate: [^\r]+\r\n\r\nGET \/one /);
      assert.match(c.data, DATE);
      assert.doesNotMatch(c.data, /Connection|Keep-Alive/i);
    } finally {
      c.close();
    }
  });

  it('closes HTTP/1.0 connections unless asked to keep them, and says so as Go does', async () => {
    const c = new RawClient(port);
    c.send('GET /old HTTP/1.0\r\n\r\n');
    await c.until(() => c.closed, 'the server to close');
    assert.match(c.data, /^HTTP\/1\.0 200 OK\r\n/);
    assert.doesNotMatch(c.data, /Connection:/);
    const k = new RawClient(port);
    try {
      k.send('GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      await k.until(() => k.data.endsWith('GET /old '), 'the answer');
      assert.match(k.data, /\r\nConnection: keep-alive\r\n/);
      k.send('GET /again HTTP/1.0\r\n\r\n');
      await k.until(() => k.closed, 'the close after a request without keep-alive');
      assert.ok(k.data.endsWith('GET /again '));
    } finally {
      k.close();
    }
  });

  it('honours Connection: close from the client: answers it, then closes', async () => {
    const c = new RawClient(port);
    c.send('GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n');
    await c.until(() => c.closed, 'the close');
    assert.match(c.data, /\r\nConnection: close\r\n/);
    assert.equal(c.count('HTTP/1.1 200'), 1);
  });

  it('answers malformed input as Go does and closes', async () => {
    const c = new RawClient(port);
    c.send('GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n folded\r\n\r\n');
    await c.until(() => c.closed, 'the close');
    assert.equal(
      c.data,
      'HTTP/1.1 400 Bad Request: obsolete line folding\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: obsolete line folding',
    );
    const d = new RawClient(port);
    d.send('NOT A REQUEST\r\n\r\n');
    await d.until(() => d.closed, 'the close');
    assert.equal(d.data, 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
  });

  it('answers a request whose body is too large and closes the connection', async () => {
    const c = new RawClient(port);
    c.send(`PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n${'x'.repeat(100)}GET /next HTTP/1.1\r\nHost: h\r\n\r\n`);
    await c.until(() => c.closed, 'the close');
    assert.match(c.data, /\r\nConnection: close\r\n\r\nPUT \/big  \(too large\)$/);
  });

  it('answers HEAD without a body', async () => {
    const c = new RawClient(port);
    try {
      c.send('HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n');
      await c.until(() => c.data.endsWith('GET /after '), 'both answers');
      const [first] = c.data.split('HTTP/1.1 200 OK\r\n').filter((s) => s !== '');
      assert.match(first!, /Content-Length: 8\r\nDate: [^\r]+\r\n\r\n$/);
    } finally {
      c.close();
    }
  });

  it('answers an unknown expectation with 417, as Go does', async () => {
    const c = new RawClient(port);
    c.send('PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx');
    await c.until(() => c.closed, 'the close');
    assert.match(c.data, /^HTTP\/1\.1 417 Expectation Failed\r\nConnection: close\r\nContent-Length: 0\r\nDate: [^\r]+\r\n\r\n$/);
  });

  it('answers OPTIONS * itself, as Go does', async () => {
    const c = new RawClient(port);
    c.send('OPTIONS * HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    await c.until(() => c.closed, 'the close');
    assert.match(c.data, /^HTTP\/1\.1 200 OK\r\nContent-Length: 0\r\nDate: [^\r]+\r\nConnection: close\r\n\r\n$/);
  });
});

describe('http1 server: pipelining', () => {
  it('runs pipelined requests one after another and answers them in order', async () => {
    const events: string[] = [];
    const { server, port } = await start((req, res) => {
      events.push(`start ${req.url}`);
      const delay = req.url === '/slow' ? 60 : req.url === '/mid' ? 20 : 0;
      setTimeout(() => {
        events.push(`end ${req.url}`);
        res.writeHead(200, ['Content-Length', String(req.url.length)]);
        res.end(req.url);
      }, delay);
    });
    const c = new RawClient(port);
    try {
      c.send('GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /mid HTTP/1.1\r\nHost: h\r\n\r\nGET /fast HTTP/1.1\r\nHost: h\r\n\r\n');
      await c.until(() => c.count('HTTP/1.1 200 OK') === 3 && c.data.endsWith('/fast'), 'three answers');
      const bodies = c.data.split(/HTTP\/1\.1 200 OK\r\n[^]*?\r\n\r\n/).filter((s) => s !== '');
      assert.deepEqual(bodies, ['/slow', '/mid', '/fast']);
      assert.deepEqual(events, ['start /slow', 'end /slow', 'start /mid', 'end /mid', 'start /fast', 'end /fast']);
    } finally {
      c.close();
      await stop(server);
    }
  });

  it('never runs a request pipelined behind an answer that closes the connection', async () => {
    const ran: string[] = [];
    const { server, port } = await start((req, res) => {
      ran.push(req.url);
      const headers = req.url === '/closing' ? ['Connection', 'close', 'Content-Length', '2'] : ['Content-Length', '2'];
      setTimeout(() => {
        res.writeHead(200, headers);
        res.end('ok');
      }, 10);
    });
    const c = new RawClient(port);
    try {
      c.send('PUT /closing HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\nPUT /after HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n');
      await c.until(() => c.closed, 'the connection to close');
      assert.equal(c.count('HTTP/1.1 200 OK'), 1);
      assert.deepEqual(ran, ['/closing']);
    } finally {
      c.close();
      await stop(server);
    }
  });

  it('sends 100 Continue for the second request only after the first answer', async () => {
    let release: (() => void) | null = null;
    const { server, port } = await start((req, res) => {
      const answer = () => {
        res.writeHead(200, ['Content-Length', String(req.body.length)]);
        res.end(req.body);
      };
      if (req.url === '/first') release = answer;
      else answer();
    });
    const c = new RawClient(port);
    try {
      c.send('GET /first HTTP/1.1\r\nHost: h\r\n\r\nPUT /second HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(c.data, '', 'nothing before the first answer');
      release!();
      await c.until(() => c.data.includes('100 Continue'), 'the 100 Continue');
      assert.match(c.data, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nHTTP\/1\.1 100 Continue\r\n\r\n$/);
      c.send('body');
      await c.until(() => c.data.endsWith('body'), 'the second answer');
    } finally {
      c.close();
      await stop(server);
    }
  });
});

describe('http1 server: Expect: 100-continue', () => {
  it('answers 100 Continue before the body is sent', async () => {
    const { server, port } = await start(echo);
    const c = new RawClient(port);
    try {
      c.send('PUT /k HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n');
      await c.until(() => c.data === 'HTTP/1.1 100 Continue\r\n\r\n', 'the 100 Continue');
      c.send('value=1');
      await c.until(() => c.data.endsWith('PUT /k value=1'), 'the answer');
    } finally {
      c.close();
      await stop(server);
    }
  });

  it('lets curl send a large body without its one-second wait', { skip: !hasCurl() }, async () => {
    const { server, port } = await start(echo);
    try {
      const started = Date.now();
      const out = await new Promise<string>((resolve, reject) => {
        execFile(
          'curl',
          ['-sS', '--max-time', '5', '-H', 'Expect: 100-continue', '-X', 'PUT', '--data-binary', `value=${'v'.repeat(2000)}`, `http://127.0.0.1:${port}/k`],
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        );
      });
      assert.equal(out, `PUT /k value=${'v'.repeat(2000)}`);
      assert.ok(Date.now() - started < 900, `took ${Date.now() - started} ms`);
    } finally {
      await stop(server);
    }
  });
});

function hasCurl(): boolean {
  try {
    readFileSync('/usr/bin/curl');
    return true;
  } catch {
    return false;
  }
}

describe('http1 server: streaming answers and disconnects', () => {
  it('ends long polls with their last chunk and the end of the body in one piece, for the same and for new bodies', async () => {
    const ends: ((body: string) => void)[] = [];
    const { server, port } = await start((_req, res) => {
      res.writeHead(200, ['Content-Type', 'application/json']);
      res.flushHeaders();
      ends.push((body) => res.end(body));
    });
    try {
      const clients = [new RawClient(port), new RawClient(port), new RawClient(port)];
      for (const c of clients) c.send('GET /watch HTTP/1.1\r\nHost: x\r\n\r\n');
      await Promise.all(clients.map((c) => c.until(() => c.data.includes('\r\n\r\n'), 'the head')));
      const heads = clients.map((c) => c.data.length);
      const event = '{"action":"set","node":{"key":"/fan","value":"h\u00e9"}}\n';
      ends[0]!(event);
      ends[1]!(event);
      ends[2]!('{"action":"delete"}\n');
      const tail = (body: string): string => `${Buffer.byteLength(body).toString(16)}\r\n${Buffer.from(body).toString('latin1')}\r\n0\r\n\r\n`;
      const expected = [tail(event), tail(event), tail('{"action":"delete"}\n')];
      await Promise.all(clients.map((c, i) => c.until(() => c.data.length >= heads[i]! + expected[i]!.length, 'the body')));
      clients.forEach((c, i) => assert.equal(c.data.slice(heads[i]!), expected[i]));
      for (const c of clients) c.socket.destroy();
    } finally {
      await stop(server);
    }
  });

  it('writes the answers of many connections ended in one task, round after round, while clients leave', async () => {
    const ends: ((body: string) => void)[] = [];
    // Told when a waiting poll's client goes away (and when an answer ends, which is after the fire).
    let onClose: () => void = () => undefined;
    const { server, port } = await start((req, res) => {
      if (req.url === '/fire') {
        // Ends every waiting poll, including those of clients gone by now, and this answer in one task.
        for (const end of ends.splice(0)) end(`{"round":${req.body.toString()}}\n`);
        res.writeHead(200, ['Content-Length', '2']);
        res.end('ok');
        return;
      }
      res.writeHead(200, ['Content-Type', 'application/json']);
      res.flushHeaders();
      res.on('close', () => onClose());
      ends.push((body) => res.end(body));
    });
    const clients = Array.from({ length: 40 }, () => new RawClient(port));
    const firer = new RawClient(port);
    try {
      for (let round = 1; round <= 3; round++) {
        const live = clients.slice(round - 1);
        const marks = live.map((c) => c.data.length);
        for (const c of live) c.send('GET /watch HTTP/1.1\r\nHost: x\r\n\r\n');
        await Promise.all(live.map((c, i) => c.until(() => c.data.indexOf('\r\n\r\n', marks[i]) >= 0, `round ${round}'s head`)));
        // One client leaves with its poll still registered; the server tells the poll before the event.
        const leaving = live.shift()!;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the server did not see the client leave')), 5000);
          onClose = () => {
            clearTimeout(timer);
            onClose = () => undefined;
            resolve();
          };
          leaving.close();
        });
        const body = `{"round":${round}}\n`;
        firer.send(`POST /fire HTTP/1.1\r\nHost: x\r\nContent-Length: ${String(round).length}\r\n\r\n${round}`);
        const want = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
        await Promise.all(live.map((c) => c.until(() => c.data.endsWith(want), `round ${round}'s body`)));
        await firer.until(() => firer.count('\r\n\r\nok') === round, `round ${round}'s trigger answer`);
      }
      // The three clients that left got earlier rounds only; the others got every round.
      clients.slice(0, 3).forEach((c, i) => assert.equal(c.count('"round"'), i));
      for (const c of clients.slice(3)) assert.equal(c.count('"round"'), 3);
    } finally {
      for (const c of [...clients, firer]) c.close();
      await stop(server);
    }
  });

  it('streams a chunked answer and tells the handler when the client goes away', async () => {
    let closed: () => void = () => undefined;
    const closedOnce = new Promise<void>((r) => (closed = r));
    let push: ((s: string) => void) | null = null;
    const { server, port } = await start((_req, res) => {
      res.writeHead(200, ['Content-Type', 'application/json']);
      res.flushHeaders();
      push = (s) => res.write(s);
      res.on('close', closed);
    });
    try {
      const received: string[] = [];
      let gotChunk: () => void = () => undefined;
      const req = httpRequest({ host: '127.0.0.1', port, path: '/watch' });
      const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        req.on('response', resolve);
        req.on('error', reject);
        req.end();
      });
      assert.equal(response.headers['transfer-encoding'], 'chunked');
      response.setEncoding('utf8');
      response.on('data', (d: string) => {
        received.push(d);
        gotChunk();
      });
      response.on('error', () => undefined);
      for (const line of ['{"a":1}\n', '{"b":2}\n']) {
        const next = new Promise<void>((r) => (gotChunk = r));
        push!(line);
        await bounded(next, 'a chunk');
      }
      assert.deepEqual(received, ['{"a":1}\n', '{"b":2}\n']);
      req.destroy();
      await bounded(closedOnce, 'the close notification');
    } finally {
      await stop(server);
    }
  });

  it('notifies a pending answer when the connection is reset, and keeps serving others', async () => {
    let closed: () => void = () => undefined;
    const closedOnce = new Promise<void>((r) => (closed = r));
    let late: (() => void) | null = null;
    const { server, port } = await start((req, res) => {
      if (req.url === '/hang') {
        res.on('close', closed);
        late = () => {
          res.writeHead(200, ['Content-Length', '4']);
          res.end('late');
        };
        return;
      }
      echo(req, res);
    });
    try {
      const c = new RawClient(port);
      c.send('GET /hang HTTP/1.1\r\nHost: h\r\n\r\n');
      await bounded(
        new Promise<void>((r) => {
          const t = setInterval(() => {
            if (late !== null) {
              clearInterval(t);
              r();
            }
          }, 5);
        }),
        'the request to arrive',
      );
      c.socket.resetAndDestroy();
      await bounded(closedOnce, 'the close notification');
      late!(); // writing to a gone connection is harmless
      const d = new RawClient(port);
      d.send('GET /still HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
      await d.until(() => d.closed, 'the answer');
      assert.ok(d.data.endsWith('GET /still '));
    } finally {
      await stop(server);
    }
  });

  it('reports buffered bytes for backpressure and ends a chunked answer with a last chunk', async () => {
    const { server, port } = await start((_req, res) => {
      res.writeHead(200, []);
      res.write('abc');
      assert.ok(res.writableLength >= 0);
      res.end('def');
      assert.equal(res.writableEnded, true);
    });
    const c = new RawClient(port);
    try {
      c.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
      await c.until(() => c.data.endsWith('0\r\n\r\n'), 'the last chunk');
      assert.match(c.data, /Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n$/);
    } finally {
      c.close();
      await stop(server);
    }
  });

  it('ends the connection after an answer carrying Connection: close', async () => {
    const { server, port } = await start((_req, res) => {
      res.writeHead(400, ['Connection', 'close', 'Content-Length', '2']);
      res.end('no');
    });
    const c = new RawClient(port);
    c.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await c.until(() => c.closed, 'the close');
    assert.match(c.data, /^HTTP\/1\.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 2\r\nDate: [^\r]+\r\n\r\nno$/);
    await stop(server);
  });
});

describe('http1 server: response header checks', () => {
  it('refuses a header value that would split the response and drops the connection', async () => {
    let thrown: unknown = null;
    const { server, port } = await start((_req, res) => {
      res.writeHead(200, ['X-Injected', 'a\r\nSet-Cookie: b', 'Content-Length', '0']);
      try {
        res.end();
      } catch (err) {
        thrown = err;
        throw err;
      }
    });
    const c = new RawClient(port);
    c.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await c.until(() => c.closed, 'the connection to drop');
    assert.equal(c.data, '');
    assert.ok(thrown instanceof Error);
    await stop(server);
  });
});

describe('http1 server: timeouts', () => {
  it('closes idle keep-alive connections and heads that do not finish', async () => {
    const { server, port } = await start(echo, { idleTimeoutMs: 100, headTimeoutMs: 150 });
    try {
      const idle = new RawClient(port);
      idle.send('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
      await idle.until(() => idle.closed, 'the idle close', 3000);
      assert.match(idle.data, /^HTTP\/1\.1 200 OK/);
      const slow = new RawClient(port);
      slow.send('GET / HTTP/1.1\r\nHost:');
      await slow.until(() => slow.closed, 'the head timeout', 3000);
      assert.equal(slow.data, '');
    } finally {
      await stop(server);
    }
  });

  it('does not time out a request in flight (long polls)', async () => {
    let answer: (() => void) | null = null;
    const { server, port } = await start((_req, res) => {
      answer = () => {
        res.writeHead(200, ['Content-Length', '2']);
        res.end('ok');
      };
    }, { idleTimeoutMs: 50, headTimeoutMs: 50 });
    const c = new RawClient(port);
    try {
      c.send('GET /wait HTTP/1.1\r\nHost: h\r\n\r\n');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(c.closed, false);
      answer!();
      await c.until(() => c.data.endsWith('ok'), 'the answer');
    } finally {
      c.close();
      await stop(server);
    }
  });
});

describe('http1 server over TLS with client certificates', () => {
  let tls: TlsMaterial;
  let server: Http1Server;
  let port: number;
  before(async () => {
    tls = makeTlsMaterial();
    ({ server, port } = await start(echo, {
      tls: {
        cert: readFileSync(tls.serverCert),
        key: readFileSync(tls.serverKey),
        ca: readFileSync(tls.caFile),
        requestCert: true,
        rejectUnauthorized: true,
      },
    }));
  });
  after(async () => {
    await stop(server);
    rmSync(tls.dir, { recursive: true, force: true });
  });

  function get(cert?: string, key?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/secure',
          method: 'PUT',
          ca: readFileSync(tls.caFile),
          cert: cert === undefined ? undefined : readFileSync(cert),
          key: key === undefined ? undefined : readFileSync(key),
          timeout: 5000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end('x=1');
    });
  }

  it('serves a client with a trusted certificate', async () => {
    assert.deepEqual(await get(tls.clientCert, tls.clientKey), { status: 200, body: 'PUT /secure x=1' });
  });

  it('refuses clients without a certificate or with an untrusted one', async () => {
    await assert.rejects(get());
    await assert.rejects(get(tls.strangerCert, tls.strangerKey));
  });
});

function bounded<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}
