import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { expirationFor, formatExpiration, remainingTtl } from '../../../src/store/expiration.js';
import { cleanPath, isCleanPath } from '../../../src/store/path.js';

describe('expiration arithmetic', () => {
  const t = Date.UTC(2026, 10, 25, 15, 42, 19) + 0.737460881 * 1000;

  it('adds the TTL to the request time; no TTL is permanent; ttl=0 expires now', () => {
    assert.equal(expirationFor(t, null), 0);
    assert.equal(expirationFor(t, 30), t + 30_000);
    assert.equal(expirationFor(t, 0), t);
  });

  it('wraps like 64-bit nanoseconds for absurd TTLs and treats pre-2000 results as permanent', () => {
    assert.equal(expirationFor(t, 9223372037), 0);
    assert.ok(expirationFor(t, 315360000) > t);
    assert.equal(expirationFor(Date.UTC(1999, 0, 1), 1), 0);
  });

  it('reports the remaining TTL rounded up, never -0', () => {
    assert.equal(remainingTtl(t + 30_000, t), 30);
    assert.equal(remainingTtl(t + 29_001, t), 30);
    assert.equal(remainingTtl(t, t), 0);
    assert.ok(Object.is(remainingTtl(t - 400, t), 0));
    assert.equal(remainingTtl(t - 1500, t), -1);
  });

  it('prints RFC 3339 UTC with trimmed nanoseconds', () => {
    assert.equal(formatExpiration(Date.UTC(2026, 0, 1, 0, 0, 0)), '2026-01-01T00:00:00Z');
    assert.equal(formatExpiration(Date.UTC(2026, 0, 1, 0, 0, 0) + 500), '2026-01-01T00:00:00.5Z');
    assert.equal(formatExpiration(Date.UTC(2026, 0, 1, 0, 0, 0) + 12.25), '2026-01-01T00:00:00.01225Z');
    assert.match(formatExpiration(t), /^2026-11-25T15:42:19\.73746\d*Z$/);
  });
});

describe('key paths', () => {
  it('cleans like Go path.Clean on absolute paths', () => {
    assert.equal(cleanPath('/'), '/');
    assert.equal(cleanPath(''), '/');
    assert.equal(cleanPath('a/b'), '/a/b');
    assert.equal(cleanPath('/a//b/./c/../d/'), '/a/b/d');
    assert.equal(cleanPath('/../..'), '/');
    assert.ok(isCleanPath('/a/b'));
    assert.ok(!isCleanPath('/a/'));
    assert.ok(!isCleanPath('/a/..'));
  });
});
