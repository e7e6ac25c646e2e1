/**
 * A lean HTTP/1.1 server on `net` (or `tls`): heads parsed by `RequestParser`, bodies read before the
 * handler runs, keep-alive and pipelining with answers strictly in request order, `100 Continue`,
 * chunked streaming answers, and Go's answers to malformed input. No request timeout (long polls);
 * idle keep-alive connections and slow heads are timed out.
 */
import net from 'node:net';
import tls from 'node:tls';

import { Http1ParseError, RequestParser, type Http1Request, type ParserLimits } from './parser.js';
import { statusLine } from './status-text.js';

export type { Http1Headers, Http1Request } from './parser.js';

export type Http1Handler = (req: Http1Request, res: Http1Response) => void;

export interface Http1TlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly ca?: string | Buffer;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
}

export interface Http1ServerOptions extends ParserLimits {
  /** A keep-alive connection with nothing in flight is closed after this long. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** A request head must arrive within this long of its first byte. Default 65 s. */
  readonly headTimeoutMs?: number;
  /** Requests read but not yet answered on one connection before reading pauses. Default 64. */
  readonly maxPipelined?: number;
  /** Serve TLS with these credentials. */
  readonly tls?: Http1TlsOptions;
}

export interface Http1Server extends net.Server {
  /** Destroys every open connection (for shutdown). */
  closeAllConnections(): void;
  /** Closes keep-alive connections that have nothing in flight. */
  closeIdleConnections(): void;
}

/** Header writes are refused when a value could split the response. */
const BAD_FIELD = /[\r\n\0]/;
/** Socket bytes buffered beyond which reading pauses until the client catches up. */
const WRITE_HIGH_WATER = 1024 * 1024;
/** After the server closes its side, how long an unread client may keep the socket. */
const LINGER_MS = 2000;
/** How long a client that stopped sending may wait for answers still in flight. */
const HALF_CLOSED_MS = 30_000;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

let dateSecond = -1;
let dateValue = '';
let dateField = '';

/** The Date header value in Go's form, computed at most once a second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(second * 1000).toUTCString();
    dateField = `Date: ${dateValue}\r\n`;
  }
  return dateValue;
}

/** The whole `Date: ...` header line, made once a second with the value. */
function httpDateField(): string {
  httpDate();
  return dateField;
}

type CloseListener = () => void;

/**
 * The last chunk of a chunked body and the end of the body, as one buffer, kept for the last body
 * it was made for: a long-poll watch ends with the same event on every watcher of a key, so a
 * fan-out encodes it once and hands the same bytes to every socket.
 */
let lastChunkFor: string | null = null;
let lastChunkBytes = Buffer.alloc(0);

function lastChunk(body: string): Buffer {
  if (body !== lastChunkFor) {
    lastChunkBytes = Buffer.from(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    lastChunkFor = body;
  }
  return lastChunkBytes;
}

/** Connections with output pushed in the current task, flushed together once it ends. */
let toFlush: Connection[] = [];

/**
 * Output waits for the end of the current task so everything an answer writes goes out in one
 * socket write. One tick serves every connection that has output: after a commit answers many
 * clients at once, or an event wakes many long polls, they are written in one pass.
 */
function scheduleFlush(conn: Connection): void {
  toFlush.push(conn);
  if (toFlush.length === 1) process.nextTick(flushAll);
}

function flushAll(): void {
  // A flush never pushes synchronously, but a new list keeps any later push on a tick of its own.
  const batch = toFlush;
  toFlush = [];
  for (const conn of batch) {
    try {
      conn.flush();
    } catch {
      // One connection's failed write must not keep the others' answers back.
      conn.destroy();
    }
  }
}

/** The answer to one request. Output is held until every earlier answer on the connection ended. */
export class Http1Response {
  /** True once the status line and headers were handed to the connection. */
  headersSent = false;
  /** True once `end` was called. */
  writableEnded = false;

  private status = 200;
  private headerList: readonly string[] = [];
  private chunked = false;
  private closed = false;
  private listeners: CloseListener[] | null = null;
  /** Output produced while an earlier answer is still being written. */
  held: (string | Buffer)[] | null = null;
  heldBytes = 0;
  /** The connection ends after this answer. */
  closeAfter: boolean;
  /** No body may be written: HEAD, 1xx, 204, 304. */
  private bodyless: boolean;

  /** @internal */
  constructor(
    private readonly conn: Connection,
    private readonly request: Http1Request,
  ) {
    this.closeAfter = !request.keepAlive || request.bodyTooLarge;
    this.bodyless = request.method === 'HEAD';
  }

  get destroyed(): boolean {
    return this.closed && !this.writableEnded;
  }

  /** Bytes written but not yet taken by the network (for backpressure of streams). */
  get writableLength(): number {
    return this.conn.bufferedFor(this);
  }

  /** Sets the status and headers (a flat [name, value, ...] list); sent with the first output. */
  writeHead(status: number, headers: readonly string[] = []): this {
    if (this.headersSent) throw new Error('headers already sent');
    this.status = status;
    this.headerList = headers;
    return this;
  }

  /** Sends the status line and headers now (chunked framing follows unless a length was given). */
  flushHeaders(): void {
    if (this.headersSent || this.closed) return;
    this.conn.output(this, this.head(-1));
  }

  /** Writes part of the body (chunked on HTTP/1.1 when no Content-Length was given). */
  write(chunk: string | Buffer): boolean {
    if (this.writableEnded || this.closed) return false;
    if (!this.headersSent) this.conn.output(this, this.head(-1));
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (length === 0 || this.bodyless) return true;
    if (this.chunked) {
      this.conn.output(this, `${length.toString(16)}\r\n`);
      this.conn.output(this, chunk);
      this.conn.output(this, '\r\n');
    } else {
      this.conn.output(this, chunk);
    }
    return this.conn.bufferedFor(this) < WRITE_HIGH_WATER;
  }

  /** Finishes the answer; the body (if any) goes out with the head in one write when possible. */
  end(body?: string | Buffer): void {
    if (this.writableEnded || this.closed) return;
    if (!this.headersSent) {
      const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      if (typeof body === 'string') this.conn.output(this, this.head(length, body));
      else {
        this.conn.output(this, this.head(length));
        if (body !== undefined && length > 0 && !this.bodyless) this.conn.output(this, body);
      }
    } else if (this.chunked && typeof body === 'string' && body.length > 0 && !this.bodyless) {
      this.conn.output(this, lastChunk(body));
      this.writableEnded = true;
      this.conn.ended(this);
      return;
    } else if (body !== undefined) {
      this.write(body);
    }
    if (this.chunked) this.conn.output(this, '0\r\n\r\n');
    this.writableEnded = true;
    this.conn.ended(this);
  }

  /** Destroys the connection (the answer is cut off). */
  destroy(): void {
    this.conn.destroy();
  }

  /** `close`: the answer ended and was handed to the network, or the connection went away first. */
  on(event: 'close', listener: CloseListener): this {
    if (event !== 'close') return this;
    if (this.closed) {
      queueMicrotask(listener);
      return this;
    }
    (this.listeners ??= []).push(listener);
    return this;
  }

  /**
   * @internal Runs the close listeners once. `final` also makes the answer unwritable; without it
   * (the client stopped sending but may still read) later output is still delivered.
   */
  fireClose(final = true): void {
    if (this.closed) return;
    if (final) this.closed = true;
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners !== null) for (const l of listeners) l();
  }

  /**
   * The status line and headers, followed by `body` when given. `length` is the whole body's
   * length when known (end without earlier output), -1 when the body streams. Built by plain
   * concatenation, which V8 does without copying until the socket write flattens the result once
   * (measured cheaper than joining an array of the parts).
   */
  private head(length: number, body?: string): string {
    const req = this.request;
    const status = this.status;
    const minor = req.minorVersion;
    const noBodyStatus = status < 200 || status === 204 || status === 304;
    const isHead = req.method === 'HEAD';
    const list = this.headerList;
    let head = statusLine(minor, status);
    let hasLength = false;
    let hasDate = false;
    let hasConnection = false;
    let hasTransferEncoding = false;
    let closeAfter = this.closeAfter;
    for (let i = 0; i + 1 < list.length; i += 2) {
      const name = list[i]!;
      const value = list[i + 1]!;
      // A CR, LF or NUL could split the response.
      if (BAD_FIELD.test(name) || BAD_FIELD.test(value)) throw new Error('invalid character in a response header');
      switch (name.length) {
        case 14:
          if (name.toLowerCase() === 'content-length') hasLength = true;
          break;
        case 10:
          if (name.toLowerCase() === 'connection') {
            hasConnection = true;
            if (value.toLowerCase().includes('close')) closeAfter = true;
          }
          break;
        case 4:
          if (name.toLowerCase() === 'date') hasDate = true;
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') hasTransferEncoding = true;
          break;
        default:
          break;
      }
      head += name + ': ' + value + '\r\n';
    }
    if (!hasDate) head += httpDateField();
    let chunked = false;
    // As Go: a known length is sent (HEAD only when non-zero); an unknown one is chunked on
    // HTTP/1.1 and delimited by the end of the connection on HTTP/1.0.
    if (!hasLength && !hasTransferEncoding && !noBodyStatus) {
      if (length > 0 || (length === 0 && !isHead)) head += `Content-Length: ${length}\r\n`;
      else if (length < 0 && !isHead) {
        if (minor === 1) {
          head += 'Transfer-Encoding: chunked\r\n';
          chunked = true;
        } else {
          closeAfter = true;
        }
      }
    }
    if (!hasConnection) {
      if (closeAfter) {
        if (minor === 1) head += 'Connection: close\r\n';
      } else if (minor === 0) {
        head += 'Connection: keep-alive\r\n';
      }
    }
    this.headersSent = true;
    this.chunked = chunked;
    if (noBodyStatus || isHead) this.bodyless = true;
    this.closeAfter = closeAfter;
    if (closeAfter) this.conn.closeAfter(this);
    head += '\r\n';
    return body === undefined || this.bodyless ? head : head + body;
  }
}

/**
 * One client connection: parses requests, dispatches them one at a time, and writes the answers in
 * order. As with Go's server, a pipelined request is handed to the handler only once the answer
 * before it has ended: a request behind an answer that closes the connection is never run, so no
 * write takes effect without its client hearing of it.
 */
class Connection {
  readonly parser: RequestParser;
  /** Answers not yet fully handed to the socket, in request order. */
  private readonly queue: Http1Response[] = [];
  /** Requests read whole while an earlier one is still being answered. */
  private waiting: Http1Request[] = [];
  private out: (string | Buffer)[] = [];
  private outBytes = 0;
  private outHasBuffer = false;
  private flushScheduled = false;
  /** The connection ends once the answer at this position (or an error response) is written. */
  closing = false;
  private peerEnded = false;
  private errorResponse: string | null = null;
  private continuePending = false;
  private gone = false;
  private paused = false;
  lastActivity = Date.now();
  headStarted = 0;

  constructor(
    readonly socket: net.Socket,
    private readonly handler: Http1Handler,
    private readonly maxPipelined: number,
    limits: ParserLimits,
  ) {
    this.parser = new RequestParser(
      {
        onRequest: (req) => this.dispatch(req),
        onError: (err) => this.refuse(err),
        onExpectContinue: () => this.expectContinue(),
      },
      limits,
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.maybeResume());
    socket.on('end', () => {
      // The client finished sending. As Go's server does, requests in flight are told the client
      // went away (watchers end); answers that still come are written, then the socket ends.
      this.parser.stop();
      this.peerEnded = true;
      if (this.queue.length === 0) {
        this.endSocket();
        return;
      }
      for (const res of this.queue) res.fireClose(false);
      setTimeout(() => this.socket.destroy(), HALF_CLOSED_MS).unref();
    });
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.waiting.length === 0 && this.parser.idle;
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    this.lastActivity = now;
    if (this.parser.idle) this.headStarted = now;
    this.parser.push(chunk);
    if (!this.paused && !this.gone && (this.queue.length + this.waiting.length >= this.maxPipelined || this.socket.writableLength > WRITE_HIGH_WATER)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (this.paused && !this.gone && this.queue.length + this.waiting.length < this.maxPipelined && this.socket.writableLength <= WRITE_HIGH_WATER) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private dispatch(req: Http1Request): void {
    this.continuePending = false;
    if (this.gone || this.closing) return;
    if (!req.keepAlive || req.bodyTooLarge) this.parser.stop();
    if (this.queue.length > 0 || this.waiting.length > 0) {
      this.waiting.push(req);
      return;
    }
    this.start(req);
  }

  private start(req: Http1Request): void {
    const res = new Http1Response(this, req);
    if (this.queue.length > 0) res.held = [];
    this.queue.push(res);
    try {
      const expect = req.headers.expect;
      if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
        // Go's answer to an expectation it cannot meet.
        res.writeHead(417, ['Connection', 'close', 'Content-Length', '0']);
        res.end();
        return;
      }
      if (req.method === 'OPTIONS' && req.url === '*') {
        res.writeHead(200, ['Content-Length', '0']);
        res.end();
        return;
      }
      this.handler(req, res);
    } catch {
      // As Go's server does when a handler panics: the connection is dropped.
      this.destroy();
    }
  }

  private expectContinue(): void {
    if (this.closing || this.gone) return;
    if (this.queue.length === 0 && this.waiting.length === 0) this.push(CONTINUE);
    else this.continuePending = true;
  }

  private refuse(err: Http1ParseError): void {
    this.errorResponse = err.response;
    if (this.queue.length === 0) this.writeErrorAndEnd();
    // Otherwise written once the earlier answers are out (see `advance`).
  }

  private writeErrorAndEnd(): void {
    const response = this.errorResponse;
    this.errorResponse = null;
    if (response !== null) this.push(response);
    this.endSocket();
  }

  /** Takes output of `res`: to the socket if it is the oldest answer, otherwise held. */
  output(res: Http1Response, data: string | Buffer): void {
    if (this.gone) return;
    if (res.held !== null) {
      res.held.push(data);
      res.heldBytes += data.length;
      return;
    }
    this.push(data);
  }

  /** Bytes of `res` not yet taken by the network. */
  bufferedFor(res: Http1Response): number {
    if (res.held !== null) return res.heldBytes;
    return this.outBytes + (this.gone ? 0 : this.socket.writableLength);
  }

  /** Called by a response whose head says the connection ends after it. */
  closeAfter(res: Http1Response): void {
    this.parser.stop();
    // Later pipelined requests are not answered; the socket ends after this answer.
    for (let i = this.queue.indexOf(res) + 1; i < this.queue.length; i++) this.queue[i]!.fireClose();
    this.queue.length = this.queue.indexOf(res) + 1;
    this.waiting = [];
    this.closing = true;
  }

  ended(res: Http1Response): void {
    if (this.queue[0] === res) this.advance();
  }

  private advance(): void {
    while (this.queue.length > 0 && this.queue[0]!.writableEnded) {
      const done = this.queue.shift()!;
      done.fireClose();
      if (done.closeAfter) {
        this.queue.length = 0;
        this.endSocket();
        return;
      }
      const next = this.queue[0];
      if (next !== undefined && next.held !== null) {
        const held = next.held;
        next.held = null;
        next.heldBytes = 0;
        for (const d of held) this.push(d);
      }
    }
    this.lastActivity = Date.now();
    if (this.queue.length === 0 && this.waiting.length > 0 && !this.closing && !this.gone) {
      // The next pipelined request runs now (its answer may end at once and come back here).
      this.start(this.waiting.shift()!);
      this.maybeResume();
      return;
    }
    if (this.queue.length === 0) {
      if (this.errorResponse !== null) this.writeErrorAndEnd();
      else if (this.closing || this.peerEnded) this.endSocket();
      else if (this.continuePending) {
        this.continuePending = false;
        this.push(CONTINUE);
      }
    }
    this.maybeResume();
  }

  private push(data: string | Buffer): void {
    if (this.gone) return;
    this.out.push(data);
    this.outBytes += data.length;
    if (typeof data !== 'string') this.outHasBuffer = true;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this);
    }
  }

  /** @internal Hands what was pushed to the socket (one write). */
  flush(): void {
    this.flushScheduled = false;
    const out = this.out;
    if (out.length === 0 || this.gone) return;
    this.out = [];
    this.outBytes = 0;
    let data: string | Buffer;
    if (out.length === 1) data = out[0]!;
    else if (!this.outHasBuffer) data = (out as string[]).join('');
    else data = Buffer.concat(out.map((d) => (typeof d === 'string' ? Buffer.from(d) : d)));
    this.outHasBuffer = false;
    this.socket.write(data);
  }

  private endSocket(): void {
    if (this.gone) return;
    this.closing = true;
    this.parser.stop();
    if (this.flushScheduled) this.flush();
    this.socket.end();
    // Input still arriving is read and dropped for a while so the answer is not lost to a reset.
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onClose(): void {
    this.gone = true;
    this.parser.stop();
    this.waiting = [];
    const queue = this.queue.splice(0);
    for (const res of queue) res.fireClose();
  }
}

/** Makes an HTTP/1.1 server (TLS when `options.tls` is given) serving `handler`. */
export function createHttp1Server(handler: Http1Handler, options: Http1ServerOptions = {}): Http1Server {
  const connections = new Set<Connection>();
  const maxPipelined = options.maxPipelined ?? 64;
  const idleTimeout = options.idleTimeoutMs ?? 60_000;
  const headTimeout = options.headTimeoutMs ?? 65_000;
  const limits: ParserLimits = {
    maxHeadBytes: options.maxHeadBytes,
    maxHeaderCount: options.maxHeaderCount,
    maxBodyBytes: options.maxBodyBytes,
  };
  const accept = (socket: net.Socket) => {
    const conn = new Connection(socket, handler, maxPipelined, limits);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  };
  let server: net.Server;
  if (options.tls !== undefined) {
    const t = options.tls;
    server = tls.createServer(
      {
        allowHalfOpen: true,
        cert: t.cert,
        key: t.key,
        ca: t.ca,
        requestCert: t.requestCert ?? false,
        rejectUnauthorized: t.rejectUnauthorized ?? false,
      },
      accept,
    );
    server.on('tlsClientError', (_err: Error, socket: tls.TLSSocket) => socket.destroy());
  } else {
    server = net.createServer({ noDelay: true, allowHalfOpen: true }, accept);
  }

  let sweeper: NodeJS.Timeout | null = null;
  const sweep = () => {
    const now = Date.now();
    for (const conn of connections) {
      if (conn.idle && now - conn.lastActivity > idleTimeout) conn.destroy();
      else if (conn.parser.readingHead && now - conn.headStarted > headTimeout) conn.destroy();
    }
  };
  server.on('listening', () => {
    const every = Math.max(10, Math.min(1000, Math.floor(Math.min(idleTimeout, headTimeout) / 4)));
    sweeper = setInterval(sweep, every);
    sweeper.unref();
  });
  server.on('close', () => {
    if (sweeper !== null) clearInterval(sweeper);
    sweeper = null;
  });

  return Object.assign(server, {
    closeAllConnections(): void {
      for (const conn of connections) conn.destroy();
    },
    closeIdleConnections(): void {
      for (const conn of connections) if (conn.idle) conn.destroy();
    },
  });
}
