/**
 * etcd 0.4 standby mode across real processes: a cluster started the 0.4 way with activeSize 3 gets
 * a fourth machine, which runs as a standby (client port 307 to the leader, peer port 404); when a
 * member is removed through the admin API the standby joins, and the removed member goes on as a
 * standby instead of exiting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotillaCommand, freePort } from '../support/etcd-process.js';

interface Machine {
  readonly name: string;
  readonly clientURL: string;
  readonly peerURL: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
}

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: string; location: string | null } | null> {
  try {
    const res = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: await res.text(), location: res.headers.get('location') };
  } catch {
    return null;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => { child.off('exit', onExit); resolve(false); }, ms);
    const onExit = () => { clearTimeout(timer); resolve(true); };
    child.once('exit', onExit);
  });
}

async function stopMachine(m: Machine): Promise<void> {
  m.child.kill('SIGTERM');
  if (!(await exited(m.child, 5000))) {
    m.child.kill('SIGKILL');
    await exited(m.child, 5000);
  }
}

interface MachineEntry { name: string; state: string; clientURL: string; peerURL: string }

async function machines(peerURL: string): Promise<MachineEntry[] | undefined> {
  const r = await get(`${peerURL}/v2/admin/machines`);
  return r?.status === 200 ? JSON.parse(r.body) as MachineEntry[] : undefined;
}

/** Starts machines the 0.4 way in `root`; every machine started is in `started`. */
function machineLauncher(root: string, started: Machine[]) {
  const { cmd, args: base } = flotillaCommand();
  const launch = async (name: string, extra: string[]): Promise<Machine> => {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const dataDir = join(root, name);
    const out = openSync(join(root, `${name}.log`), 'a');
    const child = spawn(cmd, [
      ...base, '-name', name, '-data-dir', dataDir,
      '-addr', `127.0.0.1:${clientPort}`, '-peer-addr', `127.0.0.1:${peerPort}`, ...extra,
    ], { stdio: ['ignore', out, out] });
    closeSync(out);
    child.on('error', () => undefined);
    const m = { name, clientURL: `http://127.0.0.1:${clientPort}`, peerURL: `http://127.0.0.1:${peerPort}`, dataDir, child };
    started.push(m);
    return m;
  };
  const memberReady = (m: Machine) => waitFor(`${m.name} to serve as a member`, 30_000, async () => {
    assert.equal(m.child.exitCode, null, `${m.name} exited`);
    const r = await get(`${m.clientURL}/v2/keys/?quorum=true`);
    return r?.status === 200 ? true : undefined;
  });
  return { launch, memberReady };
}

/** Three members with activeSize 3 (m1 seeds the configuration), then m4, which becomes a standby. */
async function fourMachines(root: string, started: Machine[], removeDelay: number) {
  const { launch, memberReady } = machineLauncher(root, started);
  const m1 = await launch('m1', ['-cluster-active-size', '3', '-cluster-sync-interval', '1', '-cluster-remove-delay', String(removeDelay)]);
  await memberReady(m1);
  // The -cluster-* flags seeded the new cluster's configuration.
  await waitFor('the seeded configuration', 15_000, async () => {
    const r = await get(`${m1.peerURL}/v2/admin/config`);
    return r?.body === `{"activeSize":3,"removeDelay":${removeDelay},"syncInterval":1}\n` ? true : undefined;
  });
  const m2 = await launch('m2', ['-peers', m1.peerURL.slice(7)]);
  await memberReady(m2);
  const m3 = await launch('m3', ['-peers', `${m1.peerURL.slice(7)},${m2.peerURL.slice(7)}`]);
  await memberReady(m3);
  await waitFor('three named members', 15_000, async () => {
    const list = await machines(m1.peerURL);
    return list?.length === 3 && list.every((m) => m.name !== '') ? true : undefined;
  });
  const m4 = await launch('m4', ['-peers', [m1, m2, m3].map((m) => m.peerURL.slice(7)).join(',')]);
  const leader = await waitFor('a leader in the machine list', 10_000, async () => (await machines(m1.peerURL))?.find((m) => m.state === 'leader'));
  const redirect = await waitFor('the standby to redirect', 30_000, async () => {
    assert.equal(m4.child.exitCode, null, 'm4 exited');
    const r = await get(`${m4.clientURL}/v2/keys/foo?recursive=true`);
    return r?.status === 307 ? r : undefined;
  });
  return { m1, m2, m3, m4, leader, redirect };
}

test('0.4 mode: a fourth machine is a standby while activeSize is 3 and joins when a member is removed', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-standby-'));
  const started: Machine[] = [];
  try {
    const { m1, m2, m3, m4, leader, redirect } = await fourMachines(root, started, 60);
    // The fourth machine found the cluster full and runs as a standby.
    assert.equal(redirect.location, `${leader.clientURL}/v2/keys/foo?recursive=true`);
    assert.equal((await get(`${m4.peerURL}/v2/admin/machines`))?.status, 404);
    assert.deepEqual((await machines(m1.peerURL))?.map((m) => m.name), ['m1', 'm2', 'm3']);

    // A member is removed; the standby takes its place.
    const victim = [m1, m2, m3].find((m) => m.peerURL !== leader.peerURL)!;
    const del = await get(`${leader.peerURL}/v2/admin/machines/${victim.name}`, { method: 'DELETE' });
    assert.equal(del?.status, 200);
    await waitFor('the standby to join', 30_000, async () => {
      const list = await machines(leader.peerURL);
      return list?.some((m) => m.name === 'm4') ? true : undefined;
    });

    // The removed member did not exit: it moved its data aside and went on as a standby. However
    // the machines raced for the free place, the cluster settles at three peers plus one standby.
    await waitFor(`${victim.name} to move its data aside`, 15_000, async () =>
      readdirSync(victim.dataDir).some((f) => f.startsWith('member.removed-')) ? true : undefined);
    const settled = await waitFor('three peers and a redirecting standby', 30_000, async () => {
      const list = await machines(leader.peerURL) ?? await machines(m4.peerURL);
      if (list?.length !== 3 || list.some((m) => m.name === '')) return undefined;
      const out = [m1, m2, m3, m4].filter((m) => !list.some((e) => e.name === m.name));
      if (out.length !== 1) return undefined;
      const r = await get(`${out[0]!.clientURL}/v2/keys/foo`);
      return r?.status === 307 ? { list, out: out[0]! } : undefined;
    });
    assert.equal(settled.list.length, 3);
    // 0.4's /v2/machines: the leader's client URL first.
    const lead = settled.list.find((m) => m.state === 'leader')!;
    const order = await get(`${lead.clientURL}/v2/machines`);
    assert.equal(order?.status, 200);
    const urls = order!.body.split(', ');
    assert.equal(urls[0], lead.clientURL);
    assert.deepEqual([...urls].sort(), settled.list.map((m) => m.clientURL).sort());
    for (const m of [m1, m2, m3, m4]) assert.equal(m.child.exitCode, null, `${m.name} is still running`);
  } finally {
    await Promise.all(started.map(stopMachine));
    rmSync(root, { recursive: true, force: true });
  }
});

test('0.4 mode: the leader removes a member unreachable for longer than removeDelay, and the standby takes its place', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-standby-'));
  const started: Machine[] = [];
  try {
    const { m1, m2, m3, m4, leader } = await fourMachines(root, started, 2);
    const victim = [m1, m2, m3].find((m) => m.peerURL !== leader.peerURL)!;
    victim.child.kill('SIGKILL');
    assert.ok(await exited(victim.child, 5000));
    const list = await waitFor('the silent member removed and the standby joined', 30_000, async () => {
      const l = await machines(leader.peerURL);
      return l !== undefined && !l.some((m) => m.name === victim.name) && l.some((m) => m.name === 'm4') ? l : undefined;
    });
    assert.equal(list.length, 3);
    assert.equal(list.find((m) => m.state === 'leader')?.peerURL, leader.peerURL);
    for (const m of [m1, m2, m3, m4].filter((x) => x !== victim)) assert.equal(m.child.exitCode, null, `${m.name} is still running`);
  } finally {
    await Promise.all(started.map(stopMachine));
    rmSync(root, { recursive: true, force: true });
  }
});
