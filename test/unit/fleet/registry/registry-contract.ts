/**
 * The registry's contract with fleet 1.0.0, run against any etcd: the exact bytes every write
 * stores (read back with plain GETs), and that keys written the way real fleetctl and fleetd write
 * them read back correctly.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { EtcdClient } from '../../../../src/client/etcd-client.js';
import { EtcdError } from '../../../../src/client/errors.js';
import type { OutgoingRequest } from '../../../../src/client/types.js';
import { Registry, RegistryDataError, currentState } from '../../../../src/fleet/registry/registry.js';
import type { MachineState, RegistryLog } from '../../../../src/fleet/registry/types.js';
import type { UnitOption } from '../../../../src/fleet/unit/unit-file.js';

export interface EtcdUnderTest {
  /** A client of a fresh, empty etcd; `requests` collects what it sends. */
  client(requests?: OutgoingRequest[]): EtcdClient;
  stop(): Promise<void>;
}

const P = '/_coreos.com/fleet';

export const HELLO: UnitOption[] = [
  { section: 'Unit', name: 'Description', value: 'Hello World' },
  { section: 'Service', name: 'ExecStart', value: '/bin/bash -c "while true; do echo \\"Hello, world\\"; sleep 1; done"' },
];
export const HELLO_HASH = 'e55c0aeb44ba0b68004ceb8a200e685194448b45';
const HELLO_BYTES = '[229,92,10,235,68,186,11,104,0,76,235,138,32,14,104,81,148,68,139,69]';
const HELLO_BLOB = String.raw`{"Raw":"[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/bash -c \"while true; do echo \\\"Hello, world\\\"; sleep 1; done\"\n"}`;

const M1 = '2c5a1b7e9f0d4c3b8a7e6d5c4b3a2910';
const M2 = '113f16a7c0de4b5e9a8f7e6d5c4b3a21';

export function captureLog(): RegistryLog & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, debug: put('DEBUG'), info: put('INFO'), warn: put('WARN'), error: put('ERROR') };
}

function machine(id: string, extra: Partial<MachineState> = {}): MachineState {
  return { id, publicIP: '10.0.0.11', metadata: { role: 'web', region: 'us-east' }, version: 'v1.0.0', ...extra };
}

export function defineRegistryContract(title: string, start: () => Promise<EtcdUnderTest>): void {
  describe(title, () => {
    let etcd: EtcdUnderTest;
    let client: EtcdClient;
    let log: ReturnType<typeof captureLog>;
    let reg: Registry;
    let seq = 0;
    let prefix = '';

    before(async () => {
      etcd = await start();
      client = etcd.client();
    });
    after(async () => {
      await etcd.stop();
    });
    // Every test gets its own key prefix, so tests see an empty registry without restarting etcd.
    beforeEach(() => {
      seq++;
      prefix = `/t${seq}/fleet`;
      log = captureLog();
      reg = new Registry(client, `${prefix}/`, log);
    });

    const value = async (key: string): Promise<string | undefined> => (await client.get(key)).node.value;
    const ttlOf = async (key: string): Promise<number | undefined> => (await client.get(key)).node.ttl;
    const absent = async (key: string): Promise<void> => {
      await assert.rejects(client.get(key), (e: unknown) => e instanceof EtcdError && e.errorCode === 100, `${key} should be absent`);
    };

    it('reads an empty or missing prefix as empty lists, not errors', async () => {
      assert.deepEqual(await reg.units(), []);
      assert.equal(await reg.unit('hello.service'), null);
      assert.deepEqual(await reg.machines(), []);
      assert.deepEqual(await reg.unitStates(), []);
      assert.equal(await reg.engineVersion(), 0);
      assert.equal(await reg.lease(), null);
      assert.equal(await reg.placementFailure('hello.service'), null);
      assert.deepEqual(await reg.schedule(), { units: [], machines: [] });
      assert.equal(await reg.destroyUnit('hello.service'), false);
    });

    it('creates a unit with the exact bytes fleet writes', async () => {
      await reg.createUnit('hello.service', HELLO, 'inactive');
      assert.equal(await value(`${prefix}/unit/${HELLO_HASH}`), HELLO_BLOB);
      assert.equal(await value(`${prefix}/job/hello.service/object`), `{"Name":"hello.service","UnitHash":${HELLO_BYTES}}`);
      assert.equal(await value(`${prefix}/job/hello.service/target-state`), 'inactive');
      assert.equal(await ttlOf(`${prefix}/unit/${HELLO_HASH}`), undefined);
      // A second unit with the same contents shares the blob (create-only, 105 is fine).
      await reg.createUnit('hello2.service', HELLO, 'launched');
      assert.equal(await value(`${prefix}/job/hello2.service/target-state`), 'launched');
      const units = await reg.units();
      assert.deepEqual(units.map((u) => [u.name, u.hash, u.targetState, u.target, u.jobState, u.global]), [
        ['hello.service', HELLO_HASH, 'inactive', '', '', false],
        ['hello2.service', HELLO_HASH, 'launched', '', '', false],
      ]);
      assert.deepEqual(units[0]!.options, HELLO);
    });

    it('writes Go-escaped JSON (HTML characters, control characters)', async () => {
      const options: UnitOption[] = [{ section: 'Service', name: 'ExecStart', value: '/bin/sh -c "a && b <x> \u0001"' }];
      await reg.createUnit('esc.service', options, 'inactive');
      const unit = await reg.unit('esc.service');
      assert.ok(unit);
      assert.equal(
        await value(`${prefix}/unit/${unit.hash}`),
        String.raw`{"Raw":"[Service]\nExecStart=/bin/sh -c \"a \u0026\u0026 b \u003cx\u003e \u0001\"\n"}`,
      );
      assert.deepEqual(unit.options, options);
    });

    it('reads one unit with the requests fleetctl makes, and lists with quorum on unit/', async () => {
      await reg.createUnit('hello.service', HELLO, 'launched');
      const requests: OutgoingRequest[] = [];
      const fresh = new Registry(etcd.client(requests), `${prefix}/`);
      const unit = await fresh.unit('hello.service');
      assert.equal(unit?.targetState, 'launched');
      await fresh.units();
      const paths = requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`);
      assert.deepEqual(paths, [
        `GET /v2/keys${prefix}/job/hello.service?quorum=false&recursive=true&sorted=false`,
        `GET /v2/keys${prefix}/unit/${HELLO_HASH}?quorum=false&recursive=true&sorted=false`,
        `GET /v2/keys${prefix}/job?quorum=false&recursive=true&sorted=true`,
        // The unit file is cached by hash, so the listing needs no GET of unit/ ...
      ]);
      const other = new Registry(etcd.client(requests), `${prefix}/`);
      requests.length = 0;
      await other.units();
      assert.deepEqual(requests.map((r) => new URL(r.url).pathname + new URL(r.url).search), [
        `/v2/keys${prefix}/job?quorum=false&recursive=true&sorted=true`,
        `/v2/keys${prefix}/unit?quorum=true&recursive=true&sorted=false`,
      ]);
    });

    it('sets target states, schedules, heartbeats and destroys', async () => {
      await reg.createUnit('hello.service', HELLO, 'inactive');
      await reg.setTargetState('hello.service', 'launched');
      assert.equal(await value(`${prefix}/job/hello.service/target-state`), 'launched');
      await reg.scheduleUnit('hello.service', M1);
      assert.equal(await value(`${prefix}/job/hello.service/target`), M1);
      await assert.rejects(reg.scheduleUnit('hello.service', M2), (e: unknown) => e instanceof EtcdError && e.errorCode === 105);
      await reg.unitHeartbeat('hello.service', M1, 30);
      assert.equal(await value(`${prefix}/job/hello.service/job-state`), M1);
      const ttl = await ttlOf(`${prefix}/job/hello.service/job-state`);
      assert.ok(ttl !== undefined && ttl > 25 && ttl <= 30, `ttl ${ttl}`);
      const unit = await reg.unit('hello.service');
      assert.deepEqual([unit?.target, unit?.jobState], [M1, M1]);
      await assert.rejects(reg.unscheduleUnit('hello.service', M2), (e: unknown) => e instanceof EtcdError && e.errorCode === 101);
      await reg.unscheduleUnit('hello.service', M1);
      await absent(`${prefix}/job/hello.service/target`);
      await reg.unscheduleUnit('hello.service', M1);
      await reg.clearUnitHeartbeat('hello.service');
      await absent(`${prefix}/job/hello.service/job-state`);
      await reg.clearUnitHeartbeat('hello.service');
      assert.equal(await reg.destroyUnit('hello.service'), true);
      await absent(`${prefix}/job/hello.service`);
      assert.equal(await reg.unit('hello.service'), null);
      // The unit file stays (fleet never deletes it).
      assert.equal(await value(`${prefix}/unit/${HELLO_HASH}`), HELLO_BLOB);
    });

    it('writes machine objects and dynamic metadata as fleetd does', async () => {
      const index = await reg.setMachineState(machine(M1), 30, true);
      const stored = await client.get(`${prefix}/machines/${M1}/object`);
      assert.equal(
        stored.node.value,
        `{"ID":"${M1}","PublicIP":"10.0.0.11","Metadata":{"region":"us-east","role":"web"},"Capabilities":{"DISABLE_ENGINE":false,"GRPC":false},"Version":"v1.0.0"}`,
      );
      assert.equal(stored.node.modifiedIndex, index);
      assert.ok(stored.node.ttl !== undefined && stored.node.ttl > 25);
      await assert.rejects(reg.setMachineState(machine(M1), 30, true), (e: unknown) => e instanceof EtcdError && e.errorCode === 105);
      const later = await reg.setMachineState(machine(M1, { capabilities: { DISABLE_ENGINE: true, GRPC: false }, metadata: {} }), 30, false);
      assert.ok(later > index);
      assert.equal(
        await value(`${prefix}/machines/${M1}/object`),
        `{"ID":"${M1}","PublicIP":"10.0.0.11","Metadata":{},"Capabilities":{"DISABLE_ENGINE":true,"GRPC":false},"Version":"v1.0.0"}`,
      );
      // Update-only falls back to create when the key is gone.
      await reg.setMachineState(machine(M2, { publicIP: '' }), 30, false);
      await reg.setMachineMetadata(M2, 'disk', 'ssd');
      await reg.setMachineMetadata(M2, 'role', '');
      assert.equal(await value(`${prefix}/machines/${M2}/metadata/disk`), 'ssd');
      assert.equal(await value(`${prefix}/machines/${M2}/metadata/role`), '');
      const machines = await reg.machines();
      assert.deepEqual(machines, [
        { id: M2, publicIP: '', metadata: { region: 'us-east', disk: 'ssd' }, version: 'v1.0.0', capabilities: { DISABLE_ENGINE: false, GRPC: false } },
        { id: M1, publicIP: '10.0.0.11', metadata: {}, version: 'v1.0.0', capabilities: { DISABLE_ENGINE: true, GRPC: false } },
      ]);
      await reg.removeMachineState(M1);
      await absent(`${prefix}/machines/${M1}/object`);
      assert.deepEqual((await reg.machines()).map((m) => m.id), [M2]);
    });

    it('publishes unit states in both places and removes only its own', async () => {
      const state = { unitName: 'hello.service', machineId: M1, loadState: 'loaded', activeState: 'active', subState: 'running', unitHash: HELLO_HASH };
      await reg.saveUnitState(state, machine(M1), 30);
      const expected = `{"loadState":"loaded","activeState":"active","subState":"running","machineState":{"ID":"${M1}","PublicIP":"","Metadata":null,"Capabilities":null,"Version":""},"unitHash":"${HELLO_HASH}"}`;
      assert.equal(await value(`${prefix}/states/hello.service/${M1}`), expected);
      assert.equal(await value(`${prefix}/state/hello.service`), expected);
      assert.ok(((await ttlOf(`${prefix}/state/hello.service`)) ?? 0) > 25);
      await reg.saveUnitState({ ...state, machineId: M2, activeState: 'failed', subState: 'failed' }, machine(M2), 30);
      await reg.saveUnitState({ ...state, unitName: 'a.service' }, machine(M1), 30);
      const states = await reg.unitStates();
      assert.deepEqual(states.map((s) => [s.unitName, s.machineId, s.activeState]), [
        ['a.service', M1, 'active'],
        ['hello.service', M2, 'failed'],
        ['hello.service', M1, 'active'],
      ].sort((x, y) => (x[0]! + x[1]! < y[0]! + y[1]! ? -1 : 1)));
      // M1 removes its entry; the legacy key belongs to M2 (last writer), so it stays.
      await reg.removeUnitState('hello.service', M1);
      await absent(`${prefix}/states/hello.service/${M1}`);
      assert.ok((await value(`${prefix}/state/hello.service`))?.includes(M2));
      await reg.removeUnitState('hello.service', M2);
      await absent(`${prefix}/state/hello.service`);
      await absent(`${prefix}/states/hello.service`);
      await reg.removeUnitState('hello.service', M2);
    });

    it('keeps the engine version and the leader lease as fleet does', async () => {
      assert.equal(await reg.updateEngineVersion(0, 1), true);
      assert.equal(await value(`${prefix}/engine/version`), '1');
      assert.equal(await reg.updateEngineVersion(0, 1), false);
      assert.equal(await reg.engineVersion(), 1);
      assert.equal(await reg.updateEngineVersion(1, 2), true);
      assert.equal(await reg.engineVersion(), 2);

      const lease = await reg.acquireLease(M1, 1, 10);
      assert.ok(lease);
      assert.equal(await value(`${prefix}/lease/engine-leader`), `{"MachineID":"${M1}","Version":1}`);
      assert.deepEqual([lease.machineId, lease.version], [M1, 1]);
      assert.ok(lease.ttl > 8 && lease.ttl <= 10);
      assert.equal(await reg.acquireLease(M2, 1, 10), null);
      const renewed = await reg.renewLease(lease, M1, 1, 10);
      assert.ok(renewed && renewed.index > lease.index);
      assert.equal(await reg.renewLease(lease, M2, 1, 10), null, 'a stale index loses');
      const seen = await reg.lease();
      assert.deepEqual(seen && [seen.machineId, seen.version, seen.index], [M1, 1, renewed.index]);
      await reg.releaseLease(lease);
      assert.ok(await reg.lease(), 'releasing a stale lease leaves the current one');
      await reg.releaseLease(renewed);
      assert.equal(await reg.lease(), null);
      // An old engine's lease: the bare machine ID, version 0.
      await client.set(`${prefix}/lease/engine-leader`, M2, { ttl: 10 });
      const old = await reg.lease();
      assert.deepEqual(old && [old.machineId, old.version], [M2, 0]);
      const stolen = await reg.renewLease(old!, M1, 1, 12);
      assert.equal(await value(`${prefix}/lease/engine-leader`), `{"MachineID":"${M1}","Version":1}`);
      assert.ok(stolen && stolen.ttl > 10);
    });

    it('keeps placement failures outside fleet\'s own keys', async () => {
      await reg.recordPlacementFailure('hello.service', 'no machine matches MachineMetadata');
      const key = `/t${seq}/fleet-flotilla/placement/hello.service`;
      assert.equal(await value(key), 'no machine matches MachineMetadata');
      const ttl = await ttlOf(key);
      assert.ok(ttl !== undefined && ttl > 55 && ttl <= 60);
      assert.equal(await reg.placementFailure('hello.service'), 'no machine matches MachineMetadata');
      assert.deepEqual([...(await reg.placementFailures())], [['hello.service', 'no machine matches MachineMetadata']]);
      await reg.clearPlacementFailure('hello.service');
      assert.equal(await reg.placementFailure('hello.service'), null);
      await reg.clearPlacementFailure('hello.service');
      await absent(`${prefix}/placement`);
    });

    it('reads keys as real fleetctl and fleetd write them', async () => {
      await client.set(`${prefix}/unit/${HELLO_HASH}`, HELLO_BLOB);
      await client.set(`${prefix}/job/hello.service/object`, `{"Name":"hello.service","UnitHash":${HELLO_BYTES}}`);
      await client.set(`${prefix}/job/hello.service/target-state`, 'launched');
      await client.set(`${prefix}/job/hello.service/target`, M1);
      await client.set(`${prefix}/job/hello.service/job-state`, M1, { ttl: 30 });
      await client.set(`${prefix}/job/orphan.service/job-state`, M1, { ttl: 30 });
      await client.set(
        `${prefix}/machines/${M1}/object`,
        `{"ID":"${M1}","PublicIP":"10.0.0.11","Metadata":{"region":"us-east","role":"web"},"Capabilities":{"DISABLE_ENGINE":false,"GRPC":false},"Version":"v1.0.0"}`,
        { ttl: 30 },
      );
      await client.set(`${prefix}/machines/${M2}/object`, `{"ID":"${M2}","PublicIP":"","Metadata":{"region":"eu-west"},"Version":"1.0.0"}`);
      await client.set(`${prefix}/machines/${M2}/metadata/disk`, 'ssd');
      await client.set(`${prefix}/machines/${M2}/metadata/region`, '');
      await client.set(`${prefix}/machines/gone/metadata/x`, 'y');
      await client.set(
        `${prefix}/states/hello.service/${M1}`,
        `{"loadState":"loaded","activeState":"active","subState":"running","machineState":{"ID":"${M1}","PublicIP":"","Metadata":null,"Capabilities":null,"Version":""},"unitHash":"${HELLO_HASH}"}`,
        { ttl: 30 },
      );
      await client.set(`${prefix}/states/ghost.service/${M2}`, `{"loadState":"loaded","activeState":"failed","subState":"failed","machineState":{"ID":"${M2}"},"unitHash":"${HELLO_HASH}"}`);
      await client.set(`${prefix}/states/ghost.service/bad`, 'not json');
      await client.set(`${prefix}/engine/version`, '1');
      await client.set(`${prefix}/lease/engine-leader`, `{"MachineID":"${M1}","Version":1}`, { ttl: 10 });

      const units = await reg.units();
      assert.equal(units.length, 1);
      const hello = units[0]!;
      assert.deepEqual(
        { ...hello, options: undefined },
        { name: 'hello.service', hash: HELLO_HASH, options: undefined, targetState: 'launched', target: M1, jobState: M1, global: false },
      );
      assert.deepEqual(hello.options, HELLO);
      assert.deepEqual(await reg.machines(), [
        { id: M2, publicIP: '', metadata: { disk: 'ssd' }, version: '1.0.0' },
        { id: M1, publicIP: '10.0.0.11', metadata: { region: 'us-east', role: 'web' }, version: 'v1.0.0', capabilities: { DISABLE_ENGINE: false, GRPC: false } },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)));
      const states = await reg.unitStates();
      assert.deepEqual(states, [
        { unitName: 'ghost.service', machineId: M2, loadState: 'loaded', activeState: 'failed', subState: 'failed', unitHash: HELLO_HASH },
        { unitName: 'hello.service', machineId: M1, loadState: 'loaded', activeState: 'active', subState: 'running', unitHash: HELLO_HASH },
      ]);
      assert.ok(log.lines.some((l) => l === "ERROR Error unmarshalling UnitState(ghost.service) from Machine(bad): unable to JSON-deserialize object: invalid character 'o' in literal null (expecting 'u')"), log.lines.join('\n'));
      assert.equal(currentState(hello, states), 'launched');
      assert.equal(currentState({ ...hello, jobState: '' }, states), 'loaded');
      assert.equal(currentState({ ...hello, target: M2 }, states), 'inactive');
      assert.equal(currentState({ ...hello, target: '' }, states), 'inactive');
      assert.equal(await reg.engineVersion(), 1);
      const lease = await reg.lease();
      assert.deepEqual(lease && [lease.machineId, lease.version], [M1, 1]);
      const snap = await reg.schedule();
      assert.deepEqual(snap.units.map((u) => u.name), ['hello.service']);
      assert.equal(snap.machines.length, 2);
    });

    it('skips unreadable units in lists and fails single reads of them', async () => {
      await reg.createUnit('good.service', HELLO, 'inactive');
      await reg.createUnit('bogus.service', HELLO, 'inactive');
      await client.set(`${prefix}/job/bogus.service/target-state`, 'bogus');
      await client.set(`${prefix}/job/nohash.service/object`, '{"Name":"nohash.service","UnitHash":[1,2,3]}');
      await client.set(`${prefix}/job/badobj.service/object`, '{"Name":');
      assert.deepEqual((await reg.units()).map((u) => u.name), ['good.service']);
      assert.ok(log.lines.includes('ERROR Failed to parse Unit from etcd: failed to parse Unit target-state: invalid value "bogus" for JobState'), log.lines.join('\n'));
      assert.ok(log.lines.includes('ERROR Failed to parse Unit from etcd: unable to retrieve Unit(nohash.service) from Registry'));
      assert.ok(log.lines.includes('ERROR Failed to parse Unit from etcd: unable to JSON-deserialize object: unexpected end of JSON input'));
      await assert.rejects(reg.unit('bogus.service'), (e: unknown) => e instanceof RegistryDataError && /invalid value "bogus"/.test(e.message));
      await assert.rejects(reg.unit('nohash.service'), RegistryDataError);
      await assert.rejects(reg.unit('badobj.service'), RegistryDataError);
      assert.deepEqual((await reg.schedule()).units.map((u) => u.name), ['good.service']);
    });

    it('fails the machine listing on an unreadable object, as fleetctl shows it', async () => {
      await reg.setMachineState(machine(M1), 30, true);
      await client.set(`${prefix}/machines/${M2}/object`, 'not json');
      await assert.rejects(reg.machines(), {
        name: 'RegistryDataError',
        message: "unable to JSON-deserialize object: invalid character 'o' in literal null (expecting 'u')",
      });
      // The engine's snapshot skips it instead.
      assert.deepEqual((await reg.schedule()).machines.map((m) => m.id), [M1]);
    });

    it('wakes watchers on target and target-state changes only', async () => {
      await reg.createUnit('hello.service', HELLO, 'inactive');
      const controller = new AbortController();
      const wakes = reg.watchJobs(controller.signal)[Symbol.asyncIterator]();
      const tick = (ms: number) => new Promise<'tick'>((r) => setTimeout(() => r('tick'), ms));
      /** Repeats `write` every 100 ms until `wake` settles; fails after 5 s. */
      const wakeBy = async (wake: Promise<IteratorResult<void>>, write: () => Promise<void>, what: string): Promise<void> => {
        for (let i = 0; i < 50; i++) {
          await write();
          const r = await Promise.race([wake, tick(100)]);
          if (r !== 'tick') {
            assert.equal(r.done, false);
            return;
          }
        }
        assert.fail(`no wake from ${what} within 5 s`);
      };
      try {
        await wakeBy(wakes.next(), () => reg.setTargetState('hello.service', 'launched'), 'target-state');
        const next = wakes.next();
        // Heartbeats and unrelated keys do not wake it.
        for (let i = 0; i < 5; i++) {
          await reg.unitHeartbeat('hello.service', M1, 30);
          await client.set(`${prefix}/job/hello.service/other`, String(i));
          assert.equal(await Promise.race([next, tick(100)]), 'tick', 'woken by a job-state change');
        }
        let scheduled = false;
        await wakeBy(next, async () => {
          if (!scheduled) await reg.scheduleUnit('hello.service', M1);
          else await reg.unscheduleUnit('hello.service', M1).then(() => reg.scheduleUnit('hello.service', M1));
          scheduled = true;
        }, 'target');
        const ended = wakes.next();
        controller.abort();
        const r = await Promise.race([ended, tick(5000)]);
        assert.ok(r !== 'tick' && r.done === true, 'the watch ends when aborted');
      } finally {
        controller.abort();
      }
    });
  });
}
