import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf } from './support.js';
import { GoError, GoFunc } from '../../../src/confd/gotemplate/values.js';

test('parse errors carry template name and line', () => {
  const cases: [string, string][] = [
    ['{{foo}}', 'template: t.tmpl:1: function "foo" not defined'],
    ['a\n{{if true}}', 'template: t.tmpl:2: unexpected EOF'],
    ['{{$x}}', 'template: t.tmpl:1: undefined variable "$x"'],
    ['{{range $a, $b, $c := .}}{{end}}', 'template: t.tmpl:1: too many declarations in range'],
    ['{{end}}', 'template: t.tmpl:1: unexpected {{end}}'],
    ['{{else}}', 'template: t.tmpl:1: unexpected {{else}}'],
    ['{{"abc}}', 'template: t.tmpl:1: unterminated quoted string'],
    ['{{if}}{{end}}', 'template: t.tmpl:1: missing value for if'],
    ['{{.a-b}}', "template: t.tmpl:1: bad character U+002D '-'"],
    ['{{break}}', 'template: t.tmpl:1: {{break}} outside {{range}}'],
    ['{{continue}}', 'template: t.tmpl:1: {{continue}} outside {{range}}'],
    ['{{', 'template: t.tmpl:1: unclosed action'],
    ['{{/* x', 'template: t.tmpl:1: unclosed comment'],
    ['{{define "a"}}x{{end}}{{define "a"}}y{{end}}', 'template: t.tmpl:1: template: multiple definition of template "a"'],
    ['{{"a" | "b"}}', 'template: t.tmpl:1: non executable command in pipeline stage 2'],
    ['{{(1}}', 'template: t.tmpl:1: unclosed left paren'],
  ];
  for (const [src, want] of cases) assert.equal(errorOf(src), want, src);
});

test('an empty definition may be replaced by a non-empty one', () => {
  assert.equal(errorOf('{{define "a"}}{{end}}{{define "a"}}y{{end}}'), '');
});

test('execution errors name the template, line, column and node', () => {
  const funcs = {
    getv: new GoFunc(['string'], (k) => {
      throw new GoError(`key does not exist: ${k as string}`);
    }, { variadic: 'string' }),
  };
  assert.equal(
    errorOf('present=x\nabsent={{getv "/app/absent"}}', undefined, funcs),
    'template: t.tmpl:2:9: executing "t.tmpl" at <getv "/app/absent">: error calling getv: key does not exist: /app/absent',
  );
  assert.equal(errorOf('{{nil}}'), 'template: t.tmpl:1:2: executing "t.tmpl" at <nil>: nil is not a command');
  assert.equal(errorOf('{{template "nope"}}'), 'template: t.tmpl:1:11: executing "t.tmpl" at <{{template "nope"}}>: template "nope" not defined');
  assert.equal(errorOf('{{range "abc"}}{{end}}'), 'template: t.tmpl:1:8: executing "t.tmpl" at <"abc">: range can\'t iterate over abc');
  assert.match(errorOf('{{"x".Foo}}'), /unexpected \. after term/);
  assert.match(errorOf('{{$x := "s"}}{{$x.Foo}}'), /can't evaluate field Foo in type string/);
  assert.match(errorOf('{{1 2}}'), /can't give argument to non-function 1/);
});
