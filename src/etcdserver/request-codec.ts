/** Store requests travel through the write-ahead log as UTF-8 JSON. */
import type { StoreRequest } from '../store/request.js';

export function encodeRequest(req: StoreRequest): Uint8Array {
  return Buffer.from(JSON.stringify(req), 'utf8');
}

export function decodeRequest(data: Uint8Array): StoreRequest {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as StoreRequest;
}
