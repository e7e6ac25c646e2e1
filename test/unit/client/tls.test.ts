import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EtcdClient, ClusterUnavailableError } from '../../../src/client/index.js';
import { freePort, repoRoot } from '../../support/etcd-process.js';
import { makeTlsMaterial } from './tls-material.js';
import { etcdCommand } from './test-impl.js';

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

test('TLS with a client certificate: accepted with it, refused without it or with a stranger one', async () => {
  const tls = makeTlsMaterial();
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientURL = `https://127.0.0.1:${clientPort}`;
  const peerURL = `http://127.0.0.1:${peerPort}`;
  const command = etcdCommand();
  const etcd = spawn(
    command.cmd,
    [
      ...command.args,
      '--enable-v2', '--name', 'tls0', '--data-dir', join(tls.dir, 'data'),
      '--listen-client-urls', clientURL, '--advertise-client-urls', clientURL,
      '--listen-peer-urls', peerURL, '--initial-advertise-peer-urls', peerURL,
      '--initial-cluster', `tls0=${peerURL}`,
      '--cert-file', tls.serverCert, '--key-file', tls.serverKey,
      '--client-cert-auth', '--trusted-ca-file', tls.caFile,
    ],
    { stdio: 'ignore' },
  );
  etcd.on('error', () => undefined);
  const client = new EtcdClient({
    endpoints: [clientURL],
    requestTimeoutMs: 2000,
    tls: { caFile: tls.caFile, certFile: tls.clientCert, keyFile: tls.clientKey },
  });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await client.get('/', { quorum: true });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const set = await client.set('/tls/k', 'secret');
    assert.equal(set.action, 'set');
    assert.equal((await client.get('/tls/k')).node.value, 'secret');
    assert.equal((await client.listMembers())[0]?.clientURLs[0], clientURL);

    const noCert = new EtcdClient({ endpoints: [clientURL], requestTimeoutMs: 2000, tls: { caFile: tls.caFile } });
    await assert.rejects(noCert.get('/tls/k'), ClusterUnavailableError);
    noCert.close();

    const stranger = new EtcdClient({
      endpoints: [clientURL],
      requestTimeoutMs: 2000,
      tls: { caFile: tls.caFile, certFile: tls.strangerCert, keyFile: tls.strangerKey },
    });
    await assert.rejects(stranger.get('/tls/k'), ClusterUnavailableError);
    stranger.close();

    const untrusting = new EtcdClient({
      endpoints: [clientURL],
      requestTimeoutMs: 2000,
      tls: { certFile: tls.clientCert, keyFile: tls.clientKey },
    });
    await assert.rejects(untrusting.get('/tls/k'), (err: unknown) => {
      assert.ok(err instanceof ClusterUnavailableError);
      assert.equal(err.errors[0]?.message, 'x509: certificate signed by unknown authority');
      return true;
    });
    untrusting.close();

    // etcdctl takes the same material from its flags
    const ctl = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'etcdctl'), '--endpoints', clientURL, '--ca-file', tls.caFile,
        '--cert-file', tls.clientCert, '--key-file', tls.clientKey, 'get', '/tls/k'],
      { env: { ...process.env, ETCDCTL_API: '2' }, encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(ctl.stdout, 'secret\n');
    assert.equal(ctl.status, 0);
  } finally {
    client.close();
    etcd.kill('SIGKILL');
    await exited(etcd);
    rmSync(tls.dir, { recursive: true, force: true });
  }
});
