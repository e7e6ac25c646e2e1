import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType, newMessage } from '../../../src/raft/messages.js';
import { startMembers, type ServerTls } from './transport-harness.js';

const CLUSTER = 0xabcn;
let dir = '';

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, and a certificate for 127.0.0.1 it signs, usable as server and as client certificate. */
function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-ca.key`, '-out', `${name}-ca.crt`,
    '-days', '1', '-subj', `/CN=${name} test CA`);
}

function makeCert(ca: string, name: string): void {
  writeFileSync(join(dir, `${name}.ext`),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature\n');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}-ca.crt`, '-CAkey', `${ca}-ca.key`, '-CAcreateserial',
    '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
}

const file = (name: string) => join(dir, name);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-rafthttp-tls-'));
  makeCa('good');
  makeCa('rogue');
  makeCert('good', 'm1');
  makeCert('good', 'm2');
  makeCert('rogue', 'intruder');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function serverTls(name: string): ServerTls {
  return { cert: readFileSync(file(`${name}.crt`)), key: readFileSync(file(`${name}.key`)), ca: readFileSync(file('good-ca.crt')), requestCert: true };
}

const msg = (from: bigint, to: bigint, index: number) => newMessage({ type: MessageType.Heartbeat, from, to, index });

test('members with certificates from the peer CA talk over TLS with client certificate auth', async () => {
  const names: Record<string, string> = { '1': 'm1', '2': 'm2' };
  const members = await startMembers([1n, 2n], (id) => ({
    clusterId: CLUSTER,
    tls: { certFile: file(`${names[String(id)]}.crt`), keyFile: file(`${names[String(id)]}.key`), trustedCaFile: file('good-ca.crt'), clientCertAuth: true },
  }), (id) => serverTls(names[String(id)]));
  const [a, b] = members;
  try {
    assert.match(a.url, /^https:/);
    a.transport.addPeer(2n, [b.url]);
    b.transport.addPeer(1n, [a.url]);
    a.transport.send([msg(1n, 2n, 1), msg(1n, 2n, 2)]);
    b.transport.send([msg(2n, 1n, 3)]);
    await b.waitFor(() => b.received.length === 2, 'messages at member 2');
    await a.waitFor(() => a.received.length === 1, 'message at member 1');
    assert.deepEqual(b.received.map((m) => m.index), [1, 2]);
    a.transport.send([newMessage({
      type: MessageType.Snap, from: 1n, to: 2n,
      snapshot: { data: new Uint8Array([1, 2, 3]), metadata: { index: 9, term: 1, confState: { voters: [1n, 2n] } } },
    })]);
    await a.waitFor(() => a.snapshotReports.length === 1, 'snapshot report');
    assert.deepEqual(a.snapshotReports, [{ id: 2n, ok: true }]);
    assert.deepEqual(a.unreachable, []);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer with a certificate from another CA, or with none, is refused', async () => {
  const members = await startMembers([2n, 3n, 4n], (id) => ({
    clusterId: CLUSTER,
    tls: id === 2n
      ? { certFile: file('m2.crt'), keyFile: file('m2.key'), trustedCaFile: file('good-ca.crt'), clientCertAuth: true }
      : id === 3n
        ? { certFile: file('intruder.crt'), keyFile: file('intruder.key'), trustedCaFile: file('good-ca.crt'), clientCertAuth: true }
        : { trustedCaFile: file('good-ca.crt'), clientCertAuth: false },
  }), (id) => serverTls(id === 2n ? 'm2' : 'm1'));
  const [server, intruder, anonymous] = members;
  try {
    server.transport.addPeer(3n, [intruder.url]);
    server.transport.addPeer(4n, [anonymous.url]);
    intruder.transport.addPeer(2n, [server.url]);
    anonymous.transport.addPeer(2n, [server.url]);
    intruder.transport.send([msg(3n, 2n, 1)]);
    anonymous.transport.send([msg(4n, 2n, 1)]);
    await intruder.waitFor(() => intruder.unreachable.includes(2n), 'refusal of the rogue certificate');
    await anonymous.waitFor(() => anonymous.unreachable.includes(2n), 'refusal of the missing certificate');
    assert.equal(server.received.length, 0);
    assert.ok(intruder.logs.some((l) => /unreachable/.test(l)), intruder.logs.join('\n'));
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});
