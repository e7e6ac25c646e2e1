/**
 * `/metrics` of a single member against real etcd 3.4's: the same requests go to both, and every
 * metric family etcd serves for the v2 API, the disk, Raft and the process must be served by
 * Flotilla too, with the same type, label names and histogram buckets, and the counters the
 * requests move must move by the same amounts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type EtcdImpl, type EtcdProcess } from '../support/etcd-process.js';
import { httpRequest } from '../support/cluster.js';
import { parseExposition, sampleValue, type Family } from '../support/prometheus-text.js';

/**
 * Families of etcd 3.4 that have no counterpart in a v2 server written in TypeScript: the v3
 * store and its bbolt backend, leases, gRPC, the Go runtime, and the metrics handler's own.
 */
const NOT_V2 = [
  /^go_/, /^grpc_/, /^promhttp_/, /^etcd_debugging_mvcc_/, /^etcd_mvcc_/, /^etcd_disk_backend_/,
  /^etcd_debugging_disk_backend_/, /^etcd_debugging_lease_/, /^etcd_debugging_server_lease_/,
  /^etcd_grpc_proxy_/, /^etcd_snap_db_/, /^etcd_network_client_grpc_/, /^etcd_disk_defrag_/,
  /^etcd_debugging_auth_revision$/, /^etcd_server_quota_backend_bytes$/, /^etcd_server_go_version$/,
  /^etcd_server_learner_promote_successes$/,
];

async function metrics(url: string): Promise<Map<string, Family>> {
  const r = await httpRequest('GET', `${url}/metrics`);
  assert.equal(r.status, 200);
  return parseExposition(r.text);
}

/** Waits (bounded) until the member has published itself and the cluster version is decided. */
async function settled(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const members = (await httpRequest('GET', `${url}/v2/members`)).json as { members: { name: string }[] };
    const version = (await httpRequest('GET', `${url}/version`)).json as { etcdcluster: string };
    if (members.members[0]?.name !== '' && version.etcdcluster !== 'not_decided') return;
    if (Date.now() > deadline) throw new Error(`${url} did not settle`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The same requests for both servers: writes of every kind, reads, failures, watches, an expiry. */
async function exercise(url: string): Promise<void> {
  const form = 'application/x-www-form-urlencoded';
  const put = (path: string, body: string): Promise<unknown> => httpRequest('PUT', `${url}/v2/keys${path}`, { body, contentType: form });
  await put('/m/a', 'value=1');
  await put('/m/a?prevValue=1', 'value=2');
  await put('/m/a?prevExist=true', 'value=3');
  await put('/m/b?prevExist=false', 'value=1');
  await put('/m/missing?prevExist=true', 'value=1'); // 404
  await put('/m/dir?dir=true', '');
  await httpRequest('POST', `${url}/v2/keys/m/queue`, { body: 'value=job', contentType: form });
  await httpRequest('DELETE', `${url}/v2/keys/m/a?prevValue=3`);
  await httpRequest('DELETE', `${url}/v2/keys/m/b`);
  await httpRequest('GET', `${url}/v2/keys/m/nope`); // 404
  await httpRequest('GET', `${url}/v2/keys/m?recursive=true`);
  await httpRequest('GET', `${url}/v2/keys/m/queue?quorum=true`);
  await httpRequest('GET', `${url}/v2/keys/m/nope?quorum=true`); // 404
  await httpRequest('GET', `${url}/v2/keys/m/x?wait=true&waitIndex=1000000`).catch(() => null); // a watch that is not counted
  await put('/m/ttl', 'value=1&ttl=1');
  // Returns with the key's expiry.
  await httpRequest('GET', `${url}/v2/keys/m/ttl?wait=true`, { timeoutMs: 10_000 });
  await httpRequest('GET', `${url}/health`);
}

/** The value a sample moved by between two scrapes (0 when absent from both). */
function moved(a: Map<string, Family>, b: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  return (sampleValue(b, name, labels) ?? 0) - (sampleValue(a, name, labels) ?? 0);
}

interface Run {
  before: Map<string, Family>;
  after: Map<string, Family>;
  /** The member's ID, from `/v2/stats/self`. */
  id: string;
}

describe('/metrics on one member, against real etcd 3.4', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-metrics-'));
  const runs = new Map<EtcdImpl, Run>();
  const procs: EtcdProcess[] = [];

  before(async () => {
    for (const impl of ['flotilla', 'reference'] as const) {
      const p = await startEtcd({ impl, name: 'm1', dataDir: join(root, impl) });
      procs.push(p);
      await settled(p.clientURL);
      const first = await metrics(p.clientURL);
      await exercise(p.clientURL);
      const self = (await httpRequest('GET', `${p.clientURL}/v2/stats/self`)).json as { id: string };
      runs.set(impl, { before: first, after: await metrics(p.clientURL), id: self.id });
    }
  });

  after(async () => {
    for (const p of procs) await p.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves every v2, disk, Raft and process family etcd serves, with its type, labels and buckets', () => {
    const ours = runs.get('flotilla')!.after;
    const theirs = runs.get('reference')!.after;
    const checked: string[] = [];
    for (const [name, family] of theirs) {
      if (NOT_V2.some((re) => re.test(name))) continue;
      const mine = ours.get(name);
      assert.ok(mine !== undefined, `missing family ${name}`);
      assert.equal(mine.type, family.type, `type of ${name}`);
      const labelNames = (f: Family): string => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels).filter((l) => l !== 'le')))].sort().join(',');
      if (family.samples.length > 0 && mine.samples.length > 0) assert.equal(labelNames(mine), labelNames(family), `labels of ${name}`);
      if (family.type === 'histogram') {
        const bounds = (f: Family): string => [...new Set(f.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => Number(s.labels.le)))].join(',');
        if (mine.samples.length > 0 && family.samples.length > 0) assert.equal(bounds(mine), bounds(family), `buckets of ${name}`);
      }
      checked.push(name);
    }
    // The comparison covered the families that matter for the v2 API (a sanity bound on the filter).
    assert.ok(checked.length >= 35, `only ${checked.length} families compared: ${checked.join(' ')}`);
  });

  it('moves the request, store, health and disk counters as etcd does for the same requests', () => {
    const f = runs.get('flotilla')!;
    const e = runs.get('reference')!;
    const same = (name: string, labels: Record<string, string> = {}): void => {
      assert.equal(moved(f.before, f.after, name, labels), moved(e.before, e.after, name, labels), `${name} ${JSON.stringify(labels)}`);
    };
    for (const method of ['PUT', 'POST', 'DELETE', 'GET', 'QGET']) {
      same('etcd_http_received_total', { method });
      same('etcd_http_successful_duration_seconds_count', { method });
    }
    same('etcd_http_failed_total', { code: '404', method: 'PUT' });
    same('etcd_http_failed_total', { code: '404', method: 'GET' });
    same('etcd_http_failed_total', { code: '404', method: 'QGET' });
    for (const action of ['set', 'create', 'compareAndSwap', 'update', 'delete', 'compareAndDelete']) {
      same('etcd_debugging_store_writes_total', { action });
    }
    same('etcd_debugging_store_reads_total', { action: 'getRecursive' });
    same('etcd_debugging_store_watch_requests_total');
    same('etcd_debugging_store_expires_total');
    same('etcd_server_health_success');
    // What the requests above are known to do, so that the comparison cannot pass on two zeros.
    assert.equal(moved(f.before, f.after, 'etcd_http_received_total', { method: 'QGET' }), 2);
    assert.equal(moved(f.before, f.after, 'etcd_debugging_store_writes_total', { action: 'compareAndSwap' }), 1);
    // The update of a missing key failed, and counts all the same, as in etcd.
    assert.equal(moved(f.before, f.after, 'etcd_debugging_store_writes_total', { action: 'update' }), 2);
    assert.equal(moved(f.before, f.after, 'etcd_debugging_store_expires_total'), 1);
    assert.ok(moved(f.before, f.after, 'etcd_disk_wal_fsync_duration_seconds_count') > 0);
    assert.ok(moved(f.before, f.after, 'etcd_disk_wal_write_bytes_total') > 0);
    assert.equal(sampleValue(f.after, 'etcd_server_leader_changes_seen_total'), sampleValue(e.after, 'etcd_server_leader_changes_seen_total'));
    assert.equal(sampleValue(f.after, 'etcd_server_leader_changes_seen_total'), 1);
  });

  it('names the member, its versions and its process as etcd does', () => {
    const ours = runs.get('flotilla')!.after;
    const theirs = runs.get('reference')!.after;
    const label = (fs: Map<string, Family>, name: string, key: string): string | undefined => fs.get(name)?.samples[0]?.labels[key];
    assert.equal(label(ours, 'etcd_server_id', 'server_id'), runs.get('flotilla')!.id);
    assert.equal(label(theirs, 'etcd_server_id', 'server_id'), runs.get('reference')!.id);
    for (const name of ['etcd_cluster_version', 'etcd_server_version']) {
      const key = name === 'etcd_cluster_version' ? 'cluster_version' : 'server_version';
      assert.equal(label(ours, name, key), label(theirs, name, key), name);
    }
    const rss = sampleValue(ours, 'process_resident_memory_bytes') ?? 0;
    assert.ok(rss > 10e6 && rss < 2e9, `rss ${rss}`);
    const fds = sampleValue(ours, 'process_open_fds') ?? 0;
    assert.ok(fds > 3 && fds <= (sampleValue(ours, 'process_max_fds') ?? 0), `fds ${fds}`);
    const started = sampleValue(ours, 'process_start_time_seconds') ?? 0;
    assert.ok(Math.abs(started - Date.now() / 1000) < 120, `start time ${started}`);
  });
});
