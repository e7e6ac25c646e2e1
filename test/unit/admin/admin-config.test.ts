import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  adminConfigFromSnapshotJSON,
  adminConfigJSON,
  AdminConfigSyntaxError,
  applyAdminConfigUpdate,
  clampAdminConfig,
  DEFAULT_ADMIN_CONFIG,
  parseAdminConfigBody,
  seedAdminConfigUpdate,
  withAdminConfig,
} from '../../../src/etcdserver/admin-config.js';

describe('admin config', () => {
  it('defaults and their JSON are what 0.4 answers', () => {
    assert.equal(adminConfigJSON(DEFAULT_ADMIN_CONFIG), '{"activeSize":9,"removeDelay":1800,"syncInterval":5}');
  });

  it('clamps to the minimums and truncates activeSize', () => {
    assert.deepEqual(clampAdminConfig({ activeSize: 1, removeDelay: 0.5, syncInterval: -3 }), { activeSize: 3, removeDelay: 2, syncInterval: 1 });
    assert.deepEqual(clampAdminConfig({ activeSize: 5.9, removeDelay: 2.5, syncInterval: 1.25 }), { activeSize: 5, removeDelay: 2.5, syncInterval: 1.25 });
    assert.deepEqual(clampAdminConfig({ activeSize: 3.99, removeDelay: 2, syncInterval: 1 }), { activeSize: 3, removeDelay: 2, syncInterval: 1 });
  });

  it('fractional seconds are written as Go writes float64', () => {
    assert.equal(adminConfigJSON({ activeSize: 4, removeDelay: 2.5, syncInterval: 1e21 }), '{"activeSize":4,"removeDelay":2.5,"syncInterval":1e+21}');
  });

  it('a PUT body keeps only numeric fields', () => {
    assert.deepEqual(parseAdminConfigBody('{"activeSize":5}'), { activeSize: 5 });
    assert.deepEqual(parseAdminConfigBody('{"activeSize":"7","removeDelay":true,"syncInterval":2,"other":1}'), { syncInterval: 2 });
    assert.deepEqual(parseAdminConfigBody('{"activeSize":6.7}'), { activeSize: 6 });
    assert.deepEqual(parseAdminConfigBody('null'), {});
    assert.deepEqual(parseAdminConfigBody(' {} \n'), {});
  });

  it('an unusable body is a syntax error with Go-like text', () => {
    assert.throws(() => parseAdminConfigBody(''), (e: unknown) => e instanceof AdminConfigSyntaxError && e.message === 'EOF');
    assert.throws(() => parseAdminConfigBody('[1]'), { message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' });
    assert.throws(() => parseAdminConfigBody('3'), { message: 'json: cannot unmarshal number into Go value of type map[string]interface {}' });
    assert.throws(() => parseAdminConfigBody('"x"'), { message: 'json: cannot unmarshal string into Go value of type map[string]interface {}' });
    assert.throws(() => parseAdminConfigBody('{"activeSize":'), AdminConfigSyntaxError);
  });

  it('applying merges the update into the current config, then clamps', () => {
    const a = applyAdminConfigUpdate(DEFAULT_ADMIN_CONFIG, { activeSize: 5 });
    assert.deepEqual(a, { activeSize: 5, removeDelay: 1800, syncInterval: 5 });
    const b = applyAdminConfigUpdate(a, { removeDelay: 1 });
    assert.deepEqual(b, { activeSize: 5, removeDelay: 2, syncInterval: 5 });
    // Two updates of different fields both survive, in either order.
    const x = applyAdminConfigUpdate(applyAdminConfigUpdate(DEFAULT_ADMIN_CONFIG, { activeSize: 4 }), { syncInterval: 3 });
    const y = applyAdminConfigUpdate(applyAdminConfigUpdate(DEFAULT_ADMIN_CONFIG, { syncInterval: 3 }), { activeSize: 4 });
    assert.deepEqual(x, { activeSize: 4, removeDelay: 1800, syncInterval: 3 });
    assert.deepEqual(y, x);
  });

  it('round-trips through the snapshot membership JSON; old snapshots mean defaults', () => {
    const membership = { members: [], removed: ['a1'] };
    const json = JSON.parse(JSON.stringify(withAdminConfig(membership, { activeSize: 4, removeDelay: 30, syncInterval: 2 }))) as unknown;
    assert.deepEqual((json as { removed: string[] }).removed, ['a1']);
    assert.deepEqual(adminConfigFromSnapshotJSON(json), { activeSize: 4, removeDelay: 30, syncInterval: 2 });
    assert.deepEqual(adminConfigFromSnapshotJSON(membership), DEFAULT_ADMIN_CONFIG);
    assert.deepEqual(adminConfigFromSnapshotJSON({ adminConfig: { activeSize: 1 } }), { activeSize: 3, removeDelay: 1800, syncInterval: 5 });
  });

  it('seed flags make an update only when one is given', () => {
    assert.equal(seedAdminConfigUpdate({}), null);
    assert.deepEqual(seedAdminConfigUpdate({ activeSize: 5, syncInterval: 2 }), { activeSize: 5, syncInterval: 2 });
  });
});
