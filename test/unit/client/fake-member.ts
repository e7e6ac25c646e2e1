/** A stand-in etcd member for client tests: an HTTP server on a loopback port with a scripted handler. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMember {
  url: string;
  /** Requests seen, as `METHOD path?query`. */
  requests: string[];
  close(): Promise<void>;
}

export type FakeHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export async function startFakeMember(handler: FakeHandler): Promise<FakeMember> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Replies like etcd to a key get/set: the given event JSON with index headers. */
export function replyEvent(res: http.ServerResponse, index: number, event: object, status = 200): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-etcd-index': String(index),
    'x-raft-index': String(index + 10),
    'x-raft-term': '2',
  });
  res.end(JSON.stringify(event) + '\n');
}

/** A port nothing listens on (bound, then released). */
export async function deadEndpoint(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
