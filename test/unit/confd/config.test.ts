import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyConfigToml, applyEnvironment, ConfdUsageError, defaultConfig, defaultNodes, parseFlags } from '../../../src/confd/config.js';

test('flags: single or double dash, = or separate value, repeatable -node, booleans', () => {
  const c = defaultConfig();
  const rest = parseFlags(['--onetime', '-backend=env', '-node', 'http://a:1', '--node=http://b:2', '-interval', '5', '-noop=false', '-watch=true', 'extra'], c);
  assert.equal(c.onetime, true);
  assert.equal(c.backend, 'env');
  assert.deepEqual(c.nodes, ['http://a:1', 'http://b:2']);
  assert.equal(c.interval, 5);
  assert.equal(c.noop, false);
  assert.equal(c.watch, true);
  assert.deepEqual(rest, ['extra']);
  assert.throws(() => parseFlags(['-nope'], defaultConfig()), (e: unknown) => e instanceof ConfdUsageError && e.message === 'flag provided but not defined: -nope');
  assert.throws(() => parseFlags(['-interval', 'x'], defaultConfig()), /invalid value "x" for flag -interval: parse error/);
  assert.throws(() => parseFlags(['-prefix'], defaultConfig()), /flag needs an argument: -prefix/);
});

test('confd.toml overrides flags; keys match exactly or case-insensitively on the Go field name', () => {
  const c = defaultConfig();
  parseFlags(['-prefix', '/fromflag', '-confdir', '/flagdir'], c);
  applyConfigToml(
    [
      'prefix = "/fromfile"',
      'confdir = "/filedir"',
      'nodes = ["http://10.0.0.5:2379"]',
      'onetime = true',
      'KeepStageFile = true',
      'log-level = "debug"',
      'sync-only = true',
      'client_cakeys = "/ca.pem"',
      'unknown_key = 1',
      'interval = 30',
    ].join('\n'),
    c,
  );
  assert.equal(c.prefix, '/fromfile');
  assert.equal(c.confdir, '/filedir');
  assert.deepEqual(c.nodes, ['http://10.0.0.5:2379']);
  assert.equal(c.onetime, true);
  assert.equal(c.keepStageFile, true);
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.syncOnly, true);
  assert.equal(c.clientCaKeys, '/ca.pem');
  assert.equal(c.interval, 30);
  const d = defaultConfig();
  applyConfigToml('keep-stage-file = true\nkeep_stage_file = true\n', d);
  assert.equal(d.keepStageFile, false, 'only the Go field name spelling works');
  assert.throws(() => applyConfigToml('interval = "10"', defaultConfig()), /cannot load TOML value of type string into a Go int/);
  assert.throws(() => applyConfigToml('prefix = ', defaultConfig()), /toml/);
});

test('environment and derived defaults', () => {
  const c = defaultConfig();
  c.srvDomain = 'example.com';
  applyEnvironment(c, { CONFD_CLIENT_CERT: '/c.pem' });
  assert.equal(c.clientCert, '/c.pem');
  assert.equal(c.srvRecord, '_etcd._tcp.example.com.');
  assert.deepEqual(defaultNodes('etcd', {}), ['http://127.0.0.1:4001']);
  assert.deepEqual(defaultNodes('etcd', { ETCDCTL_PEERS: 'http://a:1,http://b:2' }), ['http://a:1', 'http://b:2']);
  assert.deepEqual(defaultNodes('consul', {}), ['127.0.0.1:8500']);
});
