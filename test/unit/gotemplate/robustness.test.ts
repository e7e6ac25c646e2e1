import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Template } from '../../../src/confd/gotemplate/template.js';
import { TemplateExecError, TemplateParseError } from '../../../src/confd/gotemplate/errors.js';
import { goMap, goSlice, stringSlice, INTERFACE_MAP, INTERFACE_SLICE } from '../../../src/confd/gotemplate/values.js';

const PIECES = [
  '{{', '}}', '{{-', '-}}', ' ', '\n', 'x', '.', '.a', '.b.c', '$', '$x', ':=', '=', '|', '(', ')', '"s"', '`r`', "'c'",
  '1', '-2', '1.5', '0x1F', 'nil', 'true', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break',
  'continue', 'and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'eq', 'lt', 'html', 'js',
  'urlquery', 'call', '/*', '*/', ',', '"%d %s %v"',
];

const data = goMap(
  INTERFACE_MAP,
  new Map<string, never>([
    ['a', 'A' as never],
    ['b', goMap(INTERFACE_MAP, new Map([['c', goSlice(INTERFACE_SLICE, [1, 'two', null])]])) as never],
    ['list', stringSlice(['p', 'q']) as never],
  ]),
);

test('any input either renders or fails with a template error, never a crash', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      try {
        new Template('fuzz').parse(text).execute(data);
      } catch (e) {
        assert.ok(e instanceof TemplateParseError || e instanceof TemplateExecError, `${text}\n→ ${(e as Error).stack}`);
      }
    }),
    { seed: 1234, numRuns: 5000 },
  );
});
