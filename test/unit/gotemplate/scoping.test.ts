import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, render } from './support.js';
import { GoFunc, GoStruct, stringSlice } from '../../../src/confd/gotemplate/values.js';

test('variables of the caller are not visible in a defined template; $ is its data', () => {
  assert.equal(errorOf('{{$x := 1}}{{define "d"}}{{$x}}{{end}}'), 'template: t.tmpl:1: undefined variable "$x"');
  assert.equal(render('{{define "d"}}[{{$}}|{{.}}]{{end}}{{template "d" "arg"}}'), '[arg|arg]');
});

test('a variable declared in a control pipeline lives until {{end}}, else part included', () => {
  assert.equal(render('{{if $v := "x"}}{{$v}}{{else}}{{$v}}{{end}}'), 'x');
  assert.equal(render('{{with $v := ""}}{{$v}}{{else}}[{{$v}}]{{end}}'), '[]');
  assert.equal(errorOf('{{if $v := "x"}}{{end}}{{$v}}'), 'template: t.tmpl:1: undefined variable "$v"');
  assert.equal(render('{{with $x := "a"}}{{else with $y := "b"}}{{end}}ok'), 'ok');
  assert.equal(render('{{with ""}}no{{else with "b"}}{{.}}{{end}}'), 'b');
});

test('range variables are reset each iteration; $ stays the top-level data', () => {
  assert.equal(render('{{range $i, $v := .}}{{$v}}{{$}}{{end}}', stringSlice(['a', 'b'])), 'a[a b]b[a b]');
  assert.equal(render('{{range .}}{{$y := .}}{{$y}}{{end}}', stringSlice(['a', 'b'])), 'ab');
});

test('nested control structures with else-if chains inside range', () => {
  const t = '{{range .}}{{if eq . "a"}}A{{else if eq . "b"}}B{{else}}?{{end}}{{end}}';
  assert.equal(render(t, stringSlice(['a', 'b', 'c'])), 'AB?');
});

test('methods with arguments, at the end of a chain and fed by a pipeline', () => {
  const obj: GoStruct = new GoStruct('x.T', { Name: 'n' }, {
    Greet: new GoFunc(['string'], (who) => `hi ${who as string}`),
    Self: new GoFunc([], (): GoStruct => obj),
  });
  assert.equal(render('{{.Greet "bob"}} {{"ann" | .Greet}} {{.Self.Name}} {{.Self.Greet "x"}}', obj), 'hi bob hi ann n hi x');
  assert.match(errorOf('{{.Name "x"}}', obj), /Name has arguments but cannot be invoked as function/);
  assert.match(errorOf('{{.Nope}}', obj), /can't evaluate field Nope in type x\.T/);
});

test('comments and trimming around them; a comment must touch its delimiters', () => {
  assert.equal(render('a {{- /* x */ -}} b {{/* y */}} c'), 'ab  c');
  assert.match(errorOf('{{ /* x */ }}'), /unexpected "\/" in command|unrecognized/);
  assert.equal(errorOf('{{/* x */ }}'), 'template: t.tmpl:1: comment ends before closing delimiter');
});

test('define must be at the top level; template names must be literal strings', () => {
  assert.match(errorOf('{{if true}}{{define "x"}}{{end}}{{end}}'), /unexpected <define>/);
  assert.match(errorOf('{{template .}}'), /unexpected <\.> in template clause|unexpected "\." in template clause/);
});

test('parenthesised pipelines as arguments and chained fields on them', () => {
  const funcs = { pair: new GoFunc(['string', 'string'], (a, b) => new GoStruct('p.P', { A: a, B: b })) };
  assert.equal(render('{{(pair "x" "y").B}} {{printf "%s-%s" (pair "1" "2").A (print 3)}}', undefined, funcs), 'y 1-3');
});
