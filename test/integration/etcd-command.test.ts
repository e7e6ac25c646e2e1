/** The etcd process as a user starts it: flags, the walkthrough, restarts, TLS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { flotillaCommand, freePort, probe, startEtcd } from '../support/etcd-process.js';

const etcd = flotillaCommand();

function runEtcd(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const r = spawnSync(etcd.cmd, [...etcd.args, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stderr: r.stderr };
}

async function request(url: string, init?: RequestInit): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10000) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

test('unknown and malformed flags: a message and exit code 2, nothing started', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-flags-'));
  try {
    for (const args of [['--no-such-flag'], ['--snapshot-count', 'many'], ['-name'], ['positional']]) {
      const r = runEtcd([...args, '--data-dir', join(dir, 'd')]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^etcd: /);
    }
    assert.throws(() => readFileSync(join(dir, 'd', 'member', 'wal')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--version prints the version and exits 0', () => {
  const r = spawnSync(etcd.cmd, [...etcd.args, '--version'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^etcd Version: 3\.4\.\d+\n/);
});

test('the walkthrough with 0.4 flags: set, get, delete "message" on -addr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-walk-'));
  const port = await freePort();
  const peerPort = await freePort();
  const child = spawn(etcd.cmd, [...etcd.args, '-data-dir', join(dir, 'machine0'), '-name', 'machine0',
    '-addr', `127.0.0.1:${port}`, '-peer-addr', `127.0.0.1:${peerPort}`], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 20000;
    while ((await probe(`${base}/version`, 500)) !== 200) {
      assert.ok(Date.now() < deadline, 'server did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
    const put = await request(`${base}/v2/keys/message`, { method: 'PUT', body: new URLSearchParams({ value: 'Hello world' }) });
    assert.equal(put.status, 201);
    const created = JSON.parse(put.body) as { action: string; node: { key: string; value: string; modifiedIndex: number } };
    assert.equal(created.action, 'set');
    assert.equal(created.node.key, '/message');
    assert.equal(created.node.value, 'Hello world');
    assert.equal(put.headers.get('x-etcd-index'), String(created.node.modifiedIndex));
    const get = await request(`${base}/v2/keys/message`);
    assert.equal(JSON.parse(get.body).node.value, 'Hello world');
    const del = await request(`${base}/v2/keys/message`, { method: 'DELETE' });
    assert.equal(JSON.parse(del.body).action, 'delete');
    const gone = await request(`${base}/v2/keys/message`);
    assert.equal(gone.status, 404);
    assert.equal(JSON.parse(gone.body).errorCode, 100);
    const members = await request(`${base}/v2/members`);
    const list = JSON.parse(members.body) as { members: { name: string; clientURLs: string[] }[] };
    assert.deepEqual(list.members.map((m) => [m.name, m.clientURLs]), [['machine0', [base]]]);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restart replays the log: keys, indexes and TTLs survive SIGTERM and SIGKILL', async () => {
  const proc = await startEtcd({ impl: 'flotilla', extraArgs: ['--snapshot-count', '50'] });
  try {
    let last = 0;
    for (let i = 0; i < 120; i++) {
      const r = await request(`${proc.clientURL}/v2/keys/k/${i % 30}`, { method: 'PUT', body: new URLSearchParams({ value: `v${i}` }) });
      last = Number(r.headers.get('x-etcd-index'));
    }
    await request(`${proc.clientURL}/v2/keys/ttl`, { method: 'PUT', body: new URLSearchParams({ value: 'x', ttl: '300' }) });
    last += 1;
    for (const how of ['term', 'kill'] as const) {
      if (how === 'kill') await proc.kill9();
      await proc.restart();
      const r = await request(`${proc.clientURL}/v2/keys/k?recursive=true&sorted=true`);
      const node = JSON.parse(r.body).node as { nodes: { key: string; value: string }[] };
      assert.equal(node.nodes.length, 30);
      assert.equal(node.nodes.find((n) => n.key === '/k/29')!.value, 'v119');
      assert.equal(Number(r.headers.get('x-etcd-index')), last);
      const ttl = JSON.parse((await request(`${proc.clientURL}/v2/keys/ttl`)).body).node as { ttl: number };
      assert.ok(ttl.ttl > 290 && ttl.ttl <= 300, `ttl ${ttl.ttl}`);
    }
  } finally {
    await proc.stop();
  }
});

test('a member restarted with new client URLs publishes them, as etcd does', async () => {
  for (const impl of ['flotilla', 'reference'] as const) {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'flotilla-republish-')), 'data');
    try {
      const first = await startEtcd({ impl, name: 'm1', dataDir });
      try {
        await request(`${first.clientURL}/v2/keys/kept`, { method: 'PUT', body: new URLSearchParams({ value: 'yes' }) });
      } finally {
        await first.stop();
      }
      // The same data dir, another client port: the stored membership still names the old one.
      const second = await startEtcd({ impl, name: 'm1', dataDir });
      try {
        assert.notEqual(second.clientURL, first.clientURL);
        let clientURLs: string[] = [];
        for (let i = 0; i < 100; i++) {
          const members = JSON.parse((await request(`${second.clientURL}/v2/members`)).body) as { members: { clientURLs: string[] }[] };
          clientURLs = members.members[0]!.clientURLs;
          if (clientURLs[0] === second.clientURL) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.deepEqual(clientURLs, [second.clientURL], `${impl}: /v2/members after the restart`);
        assert.equal(JSON.parse((await request(`${second.clientURL}/v2/keys/kept`)).body).node.value, 'yes');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  }
});

test('TLS on the client port with client-certificate authentication', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.pem');
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', `${who}.key`, '-out', `${who}.csr`);
    ssl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.cnf', '-out', `${who}.pem`);
  }
  // A client certificate from a CA the server does not trust.
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=stranger', '-keyout', 'stranger.key', '-out', 'stranger.pem');
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const child = spawn(etcd.cmd, [...etcd.args, '--data-dir', join(dir, 'data'),
    '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', `http://127.0.0.1:${await freePort()}`,
    '--cert-file', join(dir, 'server.pem'), '--key-file', join(dir, 'server.key'),
    '--client-cert-auth', '--trusted-ca-file', join(dir, 'ca.pem')], { stdio: 'ignore' });
  const ca = readFileSync(join(dir, 'ca.pem'));
  const get = (cert?: string) => new Promise<number>((resolve, reject) => {
    const req = https.get(`${url}/v2/keys/`, {
      ca, agent: false, timeout: 5000,
      cert: cert ? readFileSync(join(dir, `${cert}.pem`)) : undefined,
      key: cert ? readFileSync(join(dir, `${cert}.key`)) : undefined,
    }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
  try {
    const deadline = Date.now() + 20000;
    for (;;) {
      try {
        assert.equal(await get('client'), 200);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await assert.rejects(get(), /certificate|socket hang up|ECONNRESET|alert/i);
    await assert.rejects(get('stranger'), /certificate|socket hang up|ECONNRESET|alert|unknown ca/i);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The segment file of a stopped member, and the length of its written part (the rest is preallocated zeros). */
function walSegment(dataDir: string): { file: string; used: number } {
  const walDir = join(dataDir, 'member', 'wal');
  const name = readdirSync(walDir).filter((n) => n.endsWith('.wal')).sort().at(-1)!;
  const file = join(walDir, name);
  const bytes = readFileSync(file);
  let used = bytes.length;
  while (used > 0 && bytes[used - 1] === 0) used--;
  return { file, used };
}

test('a torn last record is cut off and the member starts; damage inside the log stops it naming file and offset', async () => {
  const proc = await startEtcd({ impl: 'flotilla' });
  try {
    for (let i = 0; i < 40; i++) {
      const r = await request(`${proc.clientURL}/v2/keys/t${i}`, { method: 'PUT', body: new URLSearchParams({ value: 'x'.repeat(200) }) });
      assert.equal(r.status, 201);
    }
    await proc.kill9();
    // Tear the last record: cut its final bytes as a crash in the middle of a write would.
    const torn = walSegment(proc.dataDir);
    const fd = openSync(torn.file, 'r+');
    ftruncateSync(fd, torn.used - 100);
    closeSync(fd);
    await proc.restart();
    const first = await request(`${proc.clientURL}/v2/keys/t0`);
    assert.equal(first.status, 200);
    await proc.kill9();

    // Flip one bit in the middle of the written log.
    const { file, used } = walSegment(proc.dataDir);
    const bytes = readFileSync(file);
    const at = Math.floor(used / 2);
    bytes[at] = bytes[at]! ^ 0x10;
    writeFileSync(file, bytes);
    const r = runEtcd(['--data-dir', proc.dataDir, '--listen-client-urls', `http://127.0.0.1:${await freePort()}`,
      '--advertise-client-urls', 'http://127.0.0.1:1', '--listen-peer-urls', `http://127.0.0.1:${await freePort()}`]);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(file.split('/').at(-1)!), r.stderr);
    assert.match(r.stderr, /offset \d+/);
  } finally {
    await proc.stop();
  }
});
