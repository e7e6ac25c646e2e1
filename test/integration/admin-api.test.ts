/** The 0.4 admin API on the peer port of a running etcd process: config and machines, across restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd } from '../support/etcd-process.js';

async function request(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10000) });
  return { status: res.status, body: await res.text() };
}

test('admin config is set through the log and kept across restarts (log and snapshot); machines lists the member', async () => {
  const proc = await startEtcd({ impl: 'flotilla', name: 'machine0', extraArgs: ['--snapshot-count', '10'] });
  try {
    const config = `${proc.peerURL}/v2/admin/config`;
    const initial = await request(config);
    assert.equal(initial.status, 200);
    assert.equal(initial.body, '{"activeSize":9,"removeDelay":1800,"syncInterval":5}\n');

    const put = await request(config, { method: 'PUT', body: '{"activeSize":5,"removeDelay":30}' });
    assert.equal(put.status, 200);
    assert.equal(put.body, '{"activeSize":5,"removeDelay":30,"syncInterval":5}\n');

    const machines = await request(`${proc.peerURL}/v2/admin/machines`);
    assert.equal(machines.status, 200);
    assert.equal(machines.body, `[{"name":"machine0","state":"leader","clientURL":"${proc.clientURL}","peerURL":"${proc.peerURL}"}]\n`);

    // The config entry did not move the store's index.
    const key = await request(`${proc.clientURL}/v2/keys/k`, { method: 'PUT', body: new URLSearchParams({ value: 'v' }) });
    assert.equal(JSON.parse(key.body).node.modifiedIndex, 1);

    // A crash and restart: the config comes back from the log.
    await proc.restart();
    assert.equal((await request(config)).body, '{"activeSize":5,"removeDelay":30,"syncInterval":5}\n');

    // Enough writes for snapshots, a change after them, then another crash: snapshot plus log.
    for (let i = 0; i < 25; i++) {
      assert.equal((await request(`${proc.clientURL}/v2/keys/s${i}`, { method: 'PUT', body: new URLSearchParams({ value: 'x' }) })).status, 201);
    }
    const second = await request(config, { method: 'PUT', body: '{"syncInterval":2}' });
    assert.equal(second.body, '{"activeSize":5,"removeDelay":30,"syncInterval":2}\n');
    for (let i = 0; i < 15; i++) {
      assert.equal((await request(`${proc.clientURL}/v2/keys/t${i}`, { method: 'PUT', body: new URLSearchParams({ value: 'x' }) })).status, 201);
    }
    await proc.kill9();
    await proc.restart();
    assert.equal((await request(config)).body, '{"activeSize":5,"removeDelay":30,"syncInterval":2}\n');
    assert.equal((await request(`${proc.peerURL}/v2/admin/machines`)).body,
      `[{"name":"machine0","state":"leader","clientURL":"${proc.clientURL}","peerURL":"${proc.peerURL}"}]\n`);
  } finally {
    await proc.stop();
  }
});
