import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnitFile, serializeUnit, unitHash } from '../../../../src/fleet/unit/unit-file.js';
import {
  expandSpecifiers,
  isGlobalUnit,
  isTruthy,
  machineIdAllows,
  machineIdMatches,
  metadataMatches,
  splitMultiValue,
  unitReplaces,
  unitRequirements,
  unitsConflict,
  unrecognizedRequirementWarning,
  validateRequirements,
} from '../../../../src/fleet/unit/requirements.js';
import { unitNameParts } from '../../../../src/fleet/unit/unit-name.js';

const fleet = (body: string): ReturnType<typeof parseUnitFile> => parseUnitFile(`[Unit]\nDescription=x\n\n[X-Fleet]\n${body}\n`);
const req = (name: string, body: string): ReturnType<typeof unitRequirements> => unitRequirements(name, fleet(body));

test('multi-value splitting: only values wrapped in quotes, split on spaces outside quotes', () => {
  assert.deepEqual(splitMultiValue('"a=1" "b=2"'), ['a=1', 'b=2']);
  assert.deepEqual(splitMultiValue('"a b" "c"'), ['a b', 'c']);
  assert.deepEqual(splitMultiValue('"a"  "b"'), ['a', '', 'b']);
  assert.deepEqual(splitMultiValue('"a=1" b=2'), ['"a=1" b=2']);
  assert.deepEqual(splitMultiValue('"a=1" "b=2 c"'), ['a=1', 'b=2 c']);
  assert.deepEqual(splitMultiValue('a=1 "b=2"'), ['a=1 "b=2"']);
  assert.deepEqual(splitMultiValue('"x"'), ['x']);
  assert.deepEqual(splitMultiValue('"'), ['']);
  assert.deepEqual(splitMultiValue(''), ['']);
});

test('MachineMetadata: two quoted values, grouped by key; values without exactly two non-empty parts dropped', () => {
  assert.deepEqual(req('a.service', 'MachineMetadata="a=1" "b=2"').metadata, new Map([['a', ['1']], ['b', ['2']]]));
  const r = req('a.service', 'MachineMetadata=region=us\nMachineMetadata="region=eu" "disk=ssd"\nMachineMetadata=a=1=2\nMachineMetadata==x\nMachineMetadata=y=\nMachineMetadata=plain\nX-ConditionMachineMetadata=role=web\nMachineMetadata=region=us');
  assert.deepEqual(r.metadata, new Map([['role', ['web']], ['region', ['us', 'eu']], ['disk', ['ssd']]]));
});

test('metadataMatches: AND across keys, OR within a key', () => {
  const required = new Map([['region', ['us', 'eu']], ['disk', ['ssd']]]);
  assert.equal(metadataMatches(required, { region: 'eu', disk: 'ssd', extra: 'x' }), true);
  assert.equal(metadataMatches(required, { region: 'us', disk: 'ssd' }), true);
  assert.equal(metadataMatches(required, { region: 'asia', disk: 'ssd' }), false);
  assert.equal(metadataMatches(required, { region: 'us' }), false);
  assert.equal(metadataMatches(new Map(), {}), true);
  assert.equal(metadataMatches(new Map([['toString', ['x']]]), {}), false);
});

test('Conflicts: split on white space, deprecated X-Conflicts first', () => {
  assert.deepEqual(req('a.service', 'Conflicts=a* b*').conflicts, ['a*', 'b*']);
  assert.deepEqual(req('a.service', 'Conflicts="x.service y.service" z*\nX-Conflicts=old*\nConflicts=\tq*  r* ').conflicts, [
    'old*',
    '"x.service',
    'y.service"',
    'z*',
    'q*',
    'r*',
  ]);
  assert.deepEqual(req('a.service', 'Conflicts="x.service y.service" "z*"').conflicts, ['x.service', 'y.service', 'z*']);
  assert.deepEqual(req('a.service', 'Conflicts=').conflicts, []);
});

test('Global: truthy true yes 1 on t in any case, last value wins', () => {
  for (const v of ['true', 'TRUE', 'Yes', 'yes', '1', 'on', 'ON', 't', 'T']) assert.equal(req('g.service', `Global=${v}`).global, true, v);
  for (const v of ['false', 'no', '0', 'off', 'y', 'tru', '', 'true ; x', '"true" "false"']) {
    assert.equal(req('g.service', `Global=${v}`).global, false, v);
  }
  assert.equal(req('g.service', 'Global=true\nGlobal=false').global, false);
  assert.equal(req('g.service', 'Global=false\nGlobal=yes').global, true);
  assert.equal(req('g.service', 'Global="false" "true"').global, true);
  assert.equal(isTruthy('On'), true);
  assert.equal(isGlobalUnit('g.service', fleet('Global=Yes')), true);
  assert.equal(isGlobalUnit('g.service', fleet('Conflicts=x')), false);
});

test('specifiers %n %N %p %i, in that order, only in [X-Fleet] evaluation', () => {
  const r = req('web@1.service', 'MachineOf=%p.socket\nMachineOf=%i-%N-%n\nReplaces="old@%i.service" "%%p"');
  assert.deepEqual(r.machineOf, ['web.socket', '1-web@1-web@1.service']);
  assert.deepEqual(r.replaces, ['old@1.service', '%web']);
  assert.deepEqual(req('plain.service', 'MachineOf=%p.socket\nConflicts=%i*').machineOf, ['plain.socket']);
  assert.deepEqual(req('plain.service', 'Conflicts=x%iy').conflicts, ['xy']);
  assert.deepEqual(req('web@.service', 'MachineOf=%p-%i.socket').machineOf, ['web-.socket']);
  // A name without "." gets no expansion at all.
  assert.deepEqual(req('noext', 'MachineOf=%p.socket').machineOf, ['%p.socket']);
  // Plain replacement in sequence: a later specifier applies to text an earlier one inserted.
  assert.equal(expandSpecifiers('%n', unitNameParts('a%i@b.service')), 'a%i@b.service'.replace('%i', 'b'));
});

test('MachineID: first value; modern key wins over X-ConditionMachineID, then X-ConditionMachineBootID', () => {
  assert.equal(req('a.service', 'MachineID="123" "456"').machineId, '123');
  assert.equal(req('a.service', 'X-ConditionMachineBootID=boot\nX-ConditionMachineID=old\nMachineID=new').machineId, 'new');
  assert.equal(req('a.service', 'X-ConditionMachineBootID=boot\nX-ConditionMachineID=old').machineId, 'old');
  assert.equal(req('a.service', 'X-ConditionMachineBootID=boot').machineId, 'boot');
  const none = req('a.service', 'Global=false');
  assert.equal(none.machineId, '');
  assert.equal(none.hasMachineId, false);
  assert.deepEqual(req('a.service', 'X-ConditionMachineOf=b.service\nMachineOf="c.service" "d.service"').machineOf, ['b.service', 'c.service', 'd.service']);
});

test('machine ID matching: full ID or its first 8 characters; an empty MachineID= matches nothing', () => {
  const id = '2c5a1b7e9f0d4c3b8a6e5d4c3b2a1f0e';
  assert.equal(machineIdMatches(id, id), true);
  assert.equal(machineIdMatches('2c5a1b7e', id), true);
  assert.equal(machineIdMatches('2c5a1b7', id), false);
  assert.equal(machineIdMatches('2c5a1b7e9', id), false);
  assert.equal(machineIdMatches('abc', 'abc'), true);
  assert.equal(machineIdAllows(req('a.service', 'Global=false'), id), true);
  assert.equal(machineIdAllows(req('a.service', 'MachineID=2c5a1b7e'), id), true);
  assert.equal(machineIdAllows(req('a.service', 'MachineID=ffffffff'), id), false);
  const empty = req('a.service', 'MachineID=');
  assert.equal(empty.hasMachineId, true);
  assert.equal(machineIdAllows(empty, id), false);
});

test('unknown keys, in file order, and the fleetctl warning for the first', () => {
  const options = fleet('BogusOption=1\nGlobal=true\nWeight=5\nBogusOption=2\nmachineid=x');
  assert.deepEqual(unitRequirements('warn.service', options).unknown, ['BogusOption', 'Weight', 'machineid']);
  assert.equal(
    unrecognizedRequirementWarning('warn.service', options),
    'Unit warn.service: unrecognized requirement in [X-Fleet] section: "BogusOption"',
  );
  assert.equal(unrecognizedRequirementWarning('ok.service', fleet('MachineOf=a.service\nX-ConditionMachineMetadata=a=b')), null);
  assert.equal(unrecognizedRequirementWarning('q.service', fleet('Say"Hi"=1')), 'Unit q.service: unrecognized requirement in [X-Fleet] section: "Say\\"Hi\\""');
});

test('unitsConflict: either direction, globs, never with itself', () => {
  const a = req('a.service', 'Conflicts=b*');
  const b = req('b.service', 'Global=false');
  const c = req('c.service', 'Conflicts="a.service" "z.service"');
  assert.equal(unitsConflict('a.service', a, 'b.service', b), true);
  assert.equal(unitsConflict('b.service', b, 'a.service', a), true);
  assert.equal(unitsConflict('c.service', c, 'a.service', a), true);
  assert.equal(unitsConflict('b.service', b, 'c.service', c), false);
  const self = req('web@1.service', 'Conflicts=web@*.service');
  assert.equal(unitsConflict('web@1.service', self, 'web@1.service', self), false);
  assert.equal(unitsConflict('web@1.service', self, 'web@2.service', req('web@2.service', 'Conflicts=web@*.service')), true);
  assert.equal(unitsConflict('x.service', req('x.service', 'Conflicts=['), 'y.service', b), false, 'a bad pattern matches nothing');
  assert.equal(unitReplaces('new.service', req('new.service', 'Replaces=old*'), 'old.service'), true);
  assert.equal(unitReplaces('old.service', req('old.service', 'Global=false'), 'new.service'), false);
});

test('validateRequirements: every message, in fleet\'s order', () => {
  const v = (body: string): string | null => validateRequirements('u.service', fleet(body));
  assert.equal(v('MachineOf=a.service\nConflicts=a.*'), 'unresolvable requirements: peer "a.service" matches conflict "a.*"');
  assert.equal(v('MachineOf=a.service\nReplaces=a.*'), 'unresolvable requirements: peer "a.service" matches replace "a.*"');
  assert.equal(v('MachineID=abc\nMachineOf=a.service'), 'MachineID cannot be used with Peers');
  assert.equal(v('MachineID=abc\nConflicts=a.service'), 'MachineID cannot be used with Conflicts');
  assert.equal(v('MachineID=abc\nGlobal=true'), 'MachineID cannot be used with Global');
  assert.equal(v('MachineID=abc\nReplaces=a.service'), 'MachineID cannot be used with Replaces');
  assert.equal(v('Global=true\nMachineOf=a.service'), 'Global cannot be used with Peers');
  assert.equal(v('Global=true\nReplaces=a.service'), 'Global cannot be used with Replaces');
  assert.equal(v('Conflicts=a.service\nReplaces=b.service'), 'Conflicts cannot be used with Replaces');
  // Allowed combinations.
  assert.equal(v('Global=true\nMachineMetadata=role=web\nConflicts=x*'), null);
  assert.equal(v('MachineID=abc\nMachineMetadata=role=web'), null);
  assert.equal(v('Global=false\nMachineID=abc'), null);
  assert.equal(v('MachineOf=a.service\nConflicts=b.*'), null);
  assert.equal(validateRequirements('u.service', parseUnitFile('[Service]\nExecStart=/bin/true\n')), null);
  assert.equal(validateRequirements('u.service', []), null);
  // Order: the unresolvable check comes before the combinations, Peers before Conflicts.
  assert.equal(v('MachineID=abc\nMachineOf=a.service\nConflicts=a.*'), 'unresolvable requirements: peer "a.service" matches conflict "a.*"');
  assert.equal(v('MachineID=abc\nConflicts=x\nMachineOf=a.service\nGlobal=1'), 'MachineID cannot be used with Peers');
  assert.equal(v('Global=1\nMachineOf=a\nReplaces=b\nConflicts=c'), 'Global cannot be used with Peers');
  // Deprecated aliases count.
  assert.equal(v('X-ConditionMachineBootID=abc\nX-ConditionMachineOf=a.service'), 'MachineID cannot be used with Peers');
  assert.equal(v('X-ConditionMachineOf=a.service\nX-Conflicts=a*'), 'unresolvable requirements: peer "a.service" matches conflict "a*"');
});

test('validateRequirements: the round trip through the canonical text is checked first', () => {
  const options = [
    { section: 'Service', name: 'ExecStart', value: 'x'.repeat(3000) },
    { section: 'X-Fleet', name: 'MachineID', value: 'abc' },
    { section: 'X-Fleet', name: 'Global', value: 'true' },
  ];
  assert.equal(validateRequirements('u.service', options), 'line too long (max 2048 bytes)');
});

test('validateRequirements expands no specifiers (fleet validates with an unnamed job)', () => {
  // Expanded for a.service the peer would be "a.service", which the conflict matches; unexpanded it is "%n".
  assert.equal(validateRequirements('a.service', fleet('MachineOf=%n\nConflicts=a.*')), null);
  assert.equal(validateRequirements('a.service', fleet('MachineOf=%p.socket\nConflicts=%p.*')), 'unresolvable requirements: peer "%p.socket" matches conflict "%p.*"');
});

test('instances keep the template\'s options verbatim: same text, same hash, expansion per name', () => {
  const template = parseUnitFile('[Unit]\nDescription=web %i\n\n[Service]\nExecStart=/bin/web --port %i\n\n[X-Fleet]\nMachineOf=%p-db@%i.service\nConflicts=%p@*.service\n');
  const instance = template.map((o) => ({ ...o }));
  assert.equal(serializeUnit(instance), serializeUnit(template));
  assert.equal(unitHash(instance), unitHash(template));
  assert.ok(serializeUnit(instance).includes('ExecStart=/bin/web --port %i\n'));
  assert.deepEqual(unitRequirements('web@8080.service', instance).machineOf, ['web-db@8080.service']);
  assert.deepEqual(unitRequirements('web@8080.service', instance).conflicts, ['web@*.service']);
  assert.deepEqual(unitRequirements('web@.service', template).machineOf, ['web-db@.service']);
  const i1 = unitRequirements('web@1.service', instance);
  const i2 = unitRequirements('web@2.service', instance);
  assert.equal(unitsConflict('web@1.service', i1, 'web@2.service', i2), true);
});
