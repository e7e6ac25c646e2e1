import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { RequestParser, type Http1Request, type ParserLimits } from '../../../src/http1/index.js';

interface Outcome {
  requests: { method: string; url: string; minorVersion: number; headers: Record<string, string | undefined>; body: string; bodyTooLarge: boolean; keepAlive: boolean }[];
  error: { status: number; response: string } | null;
  continues: number[];
}

/** Feeds `chunks` to a fresh parser and records everything it reports. */
function parse(chunks: readonly (string | Buffer)[], limits: ParserLimits = {}): Outcome {
  const out: Outcome = { requests: [], error: null, continues: [] };
  const parser = new RequestParser(
    {
      onRequest: (r: Http1Request) =>
        out.requests.push({
          method: r.method,
          url: r.url,
          minorVersion: r.minorVersion,
          headers: { ...r.headers },
          body: r.body.toString('latin1'),
          bodyTooLarge: r.bodyTooLarge,
          keepAlive: r.keepAlive,
        }),
      onError: (e) => {
        assert.equal(out.error, null, 'one error at most');
        out.error = { status: e.status, response: e.response };
      },
      onExpectContinue: () => out.continues.push(out.requests.length),
    },
    limits,
  );
  for (const c of chunks) parser.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return out;
}

/** The same input split into two pieces at every position, and byte by byte. */
function splits(input: string): string[][] {
  const all: string[][] = [[input], [...input]];
  for (let i = 1; i < input.length; i++) all.push([input.slice(0, i), input.slice(i)]);
  return all;
}

const BAD = 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';
const badWith = (reason: string) =>
  `HTTP/1.1 400 Bad Request: ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: ${reason}`;
const NOT_IMPLEMENTED = 'HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding';
const TOO_LARGE = 'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large';

describe('request parser: accepted input', () => {
  it('parses a request line, lower-cased headers and a Content-Length body', () => {
    const { requests, error } = parse([
      'PUT /v2/keys/a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\nX-A: 1\r\nx-a: 2\r\n\r\nvalue=1',
    ]);
    assert.equal(error, null);
    assert.deepEqual(requests, [
      {
        method: 'PUT',
        url: '/v2/keys/a?x=1',
        minorVersion: 1,
        headers: { host: 'h', 'content-type': 'application/x-www-form-urlencoded', 'content-length': '7', 'x-a': '1, 2' },
        body: 'value=1',
        bodyTooLarge: false,
        keepAlive: true,
      },
    ]);
  });

  it('takes any token as a method, trims field values, accepts bare LF line ends and identical Content-Lengths', () => {
    const { requests, error } = parse(['FOO /x HTTP/1.1\nHost:   h \t\nContent-Length: 2\ncontent-length: 2\n\nok']);
    assert.equal(error, null);
    assert.equal(requests[0]!.method, 'FOO');
    assert.equal(requests[0]!.headers.host, 'h');
    assert.equal(requests[0]!.body, 'ok');
  });

  it('decodes chunked bodies with extensions and ignores trailers', () => {
    const input = 'POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nval\r\n4;ext=1\r\nue=1\r\nA \r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n';
    for (const chunks of splits(input)) {
      const { requests, error } = parse(chunks);
      assert.equal(error, null);
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.body, 'value=10123456789');
      assert.equal(requests[0]!.headers['x-trailer'], undefined);
    }
  });

  it('delivers pipelined requests in order, however the input is split', () => {
    const input =
      'GET /a HTTP/1.1\r\nHost: h\r\n\r\n' +
      'PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc' +
      'POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n' +
      '\r\nDELETE /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' +
      'GET /ignored HTTP/1.1\r\nHost: h\r\n\r\n';
    const whole = parse([input]);
    assert.equal(whole.error, null);
    assert.deepEqual(whole.requests.map((r) => `${r.method} ${r.url} ${r.body} ${r.keepAlive}`), [
      'GET /a  true',
      'PUT /b abc true',
      'POST /c xy true',
      'DELETE /d  false',
    ]);
    for (const chunks of splits(input)) assert.deepEqual(parse(chunks), whole);
  });

  it('keeps HTTP/1.0 connections only on request, and treats later 1.x minors as 1.1', () => {
    assert.equal(parse(['GET / HTTP/1.0\r\n\r\n']).requests[0]!.keepAlive, false);
    assert.equal(parse(['GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n']).requests[0]!.keepAlive, true);
    assert.equal(parse(['GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n']).requests[0]!.keepAlive, false);
    const later = parse(['GET / HTTP/1.2\r\nHost: h\r\n\r\n']).requests[0]!;
    assert.equal(later.minorVersion, 1);
  });

  it('reports Expect: 100-continue before the body is read', () => {
    const out = parse(['PUT /a HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n']);
    assert.deepEqual(out.continues, [0]);
    assert.equal(out.requests.length, 0);
    const chunked = parse(['PUT /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n']);
    assert.deepEqual(chunked.continues, [0]);
    assert.deepEqual(parse(['GET /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n']).continues, []);
  });
});

describe('request parser: refused input', () => {
  const cases: [string, string, string][] = [
    ['no Host on HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', badWith('missing required Host header')],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', BAD],
    ['a request line without a version', 'GET /\r\nHost: h\r\n\r\n', BAD],
    ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: h\r\n\r\n', BAD],
    ['a version that is not HTTP', 'GET / XTTP/1.1\r\nHost: h\r\n\r\n', BAD],
    ['a method that is not a token', 'G(T / HTTP/1.1\r\nHost: h\r\n\r\n', BAD],
    ['a control character in the target', 'GET /a\x01b HTTP/1.1\r\nHost: h\r\n\r\n', BAD],
    ['a bare CR in the request line', 'GET / HTTP/1.1\r\r\nHost: h\r\n\r\n', BAD],
    ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n', BAD],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost: h\r\nX-A : b\r\n\r\n', badWith('invalid header name')],
    ['an empty header name', 'GET / HTTP/1.1\r\nHost: h\r\n: b\r\n\r\n', badWith('invalid header name')],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n c\r\n\r\n', badWith('obsolete line folding')],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: b\rc\r\n\r\n', badWith('invalid header value')],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: b\0c\r\n\r\n', badWith('invalid header value')],
    ['Content-Length and Transfer-Encoding', 'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', BAD],
    ['conflicting Content-Lengths', 'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', BAD],
    ['a signed Content-Length', 'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n', BAD],
    ['a negative Content-Length', 'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n', BAD],
    ['a Content-Length list', 'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\n', BAD],
    ['a huge Content-Length', 'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n', BAD],
    ['Transfer-Encoding on HTTP/1.0', 'PUT / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', BAD],
    ['an unknown transfer coding', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n', NOT_IMPLEMENTED],
    ['a coding list', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', NOT_IMPLEMENTED],
    ['two Transfer-Encoding fields', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', NOT_IMPLEMENTED],
    ['a chunk size that is not hex', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', BAD],
    ['an empty chunk size', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n', BAD],
    ['a signed chunk size', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n', BAD],
    ['chunk data longer than its size', 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', BAD],
    ['a bare CR after a request', '\rGET / HTTP/1.1\r\nHost: h\r\n\r\n', BAD],
  ];
  for (const [name, input, response] of cases) {
    it(`answers ${name}`, () => {
      for (const chunks of splits(input)) {
        const out = parse(chunks);
        assert.equal(out.requests.length, 0, `${name}: no request`);
        assert.equal(out.error?.response, response, `${name} split as ${JSON.stringify(chunks.length === 2 ? chunks[0]!.length : chunks.length)}`);
      }
    });
  }

  it('answers HTTP/2.0 with 505, as Go does', () => {
    const out = parse(['GET / HTTP/2.0\r\nHost: h\r\n\r\n']);
    assert.equal(out.error?.status, 505);
    assert.match(out.error!.response, /^HTTP\/1\.1 505 HTTP Version Not Supported: unsupported protocol version\r\n/);
  });

  it('ignores everything after an error', () => {
    const out = parse(['GET / HTTP/1.1\r\nHost: h\r\nBad\r\n\r\n', 'GET / HTTP/1.1\r\nHost: h\r\n\r\n']);
    assert.equal(out.requests.length, 0);
    assert.equal(out.error?.status, 400);
  });
});

describe('request parser: limits', () => {
  it('refuses a head over the limit with 431, also when it arrives byte by byte', () => {
    const head = `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(300)}\r\n\r\n`;
    assert.equal(parse([head], { maxHeadBytes: 200 }).error?.response, TOO_LARGE);
    assert.equal(parse([...head], { maxHeadBytes: 200 }).error?.response, TOO_LARGE);
    assert.equal(parse([head], { maxHeadBytes: head.length }).requests.length, 1);
    // A head that never ends is refused once it passes the limit, without waiting for its end.
    assert.equal(parse(['GET / HTTP/1.1\r\nX: ', 'a'.repeat(250)], { maxHeadBytes: 200 }).error?.response, TOO_LARGE);
  });

  it('refuses more header fields than allowed with 431', () => {
    const fields = Array.from({ length: 5 }, (_, i) => `X-${i}: v\r\n`).join('');
    assert.equal(parse([`GET / HTTP/1.1\r\nHost: h\r\n${fields}\r\n`], { maxHeaderCount: 5 }).error?.response, TOO_LARGE);
    assert.equal(parse([`GET / HTTP/1.1\r\n${fields}Host: h\r\n\r\n`], { maxHeaderCount: 6 }).requests.length, 1);
  });

  it('delivers a Content-Length body over the limit at once, flagged, and reads nothing more', () => {
    const out = parse(
      ['PUT /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n', 'hello world', 'GET / HTTP/1.1\r\nHost: h\r\n\r\n'],
      { maxBodyBytes: 10 },
    );
    assert.equal(out.error, null);
    assert.deepEqual(out.continues, [], 'no 100 Continue for a body that will not be read');
    assert.equal(out.requests.length, 1);
    assert.equal(out.requests[0]!.bodyTooLarge, true);
    assert.equal(out.requests[0]!.body, '');
    assert.equal(out.requests[0]!.keepAlive, false);
  });

  it('flags a chunked body once it passes the limit', () => {
    const input = 'PUT /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n';
    for (const chunks of splits(input)) {
      const out = parse(chunks, { maxBodyBytes: 10 });
      assert.equal(out.requests.length, 1);
      assert.equal(out.requests[0]!.bodyTooLarge, true);
    }
    assert.equal(parse([input], { maxBodyBytes: 12 }).requests[0]!.body, 'hello world!');
  });
});

describe('request parser: any split gives the same requests (property)', () => {
  const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,8}$/);
  const value = fc.stringMatching(/^[ -~]{0,20}$/).map((v) => v.trim());
  const request = fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'FOO'),
    path: fc.stringMatching(/^\/[a-z0-9/?=&%]{0,20}$/),
    headers: fc.array(fc.tuple(token, value), { maxLength: 5 }),
    body: fc.option(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.array(fc.nat(40), { maxLength: 4 })), { nil: undefined }),
  });

  function serialize(r: { method: string; path: string; headers: [string, string][]; body?: [Uint8Array, boolean, number[]] }): Buffer {
    const headers = r.headers.filter(([n]) => !['host', 'content-length', 'transfer-encoding', 'connection', 'expect'].includes(n.toLowerCase()));
    let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: h\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;
    if (r.body === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
    const [bytes, chunked, cuts] = r.body;
    if (!chunked) return Buffer.concat([Buffer.from(`${head}Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'), bytes]);
    head += 'Transfer-Encoding: chunked\r\n\r\n';
    const parts: Buffer[] = [Buffer.from(head, 'latin1')];
    let at = 0;
    for (const cut of [...cuts.map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b), bytes.length]) {
      if (cut <= at) continue;
      parts.push(Buffer.from(`${(cut - at).toString(16)}\r\n`), Buffer.from(bytes.subarray(at, cut)), Buffer.from('\r\n'));
      at = cut;
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(parts);
  }

  it('pipelined requests split at random points', () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 8 }), (reqs, cutSeeds) => {
        const input = Buffer.concat(reqs.map(serialize));
        const whole = parse([input]);
        assert.equal(whole.error, null);
        assert.equal(whole.requests.length, reqs.length);
        reqs.forEach((r, i) => {
          assert.equal(whole.requests[i]!.method, r.method);
          assert.equal(whole.requests[i]!.body, r.body === undefined ? '' : Buffer.from(r.body[0]).toString('latin1'));
        });
        const cuts = [...new Set(cutSeeds.map((s) => s % (input.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const c of [...cuts, input.length]) {
          chunks.push(input.subarray(at, c));
          at = c;
        }
        assert.deepEqual(parse(chunks), whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('request parser: arbitrary input', () => {
  const sample = Buffer.from(
    'PUT /v2/keys/a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcPOST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n',
    'latin1',
  );

  it('never throws: every input ends in requests, an error answer, or waiting for more', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          // valid input with a few bytes changed, removed or inserted
          fc.array(fc.tuple(fc.nat(sample.length), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'add')), { maxLength: 4 }).map((edits) => {
            let bytes = [...sample];
            for (const [at, byte, kind] of edits) {
              const i = Math.min(at, bytes.length);
              if (kind === 'set' && i < bytes.length) bytes[i] = byte;
              else if (kind === 'cut') bytes.splice(i, 1);
              else bytes.splice(i, 0, byte);
            }
            return Uint8Array.from(bytes);
          }),
        ),
        fc.nat(300),
        (bytes, cut) => {
          const input = Buffer.from(bytes);
          const at = Math.min(cut, input.length);
          const whole = parse([input], { maxHeadBytes: 200, maxBodyBytes: 50 });
          const split = parse([input.subarray(0, at), input.subarray(at)], { maxHeadBytes: 200, maxBodyBytes: 50 });
          assert.deepEqual(split, whole);
          if (whole.error !== null) assert.match(whole.error.response, /^HTTP\/1\.1 (400|431|501|505) /);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
