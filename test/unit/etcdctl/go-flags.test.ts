import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError as FlagParseError, FlagSet, type FlagDef, type ParsedFlags } from '../../../src/go/flags.js';
import { parseGoInt as parseGoIntResult } from '../../../src/go/strconv-number.js';
import { parseGoDuration } from '../../../src/go/time.js';
import { reorderCommandArgs } from '../../../src/etcdctl/go-flags.js';

const specs: FlagDef[] = [
  { name: 'ttl', kind: 'int', usage: '' },
  { name: 'recursive', aliases: ['r'], kind: 'bool', usage: '' },
  { name: 'with-value', kind: 'string', usage: '' },
  { name: 'timeout', kind: 'duration', usage: '', default: 2000 },
];

/** etcdctl parses a command's flags with Go's flag rules. */
function parseFlags(defs: FlagDef[], args: string[]): { flags: ParsedFlags; rest: string[] } {
  const flags = new FlagSet(defs).parse(args);
  return { flags, rest: flags.rest };
}

function parseGoInt(text: string): number | null {
  const r = parseGoIntResult(text);
  return r.ok ? Number(r.value) : null;
}

test('Go flag syntax: one or two dashes, =value or a separate value, bool flags alone', () => {
  const { flags, rest } = parseFlags(specs, ['--ttl', '5', '-r', '-with-value=a=b', '--timeout=1.5s', 'key', '-x']);
  assert.equal(flags.number('ttl'), 5);
  assert.equal(flags.bool('recursive'), true);
  assert.equal(flags.string('with-value'), 'a=b');
  assert.equal(flags.number('timeout'), 1500);
  assert.deepEqual(rest, ['key', '-x']);
});

test('defaults apply, "--" ends the flags and is consumed, "-" is an argument', () => {
  const a = parseFlags(specs, ['--', '-r']);
  assert.equal(a.flags.bool('recursive'), false);
  assert.equal(a.flags.number('timeout'), 2000);
  assert.deepEqual(a.rest, ['-r']);
  assert.deepEqual(parseFlags(specs, ['-', 'x']).rest, ['-', 'x']);
});

test('errors are worded like Go flag errors', () => {
  const message = (args: string[]): string => {
    try {
      parseFlags(specs, args);
    } catch (err) {
      assert.ok(err instanceof FlagParseError);
      return err.message;
    }
    return 'no error';
  };
  assert.equal(message(['--bogus']), 'flag provided but not defined: -bogus');
  assert.equal(message(['--ttl', 'abc']), 'invalid value "abc" for flag -ttl: parse error');
  assert.equal(message(['--ttl']), 'flag needs an argument: -ttl');
  assert.equal(message(['-r=maybe']), 'invalid boolean value "maybe" for -r: parse error');
  assert.equal(message(['---x']), 'bad flag syntax: ---x');
  assert.equal(message(['--timeout', '1']), 'invalid value "1" for flag -timeout: parse error');
  assert.throws(() => parseFlags(specs, ['-h']), (e: unknown) => e instanceof FlagParseError && e.isHelp);
});

test('integers follow strconv.ParseInt with base 0', () => {
  assert.equal(parseGoInt('42'), 42);
  assert.equal(parseGoInt('-5'), -5);
  assert.equal(parseGoInt('0x10'), 16);
  assert.equal(parseGoInt('010'), 8);
  assert.equal(parseGoInt('0b11'), 3);
  assert.equal(parseGoInt('0'), 0);
  assert.equal(parseGoInt('1.5'), null);
  assert.equal(parseGoInt(''), null);
  assert.equal(parseGoInt('08'), null);
});

test('durations follow time.ParseDuration, in milliseconds', () => {
  assert.equal(parseGoDuration('2s'), 2000);
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-1s'), -1000);
  assert.equal(parseGoDuration('1'), null);
  assert.equal(parseGoDuration('s'), null);
  assert.equal(parseGoDuration('1x'), null);
});

test("a command's own flags may follow its arguments; '--' moves in front of them", () => {
  assert.deepEqual(reorderCommandArgs(specs, ['/k', 'v', '--ttl', '5']), ['--ttl', '5', '/k', 'v']);
  assert.deepEqual(reorderCommandArgs(specs, ['/k', '-o', 'json']), ['/k', '-o', 'json']);
  assert.deepEqual(reorderCommandArgs(specs, ['/k', '--', '-5']), ['--', '/k', '-5']);
  assert.deepEqual(reorderCommandArgs(specs, ['--', '/k', '-5']), ['--', '/k', '-5']);
  assert.deepEqual(reorderCommandArgs(specs, ['-r', '/dir']), ['-r', '/dir']);
  const parsed = parseFlags(specs, reorderCommandArgs(specs, ['/k', '--', '-5']));
  assert.deepEqual(parsed.rest, ['/k', '-5']);
});
