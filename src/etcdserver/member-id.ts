/**
 * Member and cluster IDs, derived as etcd derives them so that the same command line gives the same
 * IDs: a member's ID is the first 8 bytes (big-endian) of SHA-1 over its sorted peer URLs and the
 * cluster token; the cluster ID is the same digest over the sorted member IDs.
 */
import { createHash } from 'node:crypto';

export function memberIdFor(peerURLs: readonly string[], clusterToken: string, unixTime?: number): bigint {
  const sorted = [...peerURLs].sort();
  const hash = createHash('sha1');
  for (const u of sorted) hash.update(u);
  hash.update(clusterToken);
  if (unixTime !== undefined) hash.update(String(unixTime));
  return hash.digest().readBigUInt64BE(0);
}

export function clusterIdFor(memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => buf.writeBigUInt64BE(id, 8 * i));
  return createHash('sha1').update(buf).digest().readBigUInt64BE(0);
}

/** etcd prints IDs as lower-case hex without padding. */
export function idToHex(id: bigint): string {
  return id.toString(16);
}
