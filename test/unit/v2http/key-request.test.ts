import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { statusOfErrorCode } from '../../../src/api/v2http/error-status.js';
import { parseFormInto, parseGoBool, parseGoUint64, queryUnescape } from '../../../src/api/v2http/form.js';
import { errorLine, eventLine, goString } from '../../../src/api/v2http/go-json.js';
import { parseKeyRequest, toStoreRequest } from '../../../src/api/v2http/key-request.js';
import { decodePath, escapePath, muxCleanPath } from '../../../src/api/v2http/url-path.js';
import { EtcdError } from '../../../src/store/errors.js';

function form(...parts: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of parts) assert.equal(parseFormInto(m, p), null);
  return m;
}

function validationError(method: string, query: string): { code: number; cause: string } {
  try {
    parseKeyRequest(method, '/k', form(query));
  } catch (err) {
    assert.ok(err instanceof EtcdError);
    assert.equal(err.index, 0);
    return { code: err.errorCode, cause: err.cause };
  }
  assert.fail(`no error for ${method} ?${query}`);
}

describe('Go value parsing', () => {
  it('bool accepts exactly the strconv.ParseBool spellings', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false);
    for (const bad of ['', 'yes', 'on', 'tRUE', ' true', '2']) assert.equal(parseGoBool(bad), null);
  });

  it('uint64 is digits only and must fit 64 bits', () => {
    assert.equal(parseGoUint64('007'), 7);
    assert.equal(parseGoUint64('18446744073709551615'), 18446744073709551615);
    for (const bad of ['', '-1', '1.5', ' 1', '+1', 'abc', '18446744073709551616', '99999999999999999999']) {
      assert.equal(parseGoUint64(bad), null, bad);
    }
  });

  it('query parsing: first value wins, body before query, errors reported but parsing continues', () => {
    const m = new Map<string, string>();
    assert.equal(parseFormInto(m, 'value=frombody&x'), null);
    assert.equal(parseFormInto(m, 'value=fromquery&value=b&y=%20+z&&=&flag'), null);
    assert.equal(m.get('value'), 'frombody');
    assert.equal(m.get('x'), '');
    assert.equal(m.get('y'), '  z');
    assert.equal(m.get('flag'), '');
    const bad = new Map<string, string>();
    assert.equal(parseFormInto(bad, 'a=%zz&b=2&c=%'), 'invalid URL escape "%zz"');
    assert.equal(bad.get('b'), '2');
    assert.equal(parseFormInto(new Map(), 'a=1;b=2'), 'invalid semicolon separator in query');
    assert.deepEqual(queryUnescape('%4'), { error: 'invalid URL escape "%4"' });
    assert.equal(queryUnescape('%E2%9C%93'), '✓');
    assert.equal(queryUnescape('%ff'), '\ufffd');
  });
});

describe('key request validation', () => {
  it('reports etcd codes and causes in etcd order', () => {
    assert.deepEqual(validationError('PUT', 'prevIndex=x&waitIndex=y'), { code: 203, cause: 'invalid value for "prevIndex"' });
    assert.deepEqual(validationError('GET', 'waitIndex=-1&recursive=bad'), { code: 203, cause: 'invalid value for "waitIndex"' });
    assert.deepEqual(validationError('GET', 'recursive=maybe'), { code: 209, cause: 'invalid value for "recursive"' });
    assert.deepEqual(validationError('GET', 'sorted='), { code: 209, cause: 'invalid value for "sorted"' });
    assert.deepEqual(validationError('PUT', 'wait=true'), { code: 209, cause: '"wait" can only be used with GET requests' });
    assert.deepEqual(validationError('HEAD', 'wait=true'), { code: 209, cause: '"wait" can only be used with GET requests' });
    assert.deepEqual(validationError('PUT', 'prevValue='), { code: 201, cause: '"prevValue" cannot be empty' });
    assert.deepEqual(validationError('PUT', 'noValueOnSuccess=x'), { code: 209, cause: 'invalid value for "noValueOnSuccess"' });
    assert.deepEqual(validationError('PUT', 'ttl=abc'), { code: 202, cause: 'invalid value for "ttl"' });
    assert.deepEqual(validationError('PUT', 'ttl=1.5'), { code: 202, cause: 'invalid value for "ttl"' });
    assert.deepEqual(validationError('PUT', 'prevExist='), { code: 209, cause: 'invalid value for prevExist' });
    assert.deepEqual(validationError('PUT', 'refresh=x'), { code: 209, cause: 'invalid value for refresh' });
    assert.deepEqual(validationError('PUT', 'refresh=true&value=x&ttl=5'), { code: 211, cause: 'A value was provided on a refresh' });
    assert.deepEqual(validationError('PUT', 'refresh=true'), { code: 212, cause: 'No TTL value set' });
  });

  it('waitTimeout (opt-in) takes a Go duration or nanoseconds, only on a watch', () => {
    const timeout = (q: string): number | null => parseKeyRequest('GET', '/k', form(q)).waitTimeoutMs;
    assert.equal(timeout('wait=true'), null);
    assert.equal(timeout('wait=true&waitTimeout=30s'), 30_000);
    assert.equal(timeout('wait=true&waitTimeout=1m30s'), 90_000);
    assert.equal(timeout('wait=true&waitTimeout=250ms'), 250);
    assert.equal(timeout('wait=true&waitTimeout=2000000000'), 2000);
    assert.equal(timeout('wait=true&waitTimeout=1500us'), 2, 'rounded up to whole ms');
    assert.equal(timeout('wait=true&waitTimeout=0'), null, 'zero waits forever');
    assert.equal(timeout('wait=true&waitTimeout='), null);
    assert.equal(timeout('wait=true&waitTimeout=100000h'), 2 ** 31 - 1, 'capped at the longest timer');
    assert.equal(timeout('waitTimeout=abc'), null, 'ignored without wait, as etcd ignores unknown parameters');
    for (const bad of ['abc', '-1s', '10x', '1.5', '5 s', 's']) {
      assert.deepEqual(validationError('GET', `wait=true&waitTimeout=${encodeURIComponent(bad)}`), { code: 209, cause: 'invalid value for "waitTimeout"' }, bad);
    }
    // A watch's own errors come first, in etcd's order.
    assert.equal(validationError('GET', 'wait=true&waitIndex=x&waitTimeout=abc').code, 203);
  });

  it('level and filter (opt-in) narrow a watch, only on a watch', () => {
    const filter = (q: string): unknown => {
      const f = parseKeyRequest('GET', '/k', form(q)).watchFilter;
      return f === null ? null : { maxDepth: f.maxDepth, actions: f.actions === null ? null : [...f.actions] };
    };
    assert.equal(filter('wait=true'), null);
    assert.deepEqual(filter('wait=true&recursive=true&level=1'), { maxDepth: 1, actions: null });
    assert.deepEqual(filter('wait=true&filter=create,%20delete,,expire'), { maxDepth: null, actions: ['create', 'delete', 'expire'] });
    assert.deepEqual(filter('wait=true&level=2&filter=compareAndSwap'), { maxDepth: 2, actions: ['compareAndSwap'] });
    assert.equal(filter('wait=true&level=0&filter='), null, 'level 0 and an empty filter narrow nothing');
    assert.equal(filter('level=x&filter=nope'), null, 'ignored without wait, as etcd ignores unknown parameters');
    for (const bad of ['x', '-1', '1.5']) {
      assert.deepEqual(validationError('GET', `wait=true&level=${bad}`), { code: 209, cause: 'invalid value for "level"' }, bad);
    }
    for (const bad of ['get', 'Create', 'create,bogus']) {
      assert.deepEqual(validationError('GET', `wait=true&filter=${bad}`), { code: 209, cause: 'invalid value for "filter"' }, bad);
    }
  });

  it('an empty ttl means permanent', () => {
    assert.equal(parseKeyRequest('PUT', '/k', form('ttl=')).ttl, null);
    assert.equal(parseKeyRequest('PUT', '/k', form('ttl=007')).ttl, 7);
  });

  it('maps methods and conditions to store operations', () => {
    const op = (method: string, q: string): string => toStoreRequest(parseKeyRequest(method, '/k', form(q)), 1)?.op ?? 'read';
    assert.equal(op('PUT', 'value=1'), 'set');
    assert.equal(op('PUT', 'prevIndex=0'), 'set');
    assert.equal(op('PUT', 'prevExist=true'), 'update');
    assert.equal(op('PUT', 'prevExist=true&prevIndex=3'), 'compareAndSwap');
    assert.equal(op('PUT', 'prevExist=false&prevValue=zzz'), 'create');
    assert.equal(op('PUT', 'prevValue=a'), 'compareAndSwap');
    assert.equal(op('POST', 'prevExist=true'), 'create');
    assert.equal(op('DELETE', 'recursive=true'), 'delete');
    assert.equal(op('DELETE', 'prevIndex=4'), 'compareAndDelete');
    assert.equal(op('GET', 'wait=true'), 'read');
    const post = toStoreRequest(parseKeyRequest('POST', '/q', form('value=v&ttl=5')), 42);
    assert.deepEqual(post, { op: 'create', key: '/q', value: 'v', dir: false, unique: true, ttl: 5, time: 42 });
  });
});

describe('paths', () => {
  it('cleans like ServeMux, keeping a trailing slash', () => {
    assert.equal(muxCleanPath('/v2/keys/'), '/v2/keys/');
    assert.equal(muxCleanPath('/v2/keys//a'), '/v2/keys/a');
    assert.equal(muxCleanPath('/v2/keys/a/../b'), '/v2/keys/b');
    assert.equal(muxCleanPath('/v2/keys/./c/'), '/v2/keys/c/');
    assert.equal(muxCleanPath('/..'), '/');
  });

  it('decodes escapes (a bad one is null) and escapes like Go for Location', () => {
    assert.equal(decodePath('/v2/keys/a%2F%2Fb'), '/v2/keys/a//b');
    assert.equal(decodePath('/v2/keys/a+b'), '/v2/keys/a+b');
    assert.equal(decodePath('/v2/keys/bad%zz'), null);
    assert.equal(escapePath('/v2/keys/b c!d(e)*'), '/v2/keys/b%20c%21d%28e%29%2A');
    assert.equal(escapePath('/v2/keys/✓'), '/v2/keys/%E2%9C%93');
  });
});

describe('wire format', () => {
  it('encodes strings as Go does', () => {
    assert.equal(goString('a"b\\c<>&'), '"a\\"b\\\\c\\u003c\\u003e\\u0026"');
    assert.equal(goString('\u0001\u007f\b\f\n\t\u2028'), '"\\u0001\u007f\\u0008\\u000c\\n\\t\\u2028"');
    assert.equal(goString('\\b'), '"\\\\b"');
  });

  it('quotes a string with nothing to escape as it is, and escapes every other one as Go does', () => {
    // Go's rules: JSON's escapes, with <, >, &, U+2028 and U+2029 escaped too and \b, \f as \u00XX.
    const goFixes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029', '\\b': '\\u0008', '\\f': '\\u000c', '\\\\': '\\\\' };
    const reference = (s: string): string => JSON.stringify(s).replace(/\\\\|\\b|\\f|[<>&\u2028\u2029]/g, (m) => goFixes[m]!);
    for (const unit of ['binary-ascii', 'grapheme', 'binary'] as const) {
      fc.assert(fc.property(fc.string({ unit, maxLength: 40 }), (s) => goString(s) === reference(s)));
    }
    assert.equal(goString('/bench/key-000123'), '"/bench/key-000123"');
  });

  it('writes events and errors with etcd field order and a newline', () => {
    const line = eventLine({
      action: 'set',
      node: { key: '/k', value: 'v', expiration: '2026-01-01T00:00:00.5Z', ttl: 3, modifiedIndex: 5, createdIndex: 5 },
      prevNode: { key: '/k', value: '', modifiedIndex: 4, createdIndex: 4 },
      index: 5,
    });
    assert.equal(
      line,
      '{"action":"set","node":{"key":"/k","value":"v","expiration":"2026-01-01T00:00:00.5Z","ttl":3,"modifiedIndex":5,"createdIndex":5},"prevNode":{"key":"/k","value":"","modifiedIndex":4,"createdIndex":4}}\n',
    );
    assert.equal(errorLine(new EtcdError(100, '/foo', 6)), '{"errorCode":100,"message":"Key not found","cause":"/foo","index":6}\n');
    assert.equal(errorLine(new EtcdError(102, '', 9)), '{"errorCode":102,"message":"Not a file","index":9}\n');
  });

  it('maps error codes to HTTP status', () => {
    assert.deepEqual(
      [100, 101, 102, 104, 105, 107, 108, 110, 202, 209, 300, 401].map(statusOfErrorCode),
      [404, 412, 403, 400, 412, 400, 403, 401, 400, 400, 500, 400],
    );
  });
});
