import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodePageToken, encodePageToken, findPageToken, pageOf } from '../../../../src/fleet/api/page-token.js';
import { cleanPath, parseGoQuery, parseRequestUrl } from '../../../../src/fleet/api/request-url.js';

describe('page tokens', () => {
  it('encode two little-endian uint16s as padded URL-safe base64', () => {
    assert.equal(encodePageToken({ limit: 100, page: 1 }), 'ZAABAA==');
    assert.equal(encodePageToken({ limit: 100, page: 2 }), 'ZAACAA==');
    assert.equal(encodePageToken({ limit: 2, page: 1 }), 'AgABAA==');
    assert.equal(encodePageToken({ limit: 2, page: 2 }), 'AgACAA==');
    assert.equal(encodePageToken({ limit: 0xfbff, page: 0xffff }), '__v__w==');
  });

  it('decode with the errors of Go 1.7 base64 and binary.Read', () => {
    const cases: [string, string][] = [
      ['!', 'illegal base64 data at input byte 0'],
      ['ZAAB!AAA', 'illegal base64 data at input byte 4'],
      ['ZAABAA', 'illegal base64 data at input byte 4'],
      ['Z', 'illegal base64 data at input byte 0'],
      ['Z===', 'illegal base64 data at input byte 1'],
      ['ZAABAA=', 'illegal base64 data at input byte 7'],
      ['ZAABAA=x', 'illegal base64 data at input byte 6'],
      ['ZAABAA==x', 'illegal base64 data at input byte 8'],
      ['ZAACAA+/', 'illegal base64 data at input byte 6'],
      ['', 'EOF'],
      ['ZA==', 'unexpected EOF'],
      ['ZAAB', 'unexpected EOF'],
    ];
    for (const [text, error] of cases) assert.deepEqual(decodePageToken(text), { ok: false, error }, text);
    assert.deepEqual(decodePageToken('ZAACAA=='), { ok: true, token: { limit: 100, page: 2 } });
    assert.deepEqual(decodePageToken('ZAACAAAA'), { ok: true, token: { limit: 100, page: 2 } });
  });

  it('are checked against the server limit', () => {
    assert.deepEqual(findPageToken([], 100), { ok: true, token: { limit: 100, page: 1 } });
    assert.deepEqual(findPageToken(['ZAABAA==', 'ZAACAA=='], 100), { ok: false, error: 'too many values for page token' });
    assert.deepEqual(findPageToken(['AgABAA=='], 100), { ok: false, error: 'token limit must be 100' });
    assert.deepEqual(findPageToken(['ZAAAAA=='], 100), { ok: false, error: 'token page must be greater than zero' });
  });

  it('cut pages; one ending exactly at the last item still points at a next, empty page', () => {
    const all = ['a', 'b', 'c', 'd'];
    assert.deepEqual(pageOf(all, { limit: 2, page: 1 }), { items: ['a', 'b'], next: 'AgACAA==' });
    assert.deepEqual(pageOf(all, { limit: 2, page: 2 }), { items: ['c', 'd'], next: 'AgADAA==' });
    assert.deepEqual(pageOf(all, { limit: 2, page: 3 }), { items: [], next: '' });
    assert.deepEqual(pageOf(all, { limit: 3, page: 2 }), { items: ['d'], next: '' });
    assert.deepEqual(pageOf([], { limit: 100, page: 1 }), { items: [], next: '' });
  });
});

describe('request targets', () => {
  it('decode the path and parse the query as Go 1.7 does', () => {
    const u = parseRequestUrl('/fleet/v1/units/web%40.service?alt=json&unitName=a+b;machineID=m%2F1&bad=%zz&k');
    assert.ok(u !== null);
    assert.equal(u.path, '/fleet/v1/units/web@.service');
    assert.deepEqual([...u.query], [
      ['alt', ['json']],
      ['unitName', ['a b']],
      ['machineID', ['m/1']],
      ['k', ['']],
    ]);
    assert.equal(parseRequestUrl('/fleet/v1/units/%zz'), null);
    assert.equal(parseRequestUrl('http://domain-sock/fleet/v1/state?alt=json')?.path, '/fleet/v1/state');
    assert.deepEqual([...parseGoQuery('a=1&a=2&&b')], [['a', ['1', '2']], ['b', ['']]]);
  });

  it("clean paths as ServeMux does", () => {
    assert.equal(cleanPath('/fleet/v1/units'), '/fleet/v1/units');
    assert.equal(cleanPath('/fleet//v1/units'), '/fleet/v1/units');
    assert.equal(cleanPath('/fleet/v1/./units/'), '/fleet/v1/units/');
    assert.equal(cleanPath('/fleet/v1/x/../units'), '/fleet/v1/units');
    assert.equal(cleanPath('/../..'), '/');
    assert.equal(cleanPath('//'), '/');
    assert.equal(cleanPath(''), '/');
  });
});
