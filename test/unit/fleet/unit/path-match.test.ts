import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathMatch, pathMatchStrict } from '../../../../src/go/path-match.js';

// Go's own path.Match table (Go 1.7 results).
const CASES: ReadonlyArray<[pattern: string, name: string, want: boolean | 'bad pattern']> = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', 'bad pattern'],
  ['[-]', '-', 'bad pattern'],
  ['[x-]', 'x', 'bad pattern'],
  ['[x-]', '-', 'bad pattern'],
  ['[x-]', 'z', 'bad pattern'],
  ['[-x]', 'x', 'bad pattern'],
  ['[-x]', '-', 'bad pattern'],
  ['[-x]', 'a', 'bad pattern'],
  ['\\', 'a', 'bad pattern'],
  ['[a-b-c]', 'a', 'bad pattern'],
  ['[', 'a', 'bad pattern'],
  ['[^', 'a', 'bad pattern'],
  ['[^bc', 'a', 'bad pattern'],
  ['a[', 'a', false], // Go 1.7 stops before it sees the broken class
  ['a[', 'ab', 'bad pattern'],
  ['*x', 'xxx', true],
];

test('path.Match agrees with Go\'s table', () => {
  for (const [pattern, name, want] of CASES) {
    assert.equal(pathMatchStrict(pattern, name), want, `Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`);
    assert.equal(pathMatch(pattern, name), want === true, `pathMatch(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`);
  }
});

test('unit-name globs as fleet uses them', () => {
  assert.equal(pathMatch('a.*', 'a.service'), true);
  assert.equal(pathMatch('web@*.service', 'web@1.service'), true);
  assert.equal(pathMatch('web@*.service', 'web@.service'), true);
  assert.equal(pathMatch('web@?.service', 'web@10.service'), false);
  assert.equal(pathMatch('db-[0-9].service', 'db-7.service'), true);
  assert.equal(pathMatch('db-[^0-9].service', 'db-7.service'), false);
  assert.equal(pathMatch('*.service', 'x.socket'), false);
  assert.equal(pathMatch('', ''), true);
  assert.equal(pathMatch('', 'a'), false);
  assert.equal(pathMatch('[', 'a.service'), false);
});
