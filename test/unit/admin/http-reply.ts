/** A small HTTP client for the admin tests: one request, the whole reply, bounded by a timeout. */
import { createServer, request, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from '../../support/loopback.js';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly bytes: Buffer;
}

export function send(base: string, method: string, path: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Serves `listener` on a loopback port the OS picks; resolves with its base URL and a closer. */
export function serve(listener: RequestListener): Promise<LoopbackServer> {
  return listenOnLoopback(createServer(listener));
}
