/**
 * What a snapshot holds for the server: the membership (JSON) and the v2 store (its own binary
 * form), framed as `membership length (4 bytes, big-endian) | membership JSON | store bytes`.
 */
import { Membership, type MembershipJSON } from './membership.js';

export function encodeSnapshotData(membership: Membership, store: Uint8Array): Uint8Array {
  const ms = Buffer.from(JSON.stringify(membership.toJSON()), 'utf8');
  const out = Buffer.allocUnsafe(4 + ms.length + store.length);
  out.writeUInt32BE(ms.length, 0);
  ms.copy(out, 4);
  out.set(store, 4 + ms.length);
  return out;
}

export function decodeSnapshotData(data: Uint8Array): { membership: Membership; store: Uint8Array } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 4) throw new Error('snapshot data too short');
  const n = buf.readUInt32BE(0);
  const membership = Membership.fromJSON(JSON.parse(buf.toString('utf8', 4, 4 + n)) as MembershipJSON);
  return { membership, store: data.subarray(4 + n) };
}
