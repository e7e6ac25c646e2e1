/**
 * fleetctl's output for scripted scenarios against an in-memory fleet, compared byte for byte with
 * the golden transcripts in test/fleetctl/golden/ (written from the facts of fleet-observed.md).
 */
process.env.TZ = 'UTC';

import { test, before, after } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FakeFleet } from './fake-fleet.js';
import { Transcript } from './transcript.js';

const HELLO = '[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/bash -c "while true; do echo \\"Hello, world\\"; sleep 1; done"\n';
const M1 = '2c5a1b7e9f0d4e3c8b7a6f5e4d3c2b1a';
const M2 = '5d8a9c3e1f2b4a6c8e0d2f4a6c8e0d2f';

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleetctl-golden-'));
  writeFileSync(path.join(dir, 'hello.service'), HELLO);
  writeFileSync(path.join(dir, 'monitor.service'), '[Unit]\nDescription=Monitor\n\n[X-Fleet]\nGlobal=true\n');
  writeFileSync(path.join(dir, 'bad.service'), '[Unit\nDescription=broken\n');
  writeFileSync(path.join(dir, 'warn.service'), '[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nBogusOption=1\n');
  writeFileSync(path.join(dir, 'noext.service'), '[Service]\nExecStart=/bin/true\n');
  writeFileSync(path.join(dir, 'conflict.service'), '[X-Fleet]\nGlobal=true\nMachineOf=hello.service\n');
  writeFileSync(path.join(dir, 'pinned.service'), '[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nMachineID=00000000\n');
  mkdirSync(path.join(dir, 'web'));
  writeFileSync(path.join(dir, 'web', 'web@.service'), '[Unit]\nDescription=Web %i\n\n[Service]\nExecStart=/bin/web\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cluster(): FakeFleet {
  const fleet = new FakeFleet();
  fleet.addMachine(M1, '10.0.0.11', { role: 'web', region: 'us-east' });
  fleet.addMachine(M2, '10.0.0.12');
  fleet.addMachine('abc', '', {});
  return fleet;
}

function transcriptFor(fleet: FakeFleet, env: Record<string, string> = {}): Transcript {
  return new Transcript(() => ({ client: fleet, clock: fleet.clock, cwd: dir, env }));
}

test('list commands: legends, --full, --no-legend, --fields and their errors', async () => {
  const fleet = cluster();
  const t = transcriptFor(fleet);
  await t.$('list-machines');
  await t.$('list-machines', '--no-legend');
  await t.$('list-machines', '--full');
  await t.$('list-machines', '--l', '--fields=machine,metadata');
  await t.$('list-machines', '-l');
  await t.$('list-machines', '--fields=bogus');
  await t.$('list-machines', '--fields=');
  await t.$('list-units');
  await t.$('list-unit-files');
  await t.$('list-unit-files', '--no-legend');
  await t.$('submit', 'hello.service', 'monitor.service');
  await t.$('start', 'hello.service');
  await t.$('list-units');
  await t.$('list-units', '--full', '--fields=unit,hash,load,active,sub,machine');
  await t.$('list-units', '--no-legend');
  await t.$('list-unit-files');
  await t.$('list-unit-files', '--full', '--fields=unit,desc,global,tmachine,state');
  await t.$('list-unit-files', '-l');
  t.check('list-commands');
});

test('submit, load, start, stop, unload, destroy and cat', async () => {
  const fleet = cluster();
  const t = transcriptFor(fleet);
  await t.$('submit');
  await t.$('submit', 'hello.service');
  await t.$('submit', 'hello');
  await t.$('submit', 'monitor.service');
  await t.$('submit', 'nope');
  await t.$('submit', 'bad.service');
  await t.$('submit', 'warn.service');
  await t.$('submit', 'conflict.service');
  await t.$('submit', 'noext');
  await t.$('submit', 'web/web@1.service');
  await t.$('cat', 'hello.service');
  await t.$('cat', 'web@1');
  await t.$('cat', 'nope');
  await t.$('cat');
  await t.$('load', 'hello.service');
  await t.$('load', 'hello.service');
  await t.$('start', 'hello');
  await t.$('start', '--no-block', 'noext.service');
  t.note('the engine and the agent act');
  fleet.tick();
  fleet.tick();
  await t.$('start', 'monitor.service');
  await t.$('stop', 'hello.service', 'nope.service');
  await t.$('stop', 'hello.service');
  await t.$('stop', 'nope.service');
  await t.$('stop', '--no-block', 'noext.service');
  await t.$('stop', 'monitor.service');
  await t.$('unload', 'hello.service', 'monitor.service');
  await t.$('stop', 'hello.service');
  await t.$('unload', 'hello.service');
  await t.$('load', '--no-block', 'hello.service');
  await t.$('destroy', 'hello.service', 'nope.service');
  await t.$('destroy', 'nope.service');
  await t.$('destroy');
  await t.$('stop');
  await t.$('start', 'nope.service');
  t.check('lifecycle');
});

test('--replace and differing local files', async () => {
  const fleet = cluster();
  const t = transcriptFor(fleet);
  fleet.seed('hello.service', [{ section: 'Unit', name: 'Description', value: 'Old Hello' }]);
  await t.$('submit', 'hello.service');
  await t.$('submit', '--replace', 'hello.service');
  await t.$('cat', 'hello.service');
  await t.$('submit', '--replace', 'hello.service');
  await t.$('start', 'hello.service');
  fleet.units_.get('hello.service')!.options = [{ section: 'Unit', name: 'Description', value: 'Changed' }];
  await t.$('submit', '--replace', 'hello.service');
  await t.$('load', '--replace', 'hello.service');
  await t.$('start', '--replace', '--no-block', 'hello.service');
  fleet.seed('web@.service', [{ section: 'Unit', name: 'Description', value: 'Registry web' }]);
  await t.$('start', '--no-block', 'web/web@2.service');
  await t.$('start', 'web@.service');
  t.check('replace');
});

test('waiting: block attempts, placement failures, failures to reach fleet', async () => {
  const fleet = cluster();
  const t = transcriptFor(fleet);
  fleet.unplaceable.set('pinned.service', 'no machine matches MachineID=00000000');
  await t.$('start', '--block-attempts=1', 'pinned.service');
  await t.$('list-unit-files');
  await t.$('load', '--block-attempts=2', 'pinned.service');
  const paths: Record<string, string> = { units: 'units', states: 'state', machines: 'machines' };
  fleet.failure = (op, name) =>
    `Get http://domain-sock/fleet/v1/${paths[op] ?? `units/${name}`}?alt=json: dial unix /var/run/fleet.sock: connect: no such file or directory`;
  await t.$('list-units');
  await t.$('list-unit-files');
  await t.$('list-machines');
  await t.$('start', 'hello.service');
  t.check('waits');
});

test('cobra: unknown commands and flags, prefixes, help and version', async () => {
  const fleet = cluster();
  const t = transcriptFor(fleet);
  await t.$('bogus-cmd');
  await t.$('lst-units');
  await t.$('list-u');
  await t.$('list-m');
  await t.$('version');
  await t.$('--version');
  await t.$('-v');
  await t.$('list-units', '--bogus');
  await t.$();
  await t.$('--help');
  await t.$('-h');
  await t.$('help');
  await t.$('help', 'list-units');
  await t.$('help', 'bogus');
  await t.$('list-units', '--help');
  await t.$('status', '--h');
  await t.$('start', '--block-attempts=x', 'a.service');
  await t.$('--endpoint', 'unix://var/run/fleet.sock', 'version');
  await t.$('verify', 'hello.service');
  await t.$('submit', '--sign', 'hello.service');
  t.check('cobra');
});

test('status, journal and ssh without SSH', async () => {
  const fleet = cluster();
  const t = transcriptFor(fleet);
  await t.$('submit', 'hello.service', 'monitor.service', 'noext.service');
  await t.$('start', 'hello.service', 'monitor.service');
  fleet.statusTexts.set('hello.service', {
    text: '● hello.service - Hello World\n   Loaded: loaded (/run/fleet/units/hello.service; linked-runtime)\n   Active: active (running)\n',
    exitCode: 0,
  });
  fleet.journals.set('hello.service', 'Dec 22 10:00:01 node1 bash[42]: Hello, world\n');
  await t.$('status', 'hello.service');
  await t.$('status', 'monitor.service');
  await t.$('status', 'noext.service');
  await t.$('status', 'nope.service');
  await t.$('journal', 'hello.service');
  await t.$('journal', '--lines=3', '--f', 'hello');
  await t.$('journal', 'monitor.service');
  await t.$('journal', 'noext.service');
  await t.$('journal');
  await t.$('ssh', 'hello.service');
  await t.$('ssh', '2c5a');
  await t.$('ssh', '--machine=abc');
  await t.$('ssh', 'zzz');
  await t.$('ssh');
  t.check('inspect');
});

test('etcd driver: the version banner, and status needs the API', async () => {
  const fleet = cluster();
  fleet.driver = 'etcd';
  fleet.addMachine('9f9f9f9f9f9f', '10.0.0.13', {}, '1.2.3');
  const t = new Transcript(() => ({ client: fleet, agent: null, clock: fleet.clock, cwd: dir, env: {} }));
  await t.$('list-machines');
  await t.$('submit', 'hello.service');
  await t.$('start', 'hello.service');
  await t.$('status', 'hello.service');
  await t.$('journal', 'hello.service');
  await t.$('version');
  t.check('etcd-driver');
});

test('client setup from the global flags and FLEETCTL_* variables', async () => {
  const clock = new FakeFleet().clock;
  const t = new Transcript(() => ({ clock, cwd: dir, env: { FLEETCTL_ENDPOINT: 'unix:///nonexistent/fleet.sock' } }));
  await t.$('list-units');
  await t.$('list-machines');
  await t.$('start', 'hello.service');
  await t.$('--endpoint=unix:///other/fleet.sock', 'list-units');
  await t.$('--endpoint=unix://var/run/fleet.sock', 'list-units');
  await t.$('--endpoint', 'fleet.sock', 'list-unit-files');
  await t.$('--driver=bogus', 'list-units');
  await t.$('--endpoint=http://127.0.0.1:1', 'cat', 'hello.service');
  await t.$('--tunnel=10.0.0.1', 'list-units');
  await t.$('verify', 'hello.service');
  t.check('client-setup');
});
