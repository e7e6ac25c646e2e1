/**
 * Makes the output of one side comparable with the other: ports, member IDs, expiration times and
 * remaining TTLs are replaced by placeholders, and etcd indexes become offsets from the index the
 * server had when the run began.
 */

export interface SideFacts {
  clientURL: string;
  peerURL: string;
  /** X-Etcd-Index before the first invocation. */
  baseIndex: number;
  /** Hex IDs of the cluster's members. */
  memberIds: string[];
  /** URL of the silent server of the run (its port differs between runs). */
  blackhole?: string;
}

export function normalizeOutput(text: string, facts: SideFacts): string {
  const cport = new URL(facts.clientURL).port;
  const pport = new URL(facts.peerURL).port;
  // indexes the run produced; numbers given on the command line (e.g. --swap-with-index 99999999) stay
  const rel = (n: string): string => {
    const v = Number(n);
    return v >= facts.baseIndex && v < facts.baseIndex + 100_000 ? `i+${v - facts.baseIndex}` : n;
  };
  let out = text;
  for (const id of facts.memberIds) out = out.split(id).join('<ID>');
  if (facts.blackhole) out = out.split(facts.blackhole).join('http://<silent>');
  return out
    .split(`127.0.0.1:${cport}`).join('127.0.0.1:<C>')
    .split(`127.0.0.1:${pport}`).join('127.0.0.1:<P>')
    .replace(/"expiration":"[^"]*"/g, '"expiration":"<T>"')
    .replace(/"ttl":\d+/g, '"ttl":<ttl>')
    .replace(/^TTL: [1-9]\d*$/gm, 'TTL: <ttl>')
    .replace(/"(createdIndex|modifiedIndex)":(\d+)/g, (_m, f: string, n: string) => `"${f}":${rel(n)}`)
    .replace(/^(Created-Index|Modified-Index|Index): (\d+)$/gm, (_m, f: string, n: string) => `${f}: ${rel(n)}`)
    .replace(/\) \[(\d+)\]$/gm, (_m, n: string) => `) [${rel(n)}]`)
    .replace(/\[(\d+) != (\d+)\]/g, (_m, a: string, b: string) => `[${rel(a)} != ${rel(b)}]`)
    .replace(/\/(\d{20})\b/g, (_m, n: string) => `/<${rel(String(Number(n)))}>`)
    .replace(/idx=(\d+)/g, (_m, n: string) => `idx=${rel(n)}`)
    .replace(/(waitIndex|prevIndex)=(\d+)/g, (_m, f: string, n: string) => `${f}=${rel(n)}`);
}
