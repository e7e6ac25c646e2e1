import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sprint, sprintf } from '../../../src/confd/gotemplate/fmt.js';
import { formatFloat } from '../../../src/confd/gotemplate/float-format.js';
import { goMap, goSlice, GoStruct, stringSlice, INTERFACE_MAP, INTERFACE_SLICE } from '../../../src/confd/gotemplate/values.js';

test('%v of floats: shortest digits, exponent form when the exponent is < -4 or >= 6', () => {
  const cases: [number, string][] = [
    [8080, '8080'], [100000, '100000'], [999999, '999999'], [123456.7, '123456.7'], [1000000, '1e+06'],
    [1234567, '1.234567e+06'], [1234567.8, '1.2345678e+06'], [123456789, '1.23456789e+08'], [1e20, '1e+20'],
    [1e21, '1e+21'], [1e100, '1e+100'], [5e-324, '5e-324'], [0.0001, '0.0001'], [0.00012345, '0.00012345'],
    [0.00001, '1e-05'], [0.000012345, '1.2345e-05'], [1.5, '1.5'], [-2.25, '-2.25'], [3, '3'], [0, '0'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [NaN, 'NaN'], [-0, '-0'],
  ];
  for (const [v, want] of cases) assert.equal(sprint([v]), want, String(v));
});

test('float verbs with precision', () => {
  assert.equal(sprintf('%e', [1234.5678]), '1.234568e+03');
  assert.equal(sprintf('%f|%.2f|%6.2f|%.0f|%.0f|%.0f', [1.5, 3.14159, 3.14159, 1000000, 2.5, 3.5]), '1.500000|3.14|  3.14|1000000|2|4');
  assert.equal(sprintf('%.3g|%g|%.5g|%G', [1234.5678, 1234.5678, 1.5, 1e-7]), '1.23e+03|1234.5678|1.5|1E-07');
  assert.equal(sprintf('%+.1f|% .1f|%08.3f|%-8.2f|', [2.0, 2.0, -3.14159, 1.5]), '+2.0| 2.0|-003.142|1.50    |');
  assert.equal(formatFloat(0.125, 'f', 2), '0.12', 'ties round to even on the exact value');
  assert.equal(formatFloat(0.375, 'f', 2), '0.38');
  assert.equal(formatFloat(9.999, 'f', 2), '10.00');
});

test('integer verbs and flags', () => {
  assert.equal(sprintf('%d|%5d|%-5d|%05d|%+d|%x|%X|%#x|%o|%#o|%O|%b|%c|%q|%U', [42n, 42n, 42n, -42n, 5n, 255n, 255n, 255n, 8n, 8n, 8n, 5n, 65n, 97n, 0x1f600n]),
    '42|   42|42   |-0042|+5|ff|FF|0xff|10|010|0o10|101|A|\'a\'|U+1F600');
  assert.equal(sprintf('%.3d|%.0d|', [7n, 0n]), '007||');
});

test('strings, quoting, padding', () => {
  assert.equal(sprintf('%s|%5s|%-5s|%.2s|%q|%x|% x|%05s', ['ab', 'ab', 'ab', 'abc', 'a"b\n', 'hi', 'hi', 'ab']), 'ab|   ab|ab   |ab|"a\\"b\\n"|6869|68 69|000ab');
  assert.equal(sprintf('%q', ['é\u0001']), '"é\\x01"');
  assert.equal(sprintf('%#q', ['abc']), '`abc`');
});

test('bad verbs, missing and extra operands, nil', () => {
  assert.equal(sprintf('%d', ['str']), '%!d(string=str)');
  assert.equal(sprintf('%d', [8080]), '%!d(float64=8080)');
  assert.equal(sprintf('%s', []), '%!s(MISSING)');
  assert.equal(sprintf('%s', ['a', 'b']), 'a%!(EXTRA string=b)');
  assert.equal(sprintf('%s|%v', [null, null]), '%!s(<nil>)|<nil>');
  assert.equal(sprintf('%t|%t', [true, 'x']), 'true|%!t(string=x)');
  assert.equal(sprintf('100%%', []), '100%');
  assert.equal(sprintf('%*d|%-*d|', [5n, 1n, 3n, 2n]), '    1|2  |');
  assert.equal(sprintf('%!', []), '%!!(MISSING)');
});

test('composite values: slices, maps, structs, %T, %+v', () => {
  assert.equal(sprint([stringSlice(['a', 'b', '', 'c'])]), '[a b  c]');
  assert.equal(sprint([goSlice(INTERFACE_SLICE, [1, 'two', true, null])]), '[1 two true <nil>]');
  assert.equal(sprint([goMap(INTERFACE_MAP, new Map<string, never>([['z', 1 as never], ['a', 2 as never]]))]), 'map[a:2 z:1]');
  assert.equal(sprintf('%q', [stringSlice(['a', 'b'])]), '["a" "b"]');
  const kv = new GoStruct('memkv.KVPair', { Key: '/app/a', Value: '1' });
  assert.equal(sprintf('%v|%+v|%T', [kv, kv, kv]), '{/app/a 1}|{Key:/app/a Value:1}|memkv.KVPair');
  assert.equal(sprintf('%T %T %T %T %T %T %T', ['s', 1n, 1.5, true, stringSlice([]), goSlice(INTERFACE_SLICE, []), goMap(INTERFACE_MAP, new Map())]),
    'string int float64 bool []string []interface {} map[string]interface {}');
  const srv = new GoStruct('net.SRV', { Target: 'a.', Port: 80n, Priority: 1n, Weight: 2n }, {}, true);
  assert.equal(sprint([srv]), '&{a. 80 1 2}');
});

test('strings order by UTF-8 bytes (code points), as Go sorts map keys', async () => {
  const { compareByBytes } = await import('../../../src/confd/gotemplate/byte-order.js');
  const sorted = ['😀', '\uffff', 'é', 'b', 'a', 'ab', ''].sort(compareByBytes);
  assert.deepEqual(sorted, ['', 'a', 'ab', 'b', 'é', '\uffff', '😀']);
  assert.equal(sprint([goMap(INTERFACE_MAP, new Map<string, never>([['😀', 1 as never], ['\uffff', 2 as never]]))]), 'map[\uffff:2 😀:1]');
});
