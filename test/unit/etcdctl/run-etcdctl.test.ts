import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEtcdctl } from '../../../src/etcdctl/run-etcdctl.js';
import type { CtlIO } from '../../../src/etcdctl/ctl-io.js';
import { startFakeMember, replyEvent, deadEndpoint } from '../client/fake-member.js';

async function run(argv: string[], env: Record<string, string> = {}, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CtlIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { ETCDCTL_API: '2', ...env }, readStdin: async () => stdin };
  const code = await runEtcdctl(argv, io);
  return { code, out, err };
}

test('--version, unknown commands and usage errors', async () => {
  assert.deepEqual(await run(['--version']), { code: 0, out: 'etcdctl version: 3.4.23\nAPI version: 2\n', err: '' });
  assert.deepEqual(await run(['nope']), { code: 3, out: '', err: "No help topic for 'nope'\n" });
  const usage = await run(['get', '--bogus', '/k']);
  assert.equal(usage.code, 1);
  assert.ok(usage.out.startsWith('Incorrect Usage: flag provided but not defined: -bogus\n\nNAME:\n   etcdctl get - '));
  assert.equal(usage.err, 'flag provided but not defined: -bogus\n');
  const global = await run(['--timeout', 'x', 'get', '/k']);
  assert.equal(global.code, 1);
  assert.ok(global.out.startsWith('Incorrect Usage. invalid value "x" for flag -timeout: parse error\n\nNAME:\n   etcdctl - '));
  assert.deepEqual(await run(['--version'], { ETCDCTL_API: '3' }), { code: 1, out: '', err: 'unsupported API version 3\n' });
});

test('missing arguments (checked after the sync, which --no-sync skips)', async () => {
  assert.deepEqual(await run(['--no-sync', '--endpoints', 'http://127.0.0.1:1', 'get']), { code: 1, out: '', err: 'Error:  key required\n' });
  assert.deepEqual(await run(['--no-sync', '--endpoints', 'http://127.0.0.1:1', 'set', '/k']), { code: 1, out: '', err: 'Error:  value required\n' });
  assert.deepEqual(await run(['--endpoints', '127.0.0.1:2379', 'get', '/k']), {
    code: 1,
    out: '',
    err: 'parse "127.0.0.1:2379": first path segment in URL cannot contain colon\n',
  });
});

test('set reads the value from stdin and the endpoints from the environment', async () => {
  const member = await startFakeMember((req, res, body) => {
    if (req.url === '/v2/members') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ members: [{ id: 'a1', name: 'm', peerURLs: ['http://127.0.0.1:2380'], clientURLs: [member.url] }] }));
      return;
    }
    const value = new URLSearchParams(body).get('value') ?? '';
    replyEvent(res, 4, { action: 'set', node: { key: '/k', value, modifiedIndex: 4, createdIndex: 4 } }, 201);
  });
  try {
    const r = await run(['set', '/k'], { ETCDCTL_ENDPOINTS: member.url }, 'from stdin');
    assert.deepEqual(r, { code: 0, out: 'from stdin\n', err: '' });
    assert.deepEqual(member.requests, ['GET /v2/members', 'PUT /v2/keys/k']);
  } finally {
    await member.close();
  }
});

test('connection failures: exit 2 while syncing, 4 on the request itself', async () => {
  const dead = await deadEndpoint();
  const hostPort = dead.slice('http://'.length);
  const detail = `error #0: dial tcp ${hostPort}: connect: connection refused\n`;
  const expectedErr = `Error:  client: etcd cluster is unavailable or misconfigured; ${detail}\n${detail}\n`;
  assert.deepEqual(await run(['--endpoints', dead, 'get', '/k']), { code: 2, out: '', err: expectedErr });
  assert.deepEqual(await run(['--no-sync', '--endpoints', dead, 'get', '/k']), { code: 4, out: '', err: expectedErr });
});
