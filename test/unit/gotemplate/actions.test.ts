import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from './support.js';
import { goMap, goSlice, GoStruct, stringSlice, INTERFACE_MAP, INTERFACE_SLICE } from '../../../src/confd/gotemplate/values.js';

const m = (entries: [string, unknown][]) => goMap(INTERFACE_MAP, new Map(entries as [string, never][]));

test('text outside actions is copied verbatim, nothing is HTML-escaped', () => {
  assert.equal(render('a <b> & "c"\n'), 'a <b> & "c"\n');
  assert.equal(render('{{"<&>"}}'), '<&>');
});

test('trim markers remove the whitespace next to the action', () => {
  assert.equal(render('a  \n {{- "x" -}} \n\t b'), 'axb');
  assert.equal(render('[{{-3}}]'), '[-3]', 'a dash without a space is a negative number');
  assert.equal(render('{{ 23 -}} < {{- 45 }}'), '23<45');
  assert.equal(render('a {{- /* c */ -}} b'), 'ab', 'trimming applies to comments');
  assert.equal(render('x{{/* a comment\nover lines */}}y'), 'xy');
});

test('if, else if, else', () => {
  const t = '{{if eq . "a"}}A{{else if eq . "b"}}B{{else}}C{{end}}';
  assert.equal(render(t, 'a'), 'A');
  assert.equal(render(t, 'b'), 'B');
  assert.equal(render(t, 'z'), 'C');
  assert.equal(render('{{if ""}}y{{else}}n{{end}}{{if "0"}}y{{end}}{{if 0}}y{{else}}n{{end}}'), 'nyn');
  assert.equal(render('{{if .}}y{{else}}n{{end}}', stringSlice([])), 'n');
  assert.equal(render('{{if .}}y{{else}}n{{end}}', m([])), 'n');
  assert.equal(render('{{if .}}y{{end}}', new GoStruct('memkv.KVPair', { Key: '', Value: '' })), 'y');
});

test('range over slices, maps in sorted key order, else, and two variables', () => {
  assert.equal(render('{{range .}}[{{.}}]{{end}}', stringSlice(['b', 'a'])), '[b][a]');
  assert.equal(render('{{range $i, $v := .}}{{$i}}={{$v}} {{end}}', stringSlice(['x', 'y'])), '0=x 1=y ');
  const data = m([['z', 1n], ['a', 2n], ['B', 3n]]);
  assert.equal(render('{{range $k, $v := .}}{{$k}}:{{$v}} {{end}}', data), 'B:3 a:2 z:1 ');
  assert.equal(render('{{range $v := .}}{{$v}}{{end}}', data), '321');
  assert.equal(render('{{range .}}x{{else}}empty{{end}}', stringSlice([])), 'empty');
  assert.equal(render('{{range .}}x{{else}}nil{{end}}'), 'nil');
});

test('range: break and continue', () => {
  const nums = goSlice('[]int', [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
  assert.equal(
    render('{{range .}}{{if eq (printf "%d" .) "2" "4"}}{{continue}}{{end}}{{if gt . 7}}{{break}}{{end}}{{.}} {{end}}', nums),
    '1 3 5 6 7 ',
  );
});

test('with binds dot; else sees the outer dot', () => {
  assert.equal(render('{{with "v"}}[{{.}}]{{else}}none{{end}}'), '[v]');
  assert.equal(render('{{with ""}}[{{.}}]{{else}}none {{.}}{{end}}', 'outer'), 'none outer');
  assert.equal(render('{{with $x := "v"}}{{$x}}{{.}}{{end}}'), 'vv');
});

test('variables: declaration, assignment, scope and shadowing', () => {
  assert.equal(render('{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}'), '12');
  assert.equal(render('{{$x := "outer"}}{{if true}}{{$x := "inner"}}{{$x}} {{end}}{{$x}}'), 'inner outer');
  assert.equal(render('{{$n := 0}}{{range .}}{{$n = .}}{{end}}{{$n}}', stringSlice(['a', 'b'])), 'b');
  assert.equal(render('{{$}}'), '<no value>');
  assert.equal(render('{{$.a}}', m([['a', 'A']])), 'A');
});

test('define, template, block', () => {
  assert.equal(render('{{template "x" "arg"}}{{define "x"}}<{{.}}>{{end}}'), '<arg>');
  assert.equal(render('{{define "x"}}<{{.}}>{{end}}{{template "x"}}'), '<<no value>>');
  assert.equal(render('{{block "b" 4}}B{{.}}{{end}}'), 'B4');
  assert.equal(render('{{define "r"}}{{if .}}{{len .}}{{template "r" slice . 1}}{{end}}{{end}}{{template "r" .}}', stringSlice(['a', 'b', 'c'])), '321');
});

test('fields on maps and structs, chained fields and parenthesised pipelines', () => {
  const data = m([['a', m([['b', 'deep']])], ['list', goSlice(INTERFACE_SLICE, [m([['n', 'first']]), m([['n', 'second']])])]]);
  assert.equal(render('{{.a.b}} {{.missing}} {{.a.missing}}', data), 'deep <no value> <no value>');
  assert.equal(render('{{(index .list 1).n}}', data), 'second');
  const kv = new GoStruct('memkv.KVPair', { Key: '/k', Value: 'v' });
  assert.equal(render('{{.Key}}={{.Value}} {{.}}', kv), '/k=v {/k v}');
});

test('pipelines pass the result as the last argument', () => {
  assert.equal(render('{{"a" | printf "%s-%s" "b"}}'), 'b-a');
  assert.equal(render('{{3 | printf "%d" | len}}'), '1');
});

test('literals: numbers, characters, raw strings, escapes', () => {
  assert.equal(render('{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{1e3}} {{.5}} {{\'a\'}}'), '31 15 15 5 1000 1000 0.5 97');
  assert.equal(render('{{`raw\\n`}}|{{"esc\\t\\x41\\u00e9"}}'), 'raw\\n|esc\tAé');
  assert.equal(render('{{true}} {{false}}'), 'true false');
});

test('missing values print <no value> in actions and <nil> inside fmt', () => {
  const data = m([['n', null], ['list', goSlice(INTERFACE_SLICE, [1, 'two', true, null])]]);
  assert.equal(render('{{.n}} {{print .n}} {{.list}}', data), '<no value> <nil> [1 two true <nil>]');
  assert.equal(render('{{range .list}}{{.}},{{end}}', data), '1,two,true,<no value>,');
});
