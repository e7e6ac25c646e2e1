import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPath, encodeParams, escapePath, keysPath } from '../../../src/client/key-path.js';

test('keysPath cleans the key and escapes what a URL path cannot carry', () => {
  assert.equal(keysPath('/foo'), '/v2/keys/foo');
  assert.equal(keysPath('foo/bar'), '/v2/keys/foo/bar');
  assert.equal(keysPath('/'), '/v2/keys/');
  assert.equal(keysPath(''), '/v2/keys');
  assert.equal(keysPath('/a//b/./c/../d'), '/v2/keys/a/b/d');
  assert.equal(keysPath('/dir/'), '/v2/keys/dir/');
  assert.equal(keysPath('/sp ace%25?&=x'), '/v2/keys/sp%20ace%2525%3F&=x');
  assert.equal(keysPath('/✓key'), '/v2/keys/%E2%9C%93key');
});

test('cleanPath resolves dot segments and never climbs above the root', () => {
  assert.equal(cleanPath('/../../x'), '/x');
  assert.equal(cleanPath('//'), '/');
});

test('escapePath keeps unreserved characters and $&+,/:;=@', () => {
  assert.equal(escapePath("a-_.~$&+,/:;=@b"), "a-_.~$&+,/:;=@b");
  assert.equal(escapePath('#"<>'), '%23%22%3C%3E');
});

test('encodeParams sorts names and form-escapes values', () => {
  assert.equal(encodeParams({ value: 'a b&c=d', dir: 'true' }), 'dir=true&value=a+b%26c%3Dd');
  assert.equal(encodeParams({}), '');
  assert.equal(encodeParams({ value: 'é' }), 'value=%C3%A9');
});
