/** Members on loopback for transport tests: an HTTP(S) server on port 0 serving one Transport each. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Message } from '../../../src/raft/messages.js';
import { Transport, type TransportOptions } from '../../../src/rafthttp/transport.js';

export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  requestCert: boolean;
}

export class TestMember {
  readonly received: Message[] = [];
  readonly unreachable: bigint[] = [];
  readonly down: bigint[] = [];
  readonly snapshotReports: Array<{ id: bigint; ok: boolean }> = [];
  readonly logs: string[] = [];
  readonly transport: Transport;
  server: http.Server | https.Server;
  url = '';
  private listeners = new Set<() => void>();
  /** Called for each received message, e.g. to answer it. */
  onMessage: (m: Message) => void = () => {};

  constructor(
    readonly id: bigint,
    opts: Partial<TransportOptions> & { clusterId: bigint },
    private readonly serverTls?: ServerTls,
  ) {
    this.transport = new Transport({
      memberId: id,
      random: () => 0.5,
      backoffBaseMs: 10,
      backoffMaxMs: 100,
      log: (line) => { this.logs.push(line); this.notify(); },
      ...opts,
      receiver: {
        process: (m) => { this.received.push(m); this.onMessage(m); this.notify(); },
        reportUnreachable: (peer) => { this.unreachable.push(peer); this.notify(); },
        reportPeerDown: (peer) => { this.down.push(peer); this.notify(); },
        reportSnapshot: (peer, ok) => { this.snapshotReports.push({ id: peer, ok }); this.notify(); },
      },
    });
    this.server = this.createServer();
  }

  private createServer(): http.Server | https.Server {
    const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!this.transport.handle(req, res)) {
        res.writeHead(404);
        res.end('not a transport path\n');
      }
    };
    const t = this.serverTls;
    const server = t
      ? https.createServer({ cert: t.cert, key: t.key, ca: t.ca, requestCert: t.requestCert, rejectUnauthorized: t.requestCert }, serve)
      : http.createServer(serve);
    server.requestTimeout = 0;
    return server;
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const scheme = this.serverTls ? 'https' : 'http';
    this.url = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Closes the listener and every connection, as if the member went down (the transport stays). */
  async goDown(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    const port = Number(new URL(this.url).port);
    this.server = this.createServer();
    await this.listen(port);
  }

  async stop(): Promise<void> {
    await this.transport.stop();
    if (this.server.listening) await this.goDown();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves once `cond` holds, re-checked on every event of this member; fails after `ms`. */
  waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.listeners.add(check);
    });
  }
}

export async function startMembers(
  ids: bigint[],
  opts: (id: bigint) => Partial<TransportOptions> & { clusterId: bigint },
  tls?: (id: bigint) => ServerTls,
): Promise<TestMember[]> {
  const members = ids.map((id) => new TestMember(id, opts(id), tls?.(id)));
  await Promise.all(members.map((m) => m.listen()));
  return members;
}

/** Makes every member a peer of every other. */
export function connectAll(members: TestMember[]): void {
  for (const a of members) for (const b of members) if (a !== b) a.transport.addPeer(b.id, [b.url]);
}

/** Repeats `attempt` every `everyMs` until `done` holds; fails after `ms`. For conditions with no event to await. */
export async function retryUntil(attempt: () => void, done: () => boolean, what: string, everyMs = 20, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    attempt();
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
