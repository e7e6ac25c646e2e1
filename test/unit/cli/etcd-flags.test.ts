import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEtcdCommandLine } from '../../../src/cli/etcd-flags.js';
import { etcdUsage } from '../../../src/cli/etcd-usage.js';
import { FlagError, FlagSet } from '../../../src/go/flags.js';
import type { ServerConfig } from '../../../src/etcdserver/config.js';

function serve(argv: string[], env: Record<string, string> = {}): ServerConfig {
  const cmd = parseEtcdCommandLine(argv, env);
  assert.equal(cmd.kind, 'serve');
  if (cmd.kind !== 'serve') throw new Error('unreachable');
  return cmd.config;
}
const hrefs = (urls: readonly URL[]) => urls.map((u) => u.href);

test('defaults: client 2379 and 4001, peer 2380 and 7001, data dir <name>.etcd', () => {
  const c = serve([]);
  assert.equal(c.name, 'default');
  assert.equal(c.dataDir, 'default.etcd');
  assert.deepEqual(hrefs(c.listenClientUrls), ['http://localhost:2379/', 'http://localhost:4001/']);
  assert.deepEqual(hrefs(c.listenPeerUrls), ['http://localhost:2380/', 'http://localhost:7001/']);
  assert.equal(c.snapshotCount, 100000);
  assert.equal(c.maxRequestBytes, undefined);
  assert.deepEqual(c.cors, ['*']);
  assert.deepEqual([...c.initialCluster.keys()], ['default']);
});

test('--event-history and --linearizable-reads (Flotilla): off by default, also from ETCD_*', () => {
  assert.equal(serve([]).eventHistory, undefined);
  assert.equal(serve([]).linearizableReads, false);
  assert.equal(serve(['--linearizable-reads']).linearizableReads, true);
  assert.equal(serve([], { ETCD_LINEARIZABLE_READS: 'true' }).linearizableReads, true);
  assert.equal(serve(['--event-history', '20000']).eventHistory, 20000);
  assert.equal(serve([], { ETCD_EVENT_HISTORY: '5000' }).eventHistory, 5000);
  for (const bad of ['0', '1000001', '-5', 'lots']) {
    assert.throws(() => serve(['--event-history', bad]), FlagError, bad);
  }
});

test('--help and -h ask for the usage text, which names every flag Flotilla acts on', () => {
  for (const argv of [['--help'], ['-h'], ['--name', 'x', '-help']]) assert.equal(parseEtcdCommandLine(argv, {}).kind, 'help', argv.join(' '));
  assert.equal(parseEtcdCommandLine(['--help=false'], {}).kind, 'serve');
  const usage = etcdUsage();
  for (const name of ['name', 'data-dir', 'listen-client-urls', 'initial-cluster', 'initial-cluster-state', 'snapshot-count',
    'heartbeat-interval', 'election-timeout', 'client-cert-auth', 'peer-trusted-ca-file', 'peers-file', 'event-history', 'version']) {
    assert.match(usage, new RegExp(`-${name}\\b`), name);
  }
});

test('the walkthrough command line: -data-dir machine0 -name machine0', () => {
  const c = serve(['-data-dir', 'machine0', '-name', 'machine0']);
  assert.equal(c.name, 'machine0');
  assert.equal(c.dataDir, 'machine0');
  assert.deepEqual(c.initialCluster.get('machine0'), ['http://localhost:2380', 'http://localhost:7001']);
});

test('a real etcd 3.4 single-member command line is accepted unchanged', () => {
  const c = serve([
    '--enable-v2', '--name', 'n1', '--data-dir', '/tmp/x',
    '--listen-client-urls', 'http://127.0.0.1:24001', '--advertise-client-urls=http://127.0.0.1:24001',
    '--listen-peer-urls', 'http://127.0.0.1:24002', '--initial-advertise-peer-urls', 'http://127.0.0.1:24002',
    '--initial-cluster', 'n1=http://127.0.0.1:24002', '--initial-cluster-state', 'new',
    '--initial-cluster-token', 'tok', '--heartbeat-interval', '100', '--election-timeout', '1000',
    '--snapshot-count', '500', '--logger', 'zap', '--log-outputs', 'stderr',
  ]);
  assert.deepEqual(hrefs(c.listenClientUrls), ['http://127.0.0.1:24001/']);
  assert.deepEqual(hrefs(c.advertiseClientUrls), ['http://127.0.0.1:24001/']);
  assert.equal(c.initialClusterToken, 'tok');
  assert.equal(c.snapshotCount, 500);
});

test('0.4 addressing: -addr and -peer-addr, -bind-addr host only', () => {
  const c = serve(['-addr', '127.0.0.1:4101', '-peer-addr', '127.0.0.1:7101', '-bind-addr', '127.0.0.2']);
  assert.deepEqual(hrefs(c.listenClientUrls), ['http://127.0.0.2:4101/']);
  assert.deepEqual(hrefs(c.advertiseClientUrls), ['http://127.0.0.1:4101/']);
  assert.deepEqual(hrefs(c.listenPeerUrls), ['http://127.0.0.1:7101/']);
});

test('0.4 TLS flags make the client port https and -ca-file requires client certificates', () => {
  const c = serve(['-cert-file', 'c.pem', '-key-file', 'k.pem', '-ca-file', 'ca.pem']);
  assert.equal(c.listenClientUrls[0]!.protocol, 'https:');
  assert.deepEqual(c.clientTls, { certFile: 'c.pem', keyFile: 'k.pem', trustedCaFile: 'ca.pem', clientCertAuth: true });
});

test('environment variables apply when the flag is absent; the flag wins otherwise', () => {
  assert.equal(serve([], { ETCD_NAME: 'envname' }).name, 'envname');
  assert.equal(serve(['--name', 'flag'], { ETCD_NAME: 'envname' }).name, 'flag');
  assert.equal(serve([], { ETCD_SNAPSHOT_COUNT: '42' }).snapshotCount, 42);
});

test('--version', () => {
  assert.deepEqual(parseEtcdCommandLine(['--version'], {}), { kind: 'version' });
});

for (const [argv, message] of [
  [['--no-such-flag'], 'flag provided but not defined: -no-such-flag'],
  [['--name'], 'flag needs an argument: -name'],
  [['--snapshot-count', 'abc'], 'invalid value "abc" for flag -snapshot-count: parse error'],
  [['--client-cert-auth=maybe'], 'invalid boolean value "maybe" for -client-cert-auth: parse error'],
  [['stray'], "'stray' is not a valid flag"],
  [['---name', 'x'], 'bad flag syntax: ---name'],
  [['--listen-client-urls', 'http://127.0.0.1:1'], '-advertise-client-urls is required when -listen-client-urls is set explicitly'],
  [['--listen-client-urls', 'ftp://x:1', '--advertise-client-urls', 'http://x:1'], 'URL scheme must be http or https'],
  [['--initial-cluster-state', 'old'], 'valid values include new,existing'],
  [['--cert-file', 'c.pem'], 'both -cert-file and -key-file'],
] as const) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(() => parseEtcdCommandLine(argv, {}), (err: unknown) => {
      assert.ok(err instanceof FlagError);
      assert.ok(err.message.includes(message), err.message);
      return true;
    });
  });
}

test('Go flag rules: -x=v, --x v, booleans without a value, -- ends flags', () => {
  const set = new FlagSet([{ name: 's', kind: 'string' }, { name: 'b', kind: 'bool' }]);
  const p = set.parse(['-s=a=b', '--b', '--', '-s', 'x']);
  assert.equal(p.values.get('s'), 'a=b');
  assert.equal(p.values.get('b'), true);
  assert.deepEqual(p.rest, ['-s', 'x']);
  assert.equal(set.parse(['-b=false']).values.get('b'), false);
});

test('--initial-election-tick-advance is a bool: on by default, off with =false, never takes the next argument', () => {
  assert.equal(serve([]).initialElectionTickAdvance, true);
  assert.equal(serve(['--initial-election-tick-advance=false']).initialElectionTickAdvance, false);
  const bare = serve(['--initial-election-tick-advance', '--name', 'n9']);
  assert.equal(bare.initialElectionTickAdvance, true);
  assert.equal(bare.name, 'n9');
  assert.equal(serve([], { ETCD_INITIAL_ELECTION_TICK_ADVANCE: 'false' }).initialElectionTickAdvance, false);
});

function legacyOf(argv: string[], env: Record<string, string> = {}) {
  const cmd = parseEtcdCommandLine(argv, env);
  if (cmd.kind !== 'serve') throw new Error('expected serve');
  return cmd.legacy;
}

test('0.4 mode: never on for an etcd 3.4 command line, so no removal loop and no standby', () => {
  const lines: string[][] = [
    [],
    ['--name', 'n1', '--data-dir', '/tmp/x', '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
      '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
      '--initial-cluster', 'n1=http://127.0.0.1:2380,n2=http://127.0.0.1:2480', '--initial-cluster-state', 'existing', '--enable-v2'],
    ['-data-dir', 'machine0', '-name', 'machine0'],
  ];
  for (const argv of lines) {
    const legacy = legacyOf(argv);
    assert.equal(legacy.enabled, false, argv.join(' '));
    assert.deepEqual(legacy.because, []);
    assert.deepEqual(legacy.seed, {});
    assert.deepEqual(legacy.seedPeerURLs, []);
  }
  // The 3.4 variables do not switch it on either.
  assert.equal(legacyOf([], { ETCD_NAME: 'x', ETCD_INITIAL_CLUSTER: 'x=http://localhost:2380', ETCD_ENABLE_V2: 'true' }).enabled, false);
});

test('0.4 mode: on with any 0.4-only flag or its variable; -cluster-* seed the configuration', () => {
  assert.deepEqual(legacyOf(['-peer-addr', '127.0.0.1:7001']).because, ['peer-addr']);
  assert.deepEqual(legacyOf(['-addr', '127.0.0.1:4001']).because, ['addr']);
  const joined = legacyOf(['-peer-addr', '127.0.0.1:7002', '-peers', '127.0.0.1:7001,127.0.0.1:7002']);
  assert.equal(joined.enabled, true);
  assert.deepEqual(joined.seedPeerURLs, ['http://127.0.0.1:7001']);
  const seeded = legacyOf(['-cluster-active-size', '5', '-cluster-remove-delay', '2.5', '-cluster-sync-interval', '1']);
  assert.equal(seeded.enabled, true);
  assert.deepEqual(seeded.seed, { activeSize: 5, removeDelay: 2.5, syncInterval: 1 });
  assert.deepEqual(legacyOf([], { ETCD_CLUSTER_ACTIVE_SIZE: '4' }).seed, { activeSize: 4 });
  assert.equal(legacyOf([], { ETCD_PEERS: '127.0.0.1:7001' }).enabled, true);
  assert.throws(() => legacyOf(['-cluster-remove-delay', 'soon']), FlagError);
  assert.throws(() => legacyOf(['-cluster-active-size', 'many']), FlagError);
});
