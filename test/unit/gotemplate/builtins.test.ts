import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, render } from './support.js';
import { goMap, goSlice, GoFunc, GoStruct, stringSlice, INTERFACE_MAP, INTERFACE_SLICE } from '../../../src/confd/gotemplate/values.js';

test('and / or return values and stop early', () => {
  assert.equal(render('{{and "a" "b"}}|{{and "" "b"}}|{{or "" "fallback"}}|{{or 0 ""}}|{{not 0}}|{{not "x"}}'), 'b||fallback||true|false');
  let called = 0;
  const funcs = { boom: new GoFunc([], () => { called++; return 'x'; }) };
  assert.equal(render('{{and false boom}}{{or true boom}}', undefined, funcs), 'falsetrue');
  assert.equal(called, 0);
  assert.match(errorOf('{{and}}'), /wrong number of args for and: want at least 1 got 0/);
});

test('comparisons', () => {
  assert.equal(render('{{eq 1 1}} {{eq "a" "b" "a"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}'), 'true true true true true true false');
  assert.equal(render('{{eq nil nil}} {{eq .missing nil}}', goMap(INTERFACE_MAP, new Map())), 'true true');
  assert.match(errorOf('{{eq 1 "1"}}'), /at <eq 1 "1">: error calling eq: incompatible types for comparison$/);
  assert.match(errorOf('{{eq 1 1.0}}'), /incompatible types for comparison/);
  assert.match(errorOf('{{lt true false}}'), /invalid type for comparison/);
  assert.match(errorOf('{{eq . .}}', stringSlice(['a'])), /non-comparable type \[a\]: \[\]string/);
  const a = new GoStruct('memkv.KVPair', { Key: 'k', Value: 'v' });
  const b = new GoStruct('memkv.KVPair', { Key: 'k', Value: 'v' });
  assert.equal(render('{{eq (index . 0) (index . 1)}}', goSlice('memkv.KVPairs', [a, b])), 'true');
});

test('len counts bytes of strings and elements of collections', () => {
  assert.equal(render('{{len "héllo"}} {{len .}}', stringSlice(['a', 'b'])), '6 2');
  assert.equal(render('{{len .}}', goMap(INTERFACE_MAP, new Map([['a', 1]]))), '1');
  assert.match(errorOf('{{len 3}}'), /error calling len: len of type int/);
});

test('index into strings, slices, maps; slice', () => {
  const data = goMap(INTERFACE_MAP, new Map<string, never>([['list', goSlice(INTERFACE_SLICE, [goSlice(INTERFACE_SLICE, ['x', 'y'])]) as never]]));
  assert.equal(render('{{index "abc" 1}} {{index .list 0 1}} {{index . "missing"}}', data), '98 y <no value>');
  assert.match(errorOf('{{index . 5}}', stringSlice(['a'])), /error calling index: index out of range: 5/);
  assert.match(errorOf('{{index nil 1}}'), /index of untyped nil/);
  assert.equal(render('{{slice "abcdef" 1 3}} {{slice "abc" 1}} {{slice .}} {{slice . 1 2}}', stringSlice(['a', 'b', 'c'])), 'bc bc [a b c] [b]');
  assert.match(errorOf('{{slice "abc" 2 1}}'), /invalid slice index: 2 > 1/);
});

test('print, println, printf', () => {
  assert.equal(render('{{print "a" "b" 1 2 "c"}}|{{print 1 2}}|{{println "x" 1}}|{{print nil}}'), 'ab1 2c|1 2|x 1\n|<nil>');
  assert.equal(render('{{printf "%s:%d" "h" 80}}'), 'h:80');
});

test('html, js and urlquery escapers', () => {
  assert.equal(render('{{html "<a href=\\"x\\">&\'</a>"}}'), '&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;');
  assert.equal(render('{{js "it\'s \\"q\\" <a>=&\\n"}}'), 'it\\\'s \\"q\\" \\u003Ca\\u003E\\u003D\\u0026\\u000A');
  assert.equal(render('{{urlquery "a b&c=d/é"}}'), 'a+b%26c%3Dd%2F%C3%A9');
  assert.equal(render('{{html 1 2}}'), '1 2');
});

test('call invokes a function value', () => {
  const add = new GoFunc(['int', 'int'], (a, b) => (a as bigint) + (b as bigint));
  const data = goMap(INTERFACE_MAP, new Map([['f', add]]));
  assert.equal(render('{{call .f 2 3}}', data), '5');
  assert.match(errorOf('{{call .f 2 3}}', goMap(INTERFACE_MAP, new Map([['f', 'x']]))), /non-function of type string/);
});

test('function arguments are converted and checked like Go', () => {
  const funcs = {
    twice: new GoFunc(['int'], (n) => (n as bigint) * 2n),
    upper: new GoFunc(['string'], (s) => (s as string).toUpperCase()),
    fail: new GoFunc([], () => { throw new Error('boom'); }),
  };
  assert.equal(render('{{twice 21}} {{twice 1e3}} {{"x" | upper}}', undefined, funcs), '42 2000 X');
  assert.match(errorOf('{{twice "1"}}', undefined, funcs), /^template: t.tmpl:1:8: executing "t.tmpl" at <"1">: expected integer; found "1"$/);
  assert.match(errorOf('{{twice 1.5}}', undefined, funcs), /expected integer; found 1.5/);
  assert.match(errorOf('{{twice (upper "a")}}', undefined, funcs), /wrong type for value; expected int; got string/);
  assert.match(errorOf('{{twice}}', undefined, funcs), /wrong number of args for twice: want 1 got 0/);
  assert.match(errorOf('{{fail}}', undefined, funcs), /error calling fail: runtime error: boom/);
});
