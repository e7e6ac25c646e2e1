import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, FlagSet, formatGoDuration, goQuote, type FlagDef, type FlagSetOptions } from '../../../src/go/flags.js';
import { formatGoFloat, parseGoFloat, parseGoInt, parseGoUint } from '../../../src/go/strconv-number.js';

const GO_DEFS: FlagDef[] = [
  { name: 'name', kind: 'string', aliases: ['n'], env: 'T_NAME', usage: 'member name', default: 'default' },
  { name: 'count', kind: 'int', env: 'T_COUNT', usage: 'how many' },
  { name: 'size', kind: 'uint', usage: 'bytes' },
  { name: 'ratio', kind: 'float', usage: 'a ratio', default: 0.5 },
  { name: 'wait', kind: 'duration', usage: 'time to `delay`', default: 1500 },
  { name: 'node', kind: 'list', usage: 'list of backend nodes' },
  { name: 'verbose', kind: 'bool', env: 'T_VERBOSE', usage: 'say more' },
  { name: 'v', kind: 'bool', usage: 'short bool' },
  { name: 'secret', kind: 'string', hidden: true },
];

function errorOf(defs: FlagDef[], argv: string[], options: FlagSetOptions = {}, env: Record<string, string> = {}): FlagError {
  try {
    new FlagSet(defs, options).parse(argv, env);
  } catch (err) {
    assert.ok(err instanceof FlagError, String(err));
    return err;
  }
  assert.fail(`no error for ${argv.join(' ')}`);
}
const messageOf = (defs: FlagDef[], argv: string[], options: FlagSetOptions = {}, env: Record<string, string> = {}): string =>
  errorOf(defs, argv, options, env).message;

test('go style: -name, --name, -name=value, -name value; bools alone or =value; stops at the first non-flag', () => {
  const set = new FlagSet(GO_DEFS);
  const p = set.parse(['-name', 'a', '--count=3', '--verbose', '-v=false', '-wait', '2m', 'key', '--size', '5']);
  assert.equal(p.string('name'), 'a');
  assert.equal(p.number('count'), 3);
  assert.equal(p.bool('verbose'), true);
  assert.equal(p.bool('v'), false);
  assert.equal(p.number('wait'), 120_000);
  assert.equal(p.number('size'), 0);
  assert.deepEqual(p.rest, ['key', '--size', '5']);
  assert.deepEqual([...p.fromCommandLine].sort(), ['count', 'name', 'v', 'verbose', 'wait']);
  assert.equal(p.argsBeforeDash, -1);
  const q = set.parse(['-verbose', 'false', '-n=x=y']);
  assert.equal(q.bool('verbose'), true, 'a bool never takes the next argument');
  assert.deepEqual(q.rest, ['false', '-n=x=y']);
  assert.equal(set.parse(['-n=x=y']).string('name'), 'x=y', 'an alias sets the flag under its own name');
});

test('go style: defaults, "--" is consumed, "-" is an argument, interspersed on request', () => {
  const set = new FlagSet(GO_DEFS);
  const d = set.parse([]);
  assert.equal(d.string('name'), 'default');
  assert.equal(d.number('ratio'), 0.5);
  assert.equal(d.number('wait'), 1500);
  assert.deepEqual(d.list('node'), []);
  assert.equal(d.isSet('name'), false);
  const dash = set.parse(['-v', '--', '-verbose']);
  assert.deepEqual(dash.rest, ['-verbose']);
  assert.equal(dash.argsBeforeDash, 0);
  assert.deepEqual(set.parse(['-', '-v']).rest, ['-', '-v']);
  const mixed = new FlagSet(GO_DEFS, { interspersed: true }).parse(['a', '-v', 'b', '--', '-count']);
  assert.deepEqual(mixed.rest, ['a', 'b', '-count']);
  assert.equal(mixed.argsBeforeDash, 2);
  assert.equal(mixed.bool('v'), true);
});

test("go style errors are worded as Go's flag package words them", () => {
  assert.equal(messageOf(GO_DEFS, ['-foo']), 'flag provided but not defined: -foo');
  assert.equal(messageOf(GO_DEFS, ['--foo=1']), 'flag provided but not defined: -foo');
  assert.equal(messageOf(GO_DEFS, ['-count']), 'flag needs an argument: -count');
  assert.equal(messageOf(GO_DEFS, ['-n']), 'flag needs an argument: -n');
  assert.equal(messageOf(GO_DEFS, ['-count', 'x']), 'invalid value "x" for flag -count: parse error');
  assert.equal(messageOf(GO_DEFS, ['-count', '9223372036854775808']), 'invalid value "9223372036854775808" for flag -count: value out of range');
  assert.equal(messageOf(GO_DEFS, ['-size', '-1']), 'invalid value "-1" for flag -size: parse error');
  assert.equal(messageOf(GO_DEFS, ['-ratio', '1,5']), 'invalid value "1,5" for flag -ratio: parse error');
  assert.equal(messageOf(GO_DEFS, ['-ratio', '1e999']), 'invalid value "1e999" for flag -ratio: value out of range');
  assert.equal(messageOf(GO_DEFS, ['-wait', '5']), 'invalid value "5" for flag -wait: parse error');
  assert.equal(messageOf(GO_DEFS, ['-verbose=maybe']), 'invalid boolean value "maybe" for -verbose: parse error');
  assert.equal(messageOf(GO_DEFS, ['-n="q"', '-count', 'a"b']), 'invalid value "a\\"b" for flag -count: parse error');
  assert.equal(messageOf(GO_DEFS, ['---x']), 'bad flag syntax: ---x');
  assert.equal(messageOf(GO_DEFS, ['-=x']), 'bad flag syntax: -=x');
  for (const argv of [['-h'], ['-help'], ['--help'], ['--h'], ['-v', '-help=1']]) {
    const err = errorOf(GO_DEFS, argv);
    assert.equal(err.isHelp, true, argv.join(' '));
    assert.equal(err.message, 'flag: help requested');
  }
  assert.equal(errorOf(GO_DEFS, ['-foo']).isHelp, false);
  const withHelp = new FlagSet([{ name: 'help', kind: 'bool', aliases: ['h'] }]);
  assert.equal(withHelp.parse(['-h']).bool('help'), true, 'a defined help flag is an ordinary bool');
  assert.equal(withHelp.parse(['--help=false']).bool('help'), false);
});

test('go style numbers: ParseInt/ParseUint base 0, ParseFloat, ParseDuration in ms', () => {
  const set = new FlagSet(GO_DEFS);
  const n = (argv: string[], name: string) => set.parse(argv).number(name);
  assert.equal(n(['-count', '0x1F'], 'count'), 31);
  assert.equal(n(['-count', '010'], 'count'), 8);
  assert.equal(n(['-count', '0o17'], 'count'), 15);
  assert.equal(n(['-count', '0b101'], 'count'), 5);
  assert.equal(n(['-count', '-1_000'], 'count'), -1000);
  assert.equal(n(['-count', '+7'], 'count'), 7);
  assert.equal(n(['-size', '18446744073709551615'], 'size'), 18446744073709551615);
  assert.equal(n(['-ratio', '1e3'], 'ratio'), 1000);
  assert.equal(n(['-ratio', '.25'], 'ratio'), 0.25);
  assert.equal(n(['-ratio', '0x1p-2'], 'ratio'), 0.25);
  assert.equal(n(['-ratio', '-Inf'], 'ratio'), -Infinity);
  assert.equal(n(['-wait', '1h2m3.5s'], 'wait'), 3_723_500);
  assert.equal(n(['-wait', '300ms'], 'wait'), 300);
  assert.equal(n(['-wait', '0'], 'wait'), 0);
  for (const bad of ['08', '1_', '_1', '1__0', '0x', '1.5', '', '- 1']) assert.equal(parseGoInt(bad).ok, false, bad);
  assert.deepEqual(parseGoInt('-9223372036854775808'), { ok: true, value: -9223372036854775808n });
  assert.deepEqual(parseGoInt('-9223372036854775809'), { ok: false, fault: 'range' });
  assert.deepEqual(parseGoUint('+1'), { ok: false, fault: 'syntax' });
  assert.deepEqual(parseGoUint('0x_1f'), { ok: true, value: 31n });
  for (const bad of ['0x1', '1e', 'e5', '.', '1.5.5', 'infinit', '+nan', '1_e5']) assert.equal(parseGoFloat(bad).ok, false, bad);
  assert.deepEqual(parseGoFloat('1_000.5'), { ok: true, value: 1000.5 });
});

test('go style lists: every occurrence adds one item, no splitting', () => {
  const p = new FlagSet(GO_DEFS).parse(['-node', 'http://a:1,http://b:2', '--node=http://c:3']);
  assert.deepEqual(p.list('node'), ['http://a:1,http://b:2', 'http://c:3']);
  const withDefault = new FlagSet([{ name: 'x', kind: 'list', default: ['d'] }]);
  assert.deepEqual(withDefault.parse([]).list('x'), ['d']);
  assert.deepEqual(withDefault.parse(['-x', 'a', '-x', 'b']).list('x'), ['a', 'b'], 'the first occurrence replaces the default');
});

test('environment: used only when the flag is absent; empty values are ignored; bad values fail with the variable named', () => {
  const set = new FlagSet(GO_DEFS);
  const fromEnv = set.parse([], { T_NAME: 'envname', T_COUNT: '0x10', T_VERBOSE: 'true' });
  assert.equal(fromEnv.string('name'), 'envname');
  assert.equal(fromEnv.number('count'), 16);
  assert.equal(fromEnv.bool('verbose'), true);
  assert.deepEqual([...fromEnv.fromEnv].sort(), ['count', 'name', 'verbose']);
  assert.equal(fromEnv.fromCommandLine.size, 0);
  assert.equal(fromEnv.isSet('count'), true);
  const flagWins = set.parse(['-n', 'flag', '-count', 'x1'.slice(1)], { T_NAME: 'envname', T_COUNT: 'bad' });
  assert.equal(flagWins.string('name'), 'flag', 'the flag (by its alias) beats the variable');
  assert.equal(flagWins.number('count'), 1);
  assert.equal(flagWins.fromEnv.size, 0);
  assert.equal(set.parse([], { T_NAME: '' }).isSet('name'), false);
  assert.equal(messageOf(GO_DEFS, [], {}, { T_COUNT: 'many' }), 'invalid value "many" for T_COUNT: invalid value "many" for flag -count: parse error');
  assert.equal(messageOf(GO_DEFS, [], {}, { T_VERBOSE: 'yes' }), 'invalid value "yes" for T_VERBOSE: invalid boolean value "yes" for -verbose: parse error');
  const lenient = new FlagSet(GO_DEFS, { invalidEnv: 'ignore' }).parse([], { T_COUNT: 'many', T_NAME: 'ok' });
  assert.equal(lenient.number('count'), 0);
  assert.equal(lenient.isSet('count'), false);
  assert.equal(lenient.string('name'), 'ok');
  const pflagEnv = messageOf([{ name: 'lines', kind: 'int', shorthand: 'n', env: 'T_LINES' }], [], { style: 'pflag' }, { T_LINES: 'x' });
  assert.equal(pflagEnv, 'invalid value "x" for T_LINES: invalid argument "x" for "-n, --lines" flag: strconv.ParseInt: parsing "x": invalid syntax');
});

test("go style usage is PrintDefaults' layout: sorted, aliases listed, one-letter bools on one line", () => {
  assert.equal(
    new FlagSet(GO_DEFS).usage(),
    [
      '  -count int',
      '    \thow many',
      '  -n string',
      '    \tmember name (default "default")',
      '  -name string',
      '    \tmember name (default "default")',
      '  -node value',
      '    \tlist of backend nodes',
      '  -ratio float',
      '    \ta ratio (default 0.5)',
      '  -size uint',
      '    \tbytes',
      '  -v\tshort bool',
      '  -verbose',
      '    \tsay more',
      '  -wait delay',
      '    \ttime to delay (default 1.5s)',
      '',
    ].join('\n'),
  );
  const shown = new FlagSet([
    { name: 'interval', kind: 'int', default: 600, usage: 'backend polling interval' },
    { name: 'timeout', kind: 'duration', default: 2000, defaultText: '2s', usage: 'per request' },
    { name: 'on', kind: 'bool', default: true, usage: 'line one\nline two' },
  ]).usage();
  assert.equal(shown, '  -interval int\n    \tbackend polling interval (default 600)\n  -on\n    \tline one\n    \tline two (default true)\n  -timeout duration\n    \tper request (default 2s)\n');
});

const FLEETCTL_LIKE: FlagDef[] = [
  { name: 'full', kind: 'bool', usage: 'Do not ellipsize fields on output' },
  { name: 'l', kind: 'bool', usage: 'Shorthand for --full' },
  { name: 'no-legend', kind: 'bool', usage: 'Do not print a legend (column headers)' },
  { name: 'fields', kind: 'string', default: 'unit,hash', usage: 'Columns to print' },
  { name: 'lines', kind: 'int', shorthand: 'n', default: 10, usage: 'Number of recent log lines to return' },
  { name: 'follow', kind: 'bool', shorthand: 'f', usage: 'Continuously print new entries' },
  { name: 'request-timeout', kind: 'float', default: 3, usage: 'Amount of time in seconds' },
  { name: 'block-attempts', kind: 'uint', usage: 'Wait until the units are launched' },
  { name: 'ssh-timeout', kind: 'duration', default: 10_000, usage: 'SSH timeout' },
  { name: 'tag', kind: 'list', default: ['x'], usage: 'tags' },
  { name: 'endpoint', kind: 'string', aliases: ['peers'], default: 'unix:///var/run/fleet.sock', usage: 'API endpoint' },
];
const PFLAG: FlagSetOptions = { style: 'pflag' };

test('pflag style: --name forms, shorthands, combined bools, -n5 / -n 5 / -n=5, interspersed arguments', () => {
  const set = new FlagSet(FLEETCTL_LIKE, PFLAG);
  const p = set.parse(['list-units', '--full', '--fields=unit', 'x', '--lines', '20', '--no-legend']);
  assert.deepEqual(p.rest, ['list-units', 'x']);
  assert.equal(p.bool('full'), true);
  assert.equal(p.string('fields'), 'unit');
  assert.equal(p.number('lines'), 20);
  assert.equal(p.bool('no-legend'), true);
  assert.equal(set.parse(['-n5']).number('lines'), 5);
  assert.equal(set.parse(['-n', '6']).number('lines'), 6);
  assert.equal(set.parse(['-n=7']).number('lines'), 7);
  const combined = set.parse(['-fn', '8', 'journal']);
  assert.equal(combined.bool('follow'), true);
  assert.equal(combined.number('lines'), 8);
  assert.deepEqual(combined.rest, ['journal']);
  assert.equal(set.parse(['-f=false']).bool('follow'), false);
  assert.equal(set.parse(['--l']).bool('l'), true, '--l is a long flag named l');
  assert.equal(set.parse(['--full', 'false']).bool('full'), true, 'a bool never takes the next argument');
  assert.equal(set.parse(['--peers', 'http://e:1']).string('endpoint'), 'http://e:1');
  assert.equal(set.parse(['--request-timeout=0.25']).number('request-timeout'), 0.25);
  assert.equal(set.parse(['--ssh-timeout', '1m30s']).number('ssh-timeout'), 90_000);
  assert.equal(set.parse(['--block-attempts', '0x10']).number('block-attempts'), 16);
  const dash = set.parse(['ssh', 'm1', '--', 'ls', '--full']);
  assert.deepEqual(dash.rest, ['ssh', 'm1', 'ls', '--full']);
  assert.equal(dash.argsBeforeDash, 2);
  assert.equal(dash.bool('full'), false);
  assert.deepEqual(set.parse(['-', '--full']).rest, ['-']);
  const strict = new FlagSet(FLEETCTL_LIKE, { style: 'pflag', interspersed: false }).parse(['--full', 'ssh', 'm1', '--full', '--', 'x']);
  assert.deepEqual(strict.rest, ['ssh', 'm1', '--full', '--', 'x']);
  assert.equal(strict.argsBeforeDash, -1);
});

test('pflag style lists: comma-separated (CSV quoting), repeatable, the first occurrence replaces the default', () => {
  const set = new FlagSet(FLEETCTL_LIKE, PFLAG);
  assert.deepEqual(set.parse([]).list('tag'), ['x']);
  assert.deepEqual(set.parse(['--tag', 'a,"b,c"', '--tag=d']).list('tag'), ['a', 'b,c', 'd']);
  assert.deepEqual(set.parse(['--tag=']).list('tag'), []);
  assert.equal(messageOf(FLEETCTL_LIKE, ['--tag', 'a"b'], PFLAG), 'invalid argument "a\\"b" for "--tag" flag: parse error on line 1, column 2: bare " in non-quoted-field');
});

test("pflag style errors use pflag's texts", () => {
  const m = (argv: string[]) => messageOf(FLEETCTL_LIKE, argv, PFLAG);
  assert.equal(m(['--foo']), 'unknown flag: --foo');
  assert.equal(m(['list-units', '--foo=1']), 'unknown flag: --foo');
  assert.equal(m(['-l']), "unknown shorthand flag: 'l' in -l");
  assert.equal(m(['-full']), "unknown shorthand flag: 'u' in -ull", '-full is f, u, l, l; f is --follow');
  assert.equal(m(['-x']), "unknown shorthand flag: 'x' in -x");
  assert.equal(m(['--lines']), 'flag needs an argument: --lines');
  assert.equal(m(['-n']), "flag needs an argument: 'n' in -n");
  assert.equal(m(['-fn']), "flag needs an argument: 'n' in -n");
  assert.equal(m(['--lines', 'abc']), 'invalid argument "abc" for "-n, --lines" flag: strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(m(['-nabc']), 'invalid argument "abc" for "-n, --lines" flag: strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(m(['--lines=99999999999999999999']), 'invalid argument "99999999999999999999" for "-n, --lines" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range');
  assert.equal(m(['--full=x']), 'invalid argument "x" for "--full" flag: strconv.ParseBool: parsing "x": invalid syntax');
  assert.equal(m(['--block-attempts', '-1']), 'invalid argument "-1" for "--block-attempts" flag: strconv.ParseUint: parsing "-1": invalid syntax');
  assert.equal(m(['--request-timeout', 'soon']), 'invalid argument "soon" for "--request-timeout" flag: strconv.ParseFloat: parsing "soon": invalid syntax');
  assert.equal(m(['--ssh-timeout', '5']), 'invalid argument "5" for "--ssh-timeout" flag: time: missing unit in duration "5"');
  assert.equal(m(['--ssh-timeout', '5y']), 'invalid argument "5y" for "--ssh-timeout" flag: time: unknown unit "y" in duration "5y"');
  assert.equal(m(['--ssh-timeout', 'x']), 'invalid argument "x" for "--ssh-timeout" flag: time: invalid duration "x"');
  assert.equal(m(['---full']), 'bad flag syntax: ---full');
  for (const argv of [['-h'], ['--help'], ['list-units', '--help'], ['-fh']]) {
    const err = errorOf(FLEETCTL_LIKE, argv, PFLAG);
    assert.equal(err.isHelp, true, argv.join(' '));
    assert.equal(err.message, 'pflag: help requested');
  }
  assert.equal(errorOf(FLEETCTL_LIKE, ['-help'], PFLAG).isHelp, true, '-help is -h then elp');
});

test("pflag style usage is FlagUsages' layout", () => {
  assert.equal(
    new FlagSet([...FLEETCTL_LIKE, { name: 'hidden-one', kind: 'string', hidden: true }], PFLAG).usage(),
    [
      '      --block-attempts uint     Wait until the units are launched',
      '      --endpoint string         API endpoint (default "unix:///var/run/fleet.sock")',
      '      --fields string           Columns to print (default "unit,hash")',
      '  -f, --follow                  Continuously print new entries',
      '      --full                    Do not ellipsize fields on output',
      '      --l                       Shorthand for --full',
      '  -n, --lines int               Number of recent log lines to return (default 10)',
      '      --no-legend               Do not print a legend (column headers)',
      '      --request-timeout float   Amount of time in seconds (default 3)',
      '      --ssh-timeout duration    SSH timeout (default 10s)',
      '      --tag strings             tags (default [x])',
      '',
    ].join('\n'),
  );
  assert.equal(new FlagSet([{ name: 'name', kind: 'string', usage: 'usage', default: 'x' }], PFLAG).usage(), '      --name string   usage (default "x")\n');
});

test('defaults are shown as Go prints them', () => {
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoDuration(120_000), '2m0s');
  assert.equal(formatGoDuration(3_600_000), '1h0m0s');
  assert.equal(formatGoDuration(3_723_500), '1h2m3.5s');
  assert.equal(formatGoDuration(0.0015), '1.5µs');
  assert.equal(formatGoDuration(0.000002), '2ns');
  assert.equal(formatGoDuration(-250), '-250ms');
  assert.equal(formatGoFloat(3), '3');
  assert.equal(formatGoFloat(0.5), '0.5');
  assert.equal(formatGoFloat(123456), '123456');
  assert.equal(formatGoFloat(1234567), '1.234567e+06');
  assert.equal(formatGoFloat(0.0001), '0.0001');
  assert.equal(formatGoFloat(0.00001), '1e-05');
  assert.equal(formatGoFloat(-1e21), '-1e+21');
  assert.equal(goQuote('a"b\\c\n\x01é'), '"a\\"b\\\\c\\n\\x01é"');
});

test('a flag name or shorthand defined twice is a programming error', () => {
  assert.throws(() => new FlagSet([{ name: 'a', kind: 'bool' }, { name: 'b', kind: 'bool', aliases: ['a'] }]), /flag redefined: a/);
  assert.throws(() => new FlagSet([{ name: 'a', kind: 'bool', shorthand: 'x' }, { name: 'b', kind: 'bool', shorthand: 'x' }], PFLAG), /shorthand/);
});
