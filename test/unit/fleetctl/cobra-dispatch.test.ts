import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCommand, levenshtein, stripFlags, suggestionsFor } from '../../../src/fleetctl/cobra-dispatch.js';
import { GLOBAL_FLAGS } from '../../../src/fleetctl/command-table.js';
import { compareSemver, parseSemver, semverString } from '../../../src/fleetctl/semver.js';

test('stripFlags: a non-boolean --flag takes the next word', () => {
  assert.deepEqual(stripFlags(['--endpoint', 'http://x:1', 'list-units', '--full'], GLOBAL_FLAGS), ['list-units']);
  assert.deepEqual(stripFlags(['--debug', 'list-units'], GLOBAL_FLAGS), ['list-units']);
  assert.deepEqual(stripFlags(['--endpoint=http://x:1', 'cat', 'a'], GLOBAL_FLAGS), ['cat', 'a']);
  assert.deepEqual(stripFlags(['-l', 'list-machines'], GLOBAL_FLAGS), []);
});

test('findCommand: exact names, unique prefixes, and the word taken out of argv', () => {
  const r = findCommand(['--debug', 'list-m', '--full'], GLOBAL_FLAGS);
  assert.equal(r.kind, 'command');
  if (r.kind === 'command') {
    assert.equal(r.command.name, 'list-machines');
    assert.deepEqual(r.args, ['--debug', '--full']);
  }
  assert.deepEqual(findCommand(['--debug'], GLOBAL_FLAGS), { kind: 'root', args: ['--debug'] });
  assert.deepEqual(findCommand(['list-u'], GLOBAL_FLAGS), {
    kind: 'unknown',
    message: 'unknown command "list-u" for "fleetctl"\n\nDid you mean this?\n\tlist-unit-files\n\tlist-units\n',
  });
  assert.deepEqual(findCommand(['bogus-cmd'], GLOBAL_FLAGS), { kind: 'unknown', message: 'unknown command "bogus-cmd" for "fleetctl"' });
});

test('suggestions: distance up to 2 or a prefix, never help', () => {
  assert.equal(levenshtein('lst-units', 'list-units'), 1);
  assert.deepEqual(suggestionsFor('lst-units'), ['list-units']);
  assert.deepEqual(suggestionsFor('stat'), ['cat', 'start', 'status', 'stop']);
  assert.deepEqual(suggestionsFor('hlp'), []);
});

test('semver as go-semver reads it: no leading v', () => {
  assert.equal(parseSemver('v1.0.0'), null);
  assert.equal(parseSemver('1.0'), null);
  const a = parseSemver('1.0.0')!;
  const b = parseSemver('1.2.3')!;
  assert.ok(compareSemver(a, b) < 0);
  assert.ok(compareSemver(parseSemver('1.0.0-rc.1')!, a) < 0);
  assert.equal(semverString(parseSemver('1.2.3-alpha+git')!), '1.2.3-alpha+git');
});
