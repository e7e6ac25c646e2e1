/** A three-member cluster of the reference etcd 3.4 on loopback ports, for failover tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, probe } from '../../support/etcd-process.js';

export interface ClusterMember {
  name: string;
  clientURL: string;
  kill9(): Promise<void>;
}

export interface ReferenceCluster {
  members: ClusterMember[];
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function startReferenceCluster(size = 3): Promise<ReferenceCluster> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-client-cluster-'));
  const ports: { client: number; peer: number }[] = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const names = ports.map((_, i) => `c${i}`);
  const initial = names.map((n, i) => `${n}=http://127.0.0.1:${ports[i]!.peer}`).join(',');
  const children: ChildProcess[] = [];
  const members: ClusterMember[] = names.map((name, i) => {
    const clientURL = `http://127.0.0.1:${ports[i]!.client}`;
    const peerURL = `http://127.0.0.1:${ports[i]!.peer}`;
    const child = spawn(
      process.env.ETCD_BIN ?? '/usr/bin/etcd',
      [
        '--enable-v2', '--name', name, '--data-dir', join(root, name),
        '--listen-client-urls', clientURL, '--advertise-client-urls', clientURL,
        '--listen-peer-urls', peerURL, '--initial-advertise-peer-urls', peerURL,
        '--initial-cluster', initial, '--initial-cluster-state', 'new',
        '--heartbeat-interval', '50', '--election-timeout', '500',
      ],
      { stdio: 'ignore' },
    );
    child.on('error', () => undefined);
    children.push(child);
    return {
      name,
      clientURL,
      kill9: async () => {
        child.kill('SIGKILL');
        await exited(child);
      },
    };
  });
  const stop = async (): Promise<void> => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    rmSync(root, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (const m of members) {
    while ((await probe(`${m.clientURL}/v2/keys/?quorum=true`, 1000)) !== 200) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error('reference cluster did not come up');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { members, stop };
}
