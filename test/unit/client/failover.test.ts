import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdClient, ClusterUnavailableError } from '../../../src/client/index.js';
import { startReferenceCluster } from './reference-cluster.js';
import { startFakeMember, replyEvent, deadEndpoint } from './fake-member.js';

test('reads and writes keep working while a member of a three-member cluster is down', async () => {
  const cluster = await startReferenceCluster(3);
  const client = new EtcdClient({ endpoints: cluster.members.map((m) => m.clientURL), requestTimeoutMs: 2000, totalTimeoutMs: 15000 });
  try {
    await client.set('/failover/before', 'b');
    const pinned = client.endpoints[0]!;
    const victim = cluster.members.find((m) => m.clientURL === pinned)!;
    await victim.kill9();
    for (let i = 0; i < 10; i++) await client.set(`/failover/k${i}`, String(i));
    const listing = await client.get('/failover', { recursive: true, sorted: true, quorum: true });
    assert.deepEqual(
      listing.node.nodes?.map((n) => `${n.key}=${n.value}`),
      ['/failover/before=b', ...Array.from({ length: 10 }, (_, i) => `/failover/k${i}=${i}`)],
    );
    const members = await client.listMembers();
    assert.equal(members.length, 3);
  } finally {
    client.close();
    await cluster.stop();
  }
});

test('sync replaces the endpoints with the client URLs the cluster advertises', async () => {
  const cluster = await startReferenceCluster(3);
  const dead = await deadEndpoint();
  const client = new EtcdClient({ endpoints: [dead, cluster.members[1]!.clientURL], requestTimeoutMs: 2000 });
  try {
    const urls = await client.sync();
    assert.deepEqual(urls, cluster.members.map((m) => m.clientURL).sort());
    assert.deepEqual(client.endpoints, urls);
  } finally {
    client.close();
    await cluster.stop();
  }
});

test('a 5xx reply moves the call to the next member; the reasons are kept when all fail', async () => {
  const noLeader = await startFakeMember((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}');
  });
  const broken = await startFakeMember((_req, res) => {
    res.writeHead(502);
    res.end();
  });
  const healthy = await startFakeMember((_req, res) =>
    replyEvent(res, 9, { action: 'get', node: { key: '/k', value: 'ok', modifiedIndex: 9, createdIndex: 9 } }),
  );
  const dead = await deadEndpoint();
  try {
    const good = new EtcdClient({ endpoints: [noLeader.url, dead, healthy.url] });
    assert.equal((await good.get('/k')).node.value, 'ok');
    good.close();
    const bad = new EtcdClient({ endpoints: [noLeader.url, broken.url, dead] });
    await assert.rejects(bad.get('/k'), (err: unknown) => {
      assert.ok(err instanceof ClusterUnavailableError);
      assert.deepEqual(
        err.errors.map((e) => e.message),
        [
          `client: etcd member ${noLeader.url} has no leader`,
          `client: etcd member ${broken.url} returns server error [Bad Gateway]`,
          `dial tcp ${dead.slice('http://'.length)}: connect: connection refused`,
        ],
      );
      assert.equal(err.allConnectionFailures, false);
      return true;
    });
    bad.close();
  } finally {
    await noLeader.close();
    await broken.close();
    await healthy.close();
  }
});
