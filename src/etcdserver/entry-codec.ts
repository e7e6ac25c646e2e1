/**
 * The data of the server's log entries.
 *
 * A normal entry is `kind (1 byte) | request ID (8 bytes, big-endian) | JSON payload`: kind 0 is a
 * v2 store request, kind 1 a member publishing its name and client URLs, kind 2 an update of the
 * 0.4 admin configuration (only the fields the client sent). The request ID lets the
 * member that proposed an entry find the client waiting for it when the entry is applied. A
 * normal entry with no data is a leader's no-op.
 *
 * A conf change's context is the JSON of the member's attributes.
 */
import type { StoreRequest } from '../store/request.js';
import type { MemberAttributes } from './membership.js';
import { adminConfigUpdateFrom, type AdminConfigUpdate } from './admin-config.js';

export const EntryKind = { Store: 0, Publish: 1, AdminConfig: 2 } as const;

export interface PublishRequest {
  readonly memberId: string;
  readonly name: string;
  readonly clientURLs: readonly string[];
}

export type ServerRequest =
  | { readonly kind: typeof EntryKind.Store; readonly id: bigint; readonly req: StoreRequest }
  | { readonly kind: typeof EntryKind.Publish; readonly id: bigint; readonly req: PublishRequest }
  | { readonly kind: typeof EntryKind.AdminConfig; readonly id: bigint; readonly req: AdminConfigUpdate };

export function encodeServerRequest(kind: number, id: bigint, payload: unknown): Uint8Array {
  const json = JSON.stringify(payload);
  const out = Buffer.allocUnsafe(9 + Buffer.byteLength(json));
  out[0] = kind;
  out.writeBigUInt64BE(id, 1);
  out.write(json, 9, 'utf8');
  return out;
}

/**
 * Decodes an entry's data. `proposed` may give the payload this member proposed under the entry's
 * request ID (the very object that was encoded), which spares parsing the JSON again.
 */
export function decodeServerRequest(data: Uint8Array, proposed?: (id: bigint) => unknown): ServerRequest {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 9) throw new Error(`entry data too short: ${buf.length} bytes`);
  const kind = buf[0];
  const id = buf.readBigUInt64BE(1);
  const payload: unknown = proposed?.(id) ?? JSON.parse(buf.toString('utf8', 9));
  if (kind === EntryKind.Store) return { kind, id, req: payload as StoreRequest };
  if (kind === EntryKind.Publish) return { kind, id, req: payload as PublishRequest };
  if (kind === EntryKind.AdminConfig) return { kind, id, req: adminConfigUpdateFrom(payload) };
  throw new Error(`unknown entry kind ${kind}`);
}

export function encodeMemberAttributes(attrs: MemberAttributes): Uint8Array {
  return Buffer.from(JSON.stringify({ name: attrs.name, peerURLs: attrs.peerURLs }), 'utf8');
}

export function decodeMemberAttributes(context: Uint8Array): MemberAttributes {
  if (context.length === 0) return { name: '', peerURLs: [] };
  const json = JSON.parse(Buffer.from(context.buffer, context.byteOffset, context.byteLength).toString('utf8')) as Partial<MemberAttributes>;
  return { name: json.name ?? '', peerURLs: json.peerURLs ?? [] };
}
