/**
 * What a snapshot holds for the server: the membership (JSON, with the 0.4 admin configuration as
 * its `adminConfig` field) and the v2 store (its own binary form), framed as
 * `membership length (4 bytes, big-endian) | membership JSON | store bytes`.
 */
import { Membership, type MembershipJSON } from './membership.js';
import { DEFAULT_ADMIN_CONFIG, adminConfigFromSnapshotJSON, withAdminConfig, type AdminConfig } from './admin-config.js';

/** The snapshot data as parts (the membership head, then the store's own parts, not copied). */
export function snapshotDataParts(membership: Membership, storeParts: readonly Uint8Array[], adminConfig: AdminConfig = DEFAULT_ADMIN_CONFIG): Uint8Array[] {
  const ms = Buffer.from(JSON.stringify(withAdminConfig(membership.toJSON(), adminConfig)), 'utf8');
  const head = Buffer.allocUnsafe(4 + ms.length);
  head.writeUInt32BE(ms.length, 0);
  ms.copy(head, 4);
  return [head, ...storeParts];
}

/** A snapshot written before the admin configuration was recorded gives the defaults. */
export function decodeSnapshotData(data: Uint8Array): { membership: Membership; store: Uint8Array; adminConfig: AdminConfig } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 4) throw new Error('snapshot data too short');
  const n = buf.readUInt32BE(0);
  const json: unknown = JSON.parse(buf.toString('utf8', 4, 4 + n));
  const membership = Membership.fromJSON(json as MembershipJSON);
  return { membership, store: data.subarray(4 + n), adminConfig: adminConfigFromSnapshotJSON(json) };
}
