/**
 * The data of the server's log entries.
 *
 * A normal entry is `kind (1 byte) | request ID (8 bytes, big-endian) | payload`: kind 3 is a v2
 * store request in the binary form below, kind 1 a member publishing its name and client URLs
 * (JSON), kind 2 an update of the 0.4 admin configuration (JSON, only the fields the client sent).
 * Kind 0, a store request as JSON, is what logs written by earlier versions hold; it is still read.
 * The request ID lets the member that proposed an entry find the client waiting for it when the
 * entry is applied. A normal entry with no data is a leader's no-op.
 *
 * A binary store request (little-endian) is
 *
 *   op (1: set, 2: create, 3: update, 4: compareAndSwap, 5: delete, 6: compareAndDelete, 7: sync)
 *   flags (1: dir, 2: unique, 4: recursive, 8: has a TTL, 16: has a refresh field, 32: refresh)
 *   time f64 | ttl f64 | prevIndex f64 | key, value, prevValue: each u32 byte length + UTF-8
 *
 * with the fields an operation lacks written as zero and empty. Numbers and strings are copied as
 * they are, so a request applied on a follower is the request its proposer applied.
 *
 * A conf change's context is the JSON of the member's attributes.
 */
import type { StoreRequest } from '../store/request.js';
import type { MemberAttributes } from './membership.js';
import { adminConfigUpdateFrom, type AdminConfigUpdate } from './admin-config.js';

export const EntryKind = { Store: 0, Publish: 1, AdminConfig: 2 } as const;

/** The kind byte of a store request in the binary form (decoded as `EntryKind.Store`). */
const BINARY_STORE = 3;
const OPS = ['', 'set', 'create', 'update', 'compareAndSwap', 'delete', 'compareAndDelete', 'sync'] as const;
const OP_CODES: Readonly<Record<StoreRequest['op'], number>> = {
  set: 1, create: 2, update: 3, compareAndSwap: 4, delete: 5, compareAndDelete: 6, sync: 7,
};
const DIR = 1;
const UNIQUE = 2;
const RECURSIVE = 4;
const HAS_TTL = 8;
const HAS_REFRESH = 16;
const REFRESH = 32;
/** Kind, ID, op, flags, three numbers, three string lengths. */
const BINARY_FIXED = 9 + 2 + 24 + 12;

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
  if (kind === EntryKind.Store && wellFormed(payload as StoreRequest)) return encodeStoreRequest(id, payload as StoreRequest);
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
  if (kind === BINARY_STORE) {
    const mine = proposed?.(id) as StoreRequest | undefined;
    return { kind: EntryKind.Store, id, req: mine ?? decodeStoreRequest(buf) };
  }
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

/**
 * Whether UTF-8 carries the request's strings unchanged: a lone surrogate would come back as U+FFFD,
 * so such a request is written as JSON, which keeps it.
 */
function wellFormed(r: StoreRequest): boolean {
  if (r.op === 'sync') return true;
  if (LONE_SURROGATE.test(r.key)) return false;
  if ('value' in r && LONE_SURROGATE.test(r.value)) return false;
  return !('prevValue' in r) || !LONE_SURROGATE.test(r.prevValue);
}

/** In a `u` pattern a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function encodeStoreRequest(id: bigint, r: StoreRequest): Buffer {
  let key = '';
  let value = '';
  let prevValue = '';
  let ttl = 0;
  let prevIndex = 0;
  let flags = 0;
  if (r.op !== 'sync') {
    key = r.key;
    if (r.op === 'compareAndSwap' || r.op === 'compareAndDelete') {
      prevValue = r.prevValue;
      prevIndex = r.prevIndex;
    }
    if (r.op === 'delete') {
      if (r.dir) flags |= DIR;
      if (r.recursive) flags |= RECURSIVE;
    } else if (r.op !== 'compareAndDelete') {
      value = r.value;
      if (r.ttl !== null) {
        flags |= HAS_TTL;
        ttl = r.ttl;
      }
      if ((r.op === 'set' || r.op === 'create') && r.dir) flags |= DIR;
      if (r.op === 'create') {
        if (r.unique) flags |= UNIQUE;
      } else if (r.refresh !== undefined) {
        flags |= HAS_REFRESH;
        if (r.refresh) flags |= REFRESH;
      }
    }
  }
  const keyBytes = Buffer.byteLength(key);
  const valueBytes = Buffer.byteLength(value);
  const prevBytes = Buffer.byteLength(prevValue);
  const out = Buffer.allocUnsafe(BINARY_FIXED + keyBytes + valueBytes + prevBytes);
  out[0] = BINARY_STORE;
  out.writeBigUInt64BE(id, 1);
  out[9] = OP_CODES[r.op];
  out[10] = flags;
  out.writeDoubleLE(r.time, 11);
  out.writeDoubleLE(ttl, 19);
  out.writeDoubleLE(prevIndex, 27);
  let at = 35;
  out.writeUInt32LE(keyBytes, at);
  at += 4 + out.write(key, at + 4, keyBytes, 'utf8');
  out.writeUInt32LE(valueBytes, at);
  at += 4 + out.write(value, at + 4, valueBytes, 'utf8');
  out.writeUInt32LE(prevBytes, at);
  out.write(prevValue, at + 4, prevBytes, 'utf8');
  return out;
}

function decodeStoreRequest(buf: Buffer): StoreRequest {
  if (buf.length < BINARY_FIXED) throw new Error(`store request too short: ${buf.length} bytes`);
  const op = OPS[buf[9]!];
  if (op === undefined || op === '') throw new Error(`unknown store operation ${buf[9]}`);
  const flags = buf[10]!;
  const time = buf.readDoubleLE(11);
  const ttl = (flags & HAS_TTL) !== 0 ? buf.readDoubleLE(19) : null;
  const prevIndex = buf.readDoubleLE(27);
  let at = 35;
  const text = (): string => {
    if (at + 4 > buf.length) throw new Error('store request cut short');
    const n = buf.readUInt32LE(at);
    const end = at + 4 + n;
    if (end > buf.length) throw new Error('store request cut short');
    const s = buf.toString('utf8', at + 4, end);
    at = end;
    return s;
  };
  const key = text();
  const value = text();
  const prevValue = text();
  if (at !== buf.length) throw new Error(`store request has ${buf.length - at} bytes left over`);
  const dir = (flags & DIR) !== 0;
  const refresh = (flags & HAS_REFRESH) !== 0 ? { refresh: (flags & REFRESH) !== 0 } : {};
  switch (op) {
    case 'set': return { op, key, value, dir, ttl, ...refresh, time };
    case 'create': return { op, key, value, dir, unique: (flags & UNIQUE) !== 0, ttl, time };
    case 'update': return { op, key, value, ttl, ...refresh, time };
    case 'compareAndSwap': return { op, key, value, prevValue, prevIndex, ttl, ...refresh, time };
    case 'delete': return { op, key, dir, recursive: (flags & RECURSIVE) !== 0, time };
    case 'compareAndDelete': return { op, key, prevValue, prevIndex, time };
    case 'sync': return { op, time };
  }
}
