/**
 * What the cluster tests run against and the few key-value requests they make.
 * CLUSTER_IMPL=flotilla|reference picks the implementation (default: reference, real etcd 3.4).
 */
import type { EtcdImpl } from '../support/etcd-process.js';
import { httpRequest, type HttpAnswer } from '../support/cluster.js';

export const clusterImpl: EtcdImpl = process.env.CLUSTER_IMPL === 'flotilla' ? 'flotilla' : 'reference';

interface KeyBody {
  node?: { key?: string; value?: string; dir?: boolean; modifiedIndex?: number; nodes?: KeyBody['node'][] };
  errorCode?: number;
}

/** PUT value at key; resolves with the answer (rejects on transport errors and timeouts). */
export function putKey(clientURL: string, key: string, value: string, timeoutMs = 5000): Promise<HttpAnswer> {
  return httpRequest('PUT', `${clientURL}/v2/keys${key}`, { body: `value=${encodeURIComponent(value)}`, timeoutMs });
}

/** The value at key (null when absent); quorum or local read. */
export async function readKey(clientURL: string, key: string, quorum: boolean, timeoutMs = 2000): Promise<string | null> {
  const r = await httpRequest('GET', `${clientURL}/v2/keys${key}${quorum ? '?quorum=true' : ''}`, { timeoutMs });
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`GET ${key} answered ${r.status}: ${r.text}`);
  return (r.json as KeyBody).node?.value ?? null;
}

/** Every leaf under dir as key → value, from a local (non-quorum) recursive read of one member. */
export async function readTree(clientURL: string, dir: string, timeoutMs = 5000): Promise<Map<string, string>> {
  const r = await httpRequest('GET', `${clientURL}/v2/keys${dir}?recursive=true`, { timeoutMs });
  const out = new Map<string, string>();
  if (r.status === 404) return out;
  if (r.status !== 200) throw new Error(`GET ${dir} answered ${r.status}: ${r.text}`);
  const walk = (n: KeyBody['node']): void => {
    if (!n) return;
    if (n.dir) for (const c of n.nodes ?? []) walk(c);
    else if (n.key !== undefined) out.set(n.key, n.value ?? '');
  };
  walk((r.json as KeyBody).node);
  return out;
}

/** Writes `count` keys dir/k0..k{count-1} (value v<i>) through `clientURL`, `parallel` at a time. */
export async function writeMany(clientURL: string, dir: string, count: number, parallel = 16): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const r = await putKey(clientURL, `${dir}/k${i}`, `v${i}`, 10_000);
      if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${dir}/k${i} answered ${r.status}: ${r.text}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
