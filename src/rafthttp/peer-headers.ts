/**
 * The headers every transport request carries, and the receiver's check of them: a request from
 * another cluster, for another member, from a member this one does not know, or speaking another
 * protocol version is refused; a member known to have been removed is told so (410 Gone).
 */
import type { IncomingMessage } from 'node:http';

export const HEADER_CLUSTER_ID = 'x-etcd-cluster-id';
export const HEADER_FROM = 'x-server-from';
export const HEADER_TO = 'x-raft-to';
export const HEADER_PROTOCOL = 'x-flotilla-raft-protocol';
export const PROTOCOL_VERSION = '1';

/** Member and cluster IDs are written as etcd writes them: lower-case hex without leading zeros. */
export function idToHex(id: bigint): string {
  return id.toString(16);
}

export function hexToId(text: string): bigint | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) return null;
  return BigInt('0x' + text);
}

export function peerRequestHeaders(from: bigint, to: bigint, clusterId: bigint): Record<string, string> {
  return {
    [HEADER_CLUSTER_ID]: idToHex(clusterId),
    [HEADER_FROM]: idToHex(from),
    [HEADER_TO]: idToHex(to),
    [HEADER_PROTOCOL]: PROTOCOL_VERSION,
  };
}

/** The answer (HTTP 410) to a member that was removed from the cluster. */
export const REMOVED_REASON = 'the member has been permanently removed from the cluster';

export type PeerRequestCheck =
  | { ok: true; from: bigint }
  | { ok: false; status: number; reason: string };

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] ?? '' : v ?? '';
}

export function checkPeerRequest(
  req: IncomingMessage,
  local: { memberId: bigint; clusterId: bigint; knows(id: bigint): boolean; removed(id: bigint): boolean },
): PeerRequestCheck {
  const protocol = header(req, HEADER_PROTOCOL);
  if (protocol !== PROTOCOL_VERSION) {
    return { ok: false, status: 412, reason: `unsupported transport protocol ${JSON.stringify(protocol)}` };
  }
  const cluster = hexToId(header(req, HEADER_CLUSTER_ID));
  if (cluster !== local.clusterId) {
    return {
      ok: false, status: 412,
      reason: `cluster ID mismatch: request has ${JSON.stringify(header(req, HEADER_CLUSTER_ID))}, local is ${idToHex(local.clusterId)}`,
    };
  }
  const to = hexToId(header(req, HEADER_TO));
  if (to !== local.memberId) {
    return {
      ok: false, status: 412,
      reason: `request is for member ${JSON.stringify(header(req, HEADER_TO))}, local is ${idToHex(local.memberId)}`,
    };
  }
  const from = hexToId(header(req, HEADER_FROM));
  if (from !== null && local.removed(from)) {
    return { ok: false, status: 410, reason: REMOVED_REASON };
  }
  if (from === null || !local.knows(from)) {
    return { ok: false, status: 403, reason: `request from unknown member ${JSON.stringify(header(req, HEADER_FROM))}` };
  }
  return { ok: true, from };
}
