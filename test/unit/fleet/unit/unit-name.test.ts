import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  goPathBase,
  hasRecognizedUnitSuffix,
  mangleUnitName,
  unitNameInfo,
  unitNameParts,
  validateUnitName,
} from '../../../../src/fleet/unit/unit-name.js';

test('valid names', () => {
  for (const name of [
    'hello.service',
    'web@.service',
    'web@1.service',
    'web@a:b_c-d.e\\x2d.service',
    'a.b.c.socket',
    'x.device',
    'x.busname',
    'x.snapshot',
    'x.swap',
    'x.scope',
    'x.slice',
    'x.automount',
    'web@.timer',
    'web@x.path',
    'web@x.target',
    '.service',
    'A9.mount',
  ]) {
    assert.equal(validateUnitName(name), null, name);
  }
});

test('every validation message, in fleet\'s order', () => {
  assert.equal(validateUnitName(''), 'unit name cannot be empty');
  assert.equal(validateUnitName('a'.repeat(248) + '.service'), null, '256 bytes are allowed');
  assert.equal(validateUnitName('a'.repeat(249) + '.service'), 'unit name exceeds maximum length (256)');
  assert.equal(validateUnitName('é'.repeat(125) + '.service'), 'unit name exceeds maximum length (256)', 'bytes, not characters');
  assert.equal(validateUnitName('hello'), 'unit name must contain "."');
  assert.equal(validateUnitName('hello.'), 'unit name cannot end in "."');
  assert.equal(validateUnitName('hello.foo'), 'invalid unit type: "foo"');
  assert.equal(validateUnitName('hello.Service'), 'invalid unit type: "Service"');
  assert.equal(validateUnitName('hello.se"r\\v'), 'invalid unit type: "se\\"r\\\\v"');
  assert.equal(validateUnitName('hello.a\tb'), 'invalid unit type: "a\\tb"');
  assert.equal(validateUnitName('web@.device'), 'invalid unit type for template: "device"');
  assert.equal(validateUnitName('web@1.mount'), 'invalid unit type for template: "mount"');
  assert.equal(validateUnitName('hello world.service'), "invalid character ' ' in unit name");
  assert.equal(validateUnitName('a+b.service'), "invalid character '+' in unit name");
  assert.equal(validateUnitName("it's.service"), "invalid character '\\'' in unit name");
  assert.equal(validateUnitName('a/b.service'), "invalid character '/' in unit name");
  assert.equal(validateUnitName('tab\there.service'), "invalid character '\\t' in unit name");
  assert.equal(validateUnitName('café.service'), "invalid character 'é' in unit name");
  assert.equal(validateUnitName('a\u0001.service'), "invalid character '\\x01' in unit name");
  assert.equal(validateUnitName('@foo.service'), 'unit name cannot start in "@"');
  assert.equal(validateUnitName('@.service'), 'unit name cannot start in "@"');
  // Order: the type is checked before the characters, the characters before the leading "@".
  assert.equal(validateUnitName('a b.foo'), 'invalid unit type: "foo"');
  assert.equal(validateUnitName('@a b.service'), "invalid character ' ' in unit name");
  assert.equal(validateUnitName('a b@.device'), 'invalid unit type for template: "device"');
});

test('name parts of plain units, templates and instances', () => {
  assert.deepEqual(unitNameParts('foo@bar.service'), {
    full: 'foo@bar.service',
    withoutSuffix: 'foo@bar',
    prefix: 'foo',
    instance: 'bar',
    suffix: 'service',
    template: 'foo@.service',
    isTemplate: false,
    isInstance: true,
  });
  assert.deepEqual(unitNameParts('foo@.service'), {
    full: 'foo@.service',
    withoutSuffix: 'foo@',
    prefix: 'foo',
    instance: '',
    suffix: 'service',
    template: 'foo@.service',
    isTemplate: true,
    isInstance: false,
  });
  assert.deepEqual(unitNameParts('hello.service'), {
    full: 'hello.service',
    withoutSuffix: 'hello',
    prefix: 'hello',
    instance: '',
    suffix: 'service',
    template: '',
    isTemplate: false,
    isInstance: false,
  });
  // First "@", last ".".
  const p = unitNameParts('a@b@c.d.socket');
  assert.equal(p.prefix, 'a');
  assert.equal(p.instance, 'b@c.d');
  assert.equal(p.template, 'a@.socket');
  assert.equal(p.withoutSuffix, 'a@b@c.d');
  // No "." at all: fleet has no name info, the parts are all stem.
  assert.equal(unitNameInfo('noext'), null);
  assert.equal(unitNameParts('noext').prefix, 'noext');
  assert.equal(unitNameParts('noext').suffix, '');
});

test('fleetctl mangling: basename, then .service unless one of the seven suffixes', () => {
  assert.equal(mangleUnitName('hello'), 'hello.service');
  assert.equal(mangleUnitName('hello.service'), 'hello.service');
  assert.equal(mangleUnitName('units/dir/hello.socket'), 'hello.socket');
  assert.equal(mangleUnitName('/abs/path/web@1'), 'web@1.service');
  assert.equal(mangleUnitName('./noext'), 'noext.service');
  for (const s of ['service', 'socket', 'timer', 'path', 'device', 'mount', 'automount']) {
    assert.equal(mangleUnitName(`x.${s}`), `x.${s}`);
  }
  assert.equal(mangleUnitName('x.target'), 'x.target.service');
  assert.equal(mangleUnitName('x.slice'), 'x.slice.service');
  assert.equal(mangleUnitName('dir/'), 'dir.service');
  assert.equal(hasRecognizedUnitSuffix('a.mount'), true);
  assert.equal(hasRecognizedUnitSuffix('a.swap'), false);
  assert.equal(goPathBase(''), '.');
  assert.equal(goPathBase('///'), '/');
  assert.equal(goPathBase('a/b//'), 'b');
});
