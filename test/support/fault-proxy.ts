/**
 * A fault-injecting TCP proxy for one member's peer port. Every other member reaches this member
 * through it, so the test can cut, delay or make one-way the links into and out of the member.
 *
 * Each accepted connection is attributed to a source (a peer's name) by the injected `identify`
 * function; connections it cannot attribute count as source "unknown". Rules are kept per source:
 *   - pass: bytes flow both ways;
 *   - cut: no connection survives: existing ones are destroyed, new ones are closed on accept;
 *   - drop-in / drop-out: one direction is blackholed (bytes from the source to this member, or
 *     from this member to the source, are discarded); healing destroys connections that lost
 *     bytes, because their stream is no longer whole;
 *   - a delay (ms) applies to both directions, order kept.
 * Closing the proxy closes its listener and every socket it holds.
 */
import net from 'node:net';

/** Which way bytes are blackholed: `in` = source → this member, `out` = this member → source. */
export type DropDirection = 'in' | 'out';

export interface FaultProxyOptions {
  /** Where connections are forwarded to. */
  targetPort: number;
  targetHost?: string;
  /** The port to listen on (default: one the OS picks). Always bound to 127.0.0.1. */
  listenPort?: number;
  /** Names the member that opened a connection, or null if it is not known. */
  identify?: (socket: net.Socket) => Promise<string | null>;
  /** A connection whose bytes wait longer than this in a delay queue is destroyed (default 32 MiB). */
  maxQueuedBytes?: number;
}

interface LinkRule {
  cut: boolean;
  dropIn: boolean;
  dropOut: boolean;
  delayMs: number;
}

const passRule = (): LinkRule => ({ cut: false, dropIn: false, dropOut: false, delayMs: 0 });

/** One direction of a proxied connection: reads from `from`, writes to `to`, with drop and delay. */
class Pipe {
  private queue: { releaseAt: number; chunk: Buffer }[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastRelease = 0;
  /** Set once a byte was discarded: the stream is no longer whole. */
  lostBytes = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly dropping: () => boolean,
    private readonly delayMs: () => number,
    private readonly maxQueuedBytes: number,
    private readonly fail: () => void,
  ) {
    from.on('data', (chunk: Buffer) => this.onData(chunk));
    from.on('end', () => this.whenDrained(() => to.end()));
  }

  private onData(chunk: Buffer): void {
    if (this.dropping()) {
      this.lostBytes = true;
      return;
    }
    const delay = this.delayMs();
    if (delay <= 0 && this.queue.length === 0) {
      if (!this.to.write(chunk)) {
        this.from.pause();
        this.to.once('drain', () => this.from.resume());
      }
      return;
    }
    const releaseAt = Math.max(Date.now() + delay, this.lastRelease);
    this.lastRelease = releaseAt;
    this.queue.push({ releaseAt, chunk });
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > this.maxQueuedBytes) {
      this.fail();
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.releaseAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.releaseAt <= now) {
        const { chunk } = this.queue.shift()!;
        this.queuedBytes -= chunk.length;
        if (!this.to.destroyed) this.to.write(chunk);
      }
      this.schedule();
      if (this.queue.length === 0) this.flushed?.();
    }, wait);
  }

  private flushed: (() => void) | null = null;

  private whenDrained(then: () => void): void {
    if (this.queue.length === 0) {
      then();
      return;
    }
    this.flushed = () => {
      this.flushed = null;
      then();
    };
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedBytes = 0;
  }
}

class ProxiedConnection {
  private readonly upstream: net.Socket;
  private inbound: Pipe | null = null;
  private outbound: Pipe | null = null;
  closed = false;

  constructor(
    readonly client: net.Socket,
    readonly source: string,
    private readonly proxy: FaultProxy,
    targetHost: string,
    targetPort: number,
    maxQueuedBytes: number,
    private readonly onClose: (c: ProxiedConnection) => void,
  ) {
    this.upstream = net.connect({ host: targetHost, port: targetPort });
    this.upstream.setNoDelay(true);
    client.setNoDelay(true);
    const rule = (): LinkRule => proxy.ruleFor(source);
    this.inbound = new Pipe(client, this.upstream, () => rule().dropIn, () => rule().delayMs, maxQueuedBytes, () => this.destroy());
    this.outbound = new Pipe(this.upstream, client, () => rule().dropOut, () => rule().delayMs, maxQueuedBytes, () => this.destroy());
    for (const s of [client, this.upstream]) {
      s.on('error', () => this.destroy());
      s.on('close', () => this.destroy());
    }
  }

  /** True if some bytes of this connection were discarded. */
  get damaged(): boolean {
    return (this.inbound?.lostBytes ?? false) || (this.outbound?.lostBytes ?? false);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbound?.dispose();
    this.outbound?.dispose();
    this.client.destroy();
    this.upstream.destroy();
    this.onClose(this);
  }
}

export class FaultProxy {
  private readonly server: net.Server;
  private readonly connections = new Set<ProxiedConnection>();
  /** Sockets accepted but not attributed yet. */
  private readonly pending = new Set<net.Socket>();
  private readonly rules = new Map<string, LinkRule>();
  private closing = false;
  private boundPort = 0;

  private constructor(private readonly options: FaultProxyOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Starts a proxy; resolves once it listens. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(options.listenPort ?? 0, '127.0.0.1', () => {
        const addr = proxy.server.address();
        proxy.boundPort = typeof addr === 'object' && addr !== null ? addr.port : 0;
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /** The number of live proxied connections, optionally only those from `source`. */
  connectionCount(source?: string): number {
    let n = 0;
    for (const c of this.connections) if (source === undefined || c.source === source) n++;
    return n;
  }

  ruleFor(source: string): LinkRule {
    return this.rules.get(source) ?? this.rules.get('*') ?? passRule();
  }

  private update(source: string, change: (r: LinkRule) => void): void {
    const rule = { ...this.ruleFor(source) };
    change(rule);
    this.rules.set(source, rule);
  }

  /** Cuts every connection from `source` ("*" = from everyone) both ways, now and until healed. */
  cut(source: string): void {
    this.update(source, (r) => { r.cut = true; });
    for (const c of [...this.connections]) if (source === '*' || c.source === source) c.destroy();
  }

  /** Blackholes one direction of the link with `source` ("*" = everyone). */
  drop(source: string, direction: DropDirection): void {
    this.update(source, (r) => {
      if (direction === 'in') r.dropIn = true;
      else r.dropOut = true;
    });
  }

  /** Delays bytes both ways on the link with `source` ("*" = everyone). */
  delay(source: string, ms: number): void {
    this.update(source, (r) => { r.delayMs = ms; });
  }

  /** Restores the link with `source`, or every link when no source is given. */
  heal(source?: string): void {
    if (source === undefined) this.rules.clear();
    else this.rules.delete(source);
    for (const c of [...this.connections]) {
      if ((source === undefined || c.source === source || source === '*') && c.damaged) c.destroy();
    }
  }

  /** Destroys every live connection (a network blip) without changing any rule. */
  resetConnections(): void {
    for (const c of [...this.connections]) c.destroy();
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.on('error', () => socket.destroy());
    // Hold the bytes until the connection is attributed.
    socket.pause();
    this.pending.add(socket);
    const identify = this.options.identify ?? (() => Promise.resolve(null));
    const limit = new Promise<null>((r) => setTimeout(() => r(null), 2000).unref());
    Promise.race([identify(socket).catch(() => null), limit])
      .then((name) => {
        this.pending.delete(socket);
        if (this.closing || socket.destroyed) {
          socket.destroy();
          return;
        }
        const source = name ?? 'unknown';
        if (this.ruleFor(source).cut) {
          socket.destroy();
          return;
        }
        const conn = new ProxiedConnection(
          socket,
          source,
          this,
          this.options.targetHost ?? '127.0.0.1',
          this.options.targetPort,
          this.options.maxQueuedBytes ?? 32 * 1024 * 1024,
          (c) => this.connections.delete(c),
        );
        this.connections.add(conn);
        socket.resume();
      })
      .catch(() => socket.destroy());
  }

  /** Stops listening and destroys every socket; bounded. */
  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.pending) s.destroy();
    this.pending.clear();
    for (const c of [...this.connections]) c.destroy();
    await Promise.race([
      new Promise<void>((r) => this.server.close(() => r())),
      new Promise<void>((r) => setTimeout(r, 2000).unref()),
    ]);
  }
}
