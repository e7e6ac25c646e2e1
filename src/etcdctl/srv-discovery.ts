/**
 * Endpoint discovery through DNS SRV records (--discovery-srv / ETCDCTL_DISCOVERY_SRV): the records
 * _etcd-client-ssl._tcp.<domain> give https endpoints, _etcd-client._tcp.<domain> http ones.
 */
import { promises as dnsPromises, getServers } from 'node:dns';

export interface SrvRecord {
  name: string;
  port: number;
}

export type SrvResolver = (name: string) => Promise<SrvRecord[]>;

function lookupFailure(name: string): string {
  const server = getServers()[0] ?? '127.0.0.1';
  return `lookup ${name} on ${server}:53: no such host`;
}

/** Client URLs named by the domain's SRV records; throws when neither lookup succeeds. */
export async function discoverEndpoints(
  domain: string,
  serviceName: string,
  resolve: SrvResolver = (name) => dnsPromises.resolveSrv(name),
): Promise<string[]> {
  const service = (scheme: 'https' | 'http'): string => {
    const base = scheme === 'https' ? 'etcd-client-ssl' : 'etcd-client';
    return serviceName ? `${base}-${serviceName}` : base;
  };
  const urls: string[] = [];
  const errors: string[] = [];
  for (const scheme of ['https', 'http'] as const) {
    const name = `_${service(scheme)}._tcp.${domain}`;
    try {
      for (const r of await resolve(name)) {
        const target = r.name.endsWith('.') ? r.name : `${r.name}.`;
        urls.push(`${scheme}://${target}:${r.port}`);
      }
    } catch {
      errors.push(lookupFailure(name));
    }
  }
  if (errors.length === 2) throw new Error(`dns lookup errors: ${errors[0]} and ${errors[1]}`);
  return urls;
}
