/**
 * confd's TLS client options against etcd 3.4 serving HTTPS with client-certificate authentication:
 * -client-ca-keys, -client-cert and -client-key reach the etcd backend; without them the fetch fails.
 *
 *   node --import tsx --test test/confd-cases/tls.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdClient } from '../../src/client/index.js';
import { freePort, repoRoot } from '../support/etcd-process.js';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

function makeCertificates(dir: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=flotilla-test-ca'], dir);
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), ext + '\n');
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`], dir);
  }
}

function run(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(repoRoot, 'bin', 'confd'), args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stderr });
    });
  });
}

test('TLS client certificate options reach the etcd backend', { timeout: 120_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'confd-tls-'));
  const certs = join(work, 'certs');
  mkdirSync(certs);
  makeCertificates(certs);
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `https://127.0.0.1:${clientPort}`;
  const etcd = spawn(
    '/usr/bin/etcd',
    [
      '--enable-v2', '--name', 'tls', '--data-dir', join(work, 'data'),
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `tls=http://127.0.0.1:${peerPort}`,
      '--cert-file', join(certs, 'server.pem'), '--key-file', join(certs, 'server.key'),
      '--client-cert-auth', '--trusted-ca-file', join(certs, 'ca.pem'),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((r) => etcd.on('close', r));
  const tls = { caFile: join(certs, 'ca.pem'), certFile: join(certs, 'client.pem'), keyFile: join(certs, 'client.key') };
  const client = new EtcdClient({ endpoints: [url], tls });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await client.set('/tls/k', 'secret-value');
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const confdir = join(work, 'confdir');
    mkdirSync(join(confdir, 'conf.d'), { recursive: true });
    mkdirSync(join(confdir, 'templates'));
    mkdirSync(join(work, 'out'));
    writeFileSync(join(confdir, 'templates', 't.tmpl'), '{{getv "/tls/k"}}\n');
    writeFileSync(join(confdir, 'conf.d', 't.toml'), '[template]\nsrc = "t.tmpl"\ndest = "out/t.conf"\nkeys = ["/tls"]\n');
    const base = ['-onetime', '-backend', 'etcd', '-node', url, '-confdir', confdir, '-config-file', join(work, 'none.toml')];
    const ok = await run([...base, '-client-ca-keys', tls.caFile, '-client-cert', tls.certFile, '-client-key', tls.keyFile], work);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(readFileSync(join(work, 'out', 't.conf'), 'utf8'), 'secret-value\n');
    const noCert = await run([...base, '-client-ca-keys', tls.caFile], work);
    assert.equal(noCert.code, 1);
    assert.match(noCert.stderr, /FATAL /);
  } finally {
    client.close();
    etcd.kill('SIGTERM');
    await exited;
    rmSync(work, { recursive: true, force: true });
  }
});
