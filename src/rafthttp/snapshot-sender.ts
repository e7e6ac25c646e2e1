/**
 * Sends one snapshot message in a request of its own (POST /raft/snapshot): the encoded message with
 * its snapshot data written as is, not copied into a frame. Resolves to whether the peer took it.
 */
import type { Message } from '../raft/messages.js';
import { encodeMessageParts } from './message-codec.js';
import type { PeerDialer } from './peer-dialer.js';

export const SNAPSHOT_PATH = '/raft/snapshot';

export interface SnapshotOutcome {
  ok: boolean;
  bytes: number;
  reason: string;
}

export function sendSnapshot(
  dialer: PeerDialer,
  url: string,
  headers: Record<string, string>,
  m: Message,
  timeoutMs: number,
): Promise<SnapshotOutcome> {
  return new Promise((resolve) => {
    const { head, data } = encodeMessageParts(m);
    const bytes = head.length + data.length;
    let settled = false;
    const settle = (ok: boolean, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok, bytes, reason });
    };
    const req = dialer.post(url, SNAPSHOT_PATH, {
      ...headers, 'content-type': 'application/octet-stream', 'content-length': String(bytes),
    }, false);
    const timer = setTimeout(() => {
      settle(false, `no answer within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => settle(false, err.message));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < 512) body += chunk; });
      res.on('end', () => {
        const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        settle(ok, ok ? '' : `${res.statusCode} ${body.trim()}`);
      });
      res.on('error', (err) => settle(false, err.message));
    });
    req.write(head);
    req.end(data);
  });
}
