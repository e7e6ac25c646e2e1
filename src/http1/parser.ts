/**
 * An incremental HTTP/1.x request parser with no I/O: `push` Buffers in, requests come out through
 * the sink in order. Strict about framing (one Content-Length or `chunked`, never both; no obs-fold;
 * no control characters), bounded in head size and header count, and able to deliver a request whose
 * body exceeds the limit without buffering the excess (`bodyTooLarge`).
 */

/** Request header fields: names lower-cased; repeated fields joined with ", ". */
export interface Http1Headers {
  readonly [name: string]: string | undefined;
}

export interface Http1Request {
  readonly method: string;
  /** The request target as sent (origin-form, absolute-form, or `*`). */
  readonly url: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x minors, as Go treats them). */
  readonly minorVersion: 0 | 1;
  readonly headers: Http1Headers;
  /** The request body; empty when none was sent or when it was too large. */
  readonly body: Buffer;
  /** The body was longer than the configured maximum; its bytes were discarded. */
  readonly bodyTooLarge: boolean;
  /** The client asked to keep the connection open after this exchange. */
  readonly keepAlive: boolean;
}

/** What the parser reports besides complete requests. */
export interface ParseSink {
  /**
   * A request head is complete and a body of `expectedLength` bytes (-1: chunked) follows. Called
   * before the body is read, only when the client sent `Expect: 100-continue`.
   */
  onExpectContinue?(): void;
  onRequest(request: Http1Request): void;
  /** The input is not acceptable; `response` is the complete answer to write before closing. */
  onError(error: Http1ParseError): void;
}

export class Http1ParseError extends Error {
  constructor(
    readonly status: number,
    /** The exact bytes to answer with (status line, headers, body), as Go's server writes them. */
    readonly response: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ParserLimits {
  /** Largest request head (request line and header fields), in bytes. Default 1 MiB + 4 KiB, as Go. */
  readonly maxHeadBytes?: number;
  /** Most header fields in one head. Default 1024. */
  readonly maxHeaderCount?: number;
  /** Largest body buffered; beyond it the request is delivered with `bodyTooLarge`. Default 10 MiB. */
  readonly maxBodyBytes?: number;
}

export const DEFAULT_MAX_HEAD_BYTES = 1024 * 1024 + 4096;
export const DEFAULT_MAX_HEADER_COUNT = 1024;
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

const ERROR_HEADERS = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';

/** Go's answer to a request it cannot parse: plain, or with the reason when Go gives one. */
function badRequest(reason?: string): Http1ParseError {
  if (reason === undefined) return new Http1ParseError(400, `HTTP/1.1 400 Bad Request${ERROR_HEADERS}400 Bad Request`, 'malformed request');
  const text = `400 Bad Request: ${reason}`;
  return new Http1ParseError(400, `HTTP/1.1 ${text}${ERROR_HEADERS}${text}`, reason);
}

function headTooLarge(): Http1ParseError {
  const text = '431 Request Header Fields Too Large';
  return new Http1ParseError(431, `HTTP/1.1 ${text}${ERROR_HEADERS}${text}`, 'request head too large');
}

function unsupportedTransferEncoding(): Http1ParseError {
  return new Http1ParseError(501, `HTTP/1.1 501 Not Implemented${ERROR_HEADERS}Unsupported transfer encoding`, 'unsupported transfer encoding');
}

function unsupportedVersion(): Http1ParseError {
  const text = '505 HTTP Version Not Supported: unsupported protocol version';
  return new Http1ParseError(505, `HTTP/1.1 ${text}${ERROR_HEADERS}${text}`, 'unsupported protocol version');
}

/** RFC 7230 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters other than HTAB are not allowed in field values (Go's httpguts rule). */
const BAD_VALUE_CHAR = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Request targets: visible ASCII and (as Go tolerates) bytes >= 0x80; no controls or spaces. */
const BAD_TARGET_CHAR = /[\x00-\x20\x7f]/;
const EMPTY = Buffer.alloc(0);

/**
 * Header objects: a prototype without properties, so names such as `__proto__` or `constructor`
 * are plain fields, while the objects stay in V8's fast mode (an `Object.create(null)` object with
 * fields added one by one does not, and costs several times more to fill).
 */
const HeaderBag = function HeaderBag(this: Record<string, string>) {} as unknown as new () => Record<string, string>;
HeaderBag.prototype = Object.create(null) as object;

const enum State {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  /** A request that closes the connection was delivered, or an error was reported: input ignored. */
  Done,
}

interface PendingHead {
  method: string;
  url: string;
  minorVersion: 0 | 1;
  headers: Record<string, string>;
  keepAlive: boolean;
}

export class RequestParser {
  private readonly maxHeadBytes: number;
  private readonly maxHeaderCount: number;
  private readonly maxBodyBytes: number;
  private readonly sink: ParseSink;

  private state = State.Head;
  /** Bytes of an incomplete head (only when a head spans chunks). */
  private headStore: Buffer = EMPTY;
  private headLength = 0;
  private head: PendingHead | null = null;
  /** Bytes of body still to come (Content-Length), or of the current chunk. */
  private remaining = 0;
  private bodyParts: Buffer[] = [];
  private bodySize = 0;
  private discarding = false;
  /** A CR was skipped before a request line; only LF may follow. */
  private leadingCR = false;
  /** Chunk-size and trailer lines spanning chunks. */
  private line = '';

  constructor(sink: ParseSink, limits: ParserLimits = {}) {
    this.sink = sink;
    this.maxHeadBytes = limits.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
    this.maxHeaderCount = limits.maxHeaderCount ?? DEFAULT_MAX_HEADER_COUNT;
    this.maxBodyBytes = limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** True between requests with no partial input buffered (for idle timeouts). */
  get idle(): boolean {
    return this.state === State.Head && this.headLength === 0;
  }

  /** True while a head is partly received. */
  get readingHead(): boolean {
    return this.state === State.Head && this.headLength > 0;
  }

  /** True when no more requests will come out (after an error or a closing request). */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** Stops parsing: later input is ignored. */
  stop(): void {
    this.state = State.Done;
    this.headStore = EMPTY;
    this.bodyParts = [];
  }

  /** Parses `chunk`; bodies may keep views of it, so the caller must not modify it afterwards. */
  push(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      switch (this.state) {
        case State.Head:
          pos = this.readHead(chunk, pos);
          break;
        case State.Body: {
          const n = Math.min(this.remaining, end - pos);
          this.takeBody(chunk, pos, n);
          if ((this.state as State) === State.Done) return;
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.finish();
          break;
        }
        case State.ChunkSize:
        case State.Trailer:
        case State.ChunkDataEnd:
          pos = this.readChunkLine(chunk, pos);
          break;
        case State.ChunkData: {
          const n = Math.min(this.remaining, end - pos);
          this.takeBody(chunk, pos, n);
          if ((this.state as State) === State.Done) return;
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.Done:
          return;
      }
    }
  }

  private fail(error: Http1ParseError): void {
    this.stop();
    this.sink.onError(error);
  }

  /** Finds the end of the head in `chunk` from `pos` (joining an earlier partial head); returns the new position. */
  private readHead(chunk: Buffer, pos: number): number {
    if (this.headLength === 0) {
      // Empty lines between requests are skipped, as RFC 7230 §3.5 allows.
      while (pos < chunk.length) {
        const c = chunk[pos];
        if (this.leadingCR && c !== 10) {
          this.fail(badRequest());
          return chunk.length;
        }
        if (c === 13) this.leadingCR = true;
        else if (c === 10) this.leadingCR = false;
        else break;
        pos++;
      }
      if (pos === chunk.length) return pos;
      const headEnd = findHeadEnd(chunk, pos);
      if (headEnd === -1 ? chunk.length - pos > this.maxHeadBytes : headEnd - pos > this.maxHeadBytes) {
        this.fail(headTooLarge());
        return chunk.length;
      }
      if (headEnd !== -1) {
        this.parseHead(chunk.toString('latin1', pos, headEnd));
        return headEnd;
      }
      this.stash(chunk, pos);
      return chunk.length;
    }
    const scanFrom = Math.max(0, this.headLength - 3);
    const before = this.headLength;
    this.stash(chunk, pos);
    const headEnd = findHeadEnd(this.headStore.subarray(0, this.headLength), scanFrom);
    if (headEnd === -1 ? this.headLength > this.maxHeadBytes : headEnd > this.maxHeadBytes) {
      this.fail(headTooLarge());
      return chunk.length;
    }
    if (headEnd === -1) return chunk.length;
    const text = this.headStore.toString('latin1', 0, headEnd);
    this.headLength = 0;
    this.headStore = EMPTY;
    this.parseHead(text);
    return pos + (headEnd - before);
  }

  /** Appends the rest of `chunk` to the partial head (the store grows by doubling). */
  private stash(chunk: Buffer, pos: number): void {
    const n = chunk.length - pos;
    if (this.headStore.length < this.headLength + n) {
      const grown = Buffer.allocUnsafe(Math.max(1024, (this.headLength + n) * 2));
      this.headStore.copy(grown, 0, 0, this.headLength);
      this.headStore = grown;
    }
    chunk.copy(this.headStore, this.headLength, pos);
    this.headLength += n;
  }

  private parseHead(text: string): void {
    // Lines end in CRLF or a bare LF (as Go reads them); a CR anywhere else is refused below.
    let lineEnd = text.indexOf('\n');
    const requestLine = text.charCodeAt(lineEnd - 1) === 13 ? text.slice(0, lineEnd - 1) : text.slice(0, lineEnd);
    const sp1 = requestLine.indexOf(' ');
    const sp2 = sp1 === -1 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp2 === -1) return this.fail(badRequest());
    const method = requestLine.slice(0, sp1);
    const url = requestLine.slice(sp1 + 1, sp2);
    const proto = requestLine.slice(sp2 + 1);
    if (!TOKEN.test(method) || url === '' || BAD_TARGET_CHAR.test(url)) return this.fail(badRequest());
    let minorVersion: 0 | 1;
    if (proto === 'HTTP/1.1') minorVersion = 1;
    else if (proto === 'HTTP/1.0') minorVersion = 0;
    else {
      const m = /^HTTP\/(\d)\.(\d)$/.exec(proto);
      if (m === null) return this.fail(badRequest());
      if (m[1] !== '1') return this.fail(unsupportedVersion());
      minorVersion = m[2] === '0' ? 0 : 1;
    }

    const headers = new HeaderBag();
    let count = 0;
    let contentLength = -1;
    let transferEncoding: string | null = null;
    let hostCount = 0;
    let start = lineEnd + 1;
    for (;;) {
      lineEnd = text.indexOf('\n', start);
      const stop = text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      if (stop <= start) break; // the empty line
      const c0 = text.charCodeAt(start);
      if (c0 === 32 || c0 === 9) return this.fail(badRequest('obsolete line folding'));
      const colon = text.indexOf(':', start);
      if (colon === -1 || colon >= stop) return this.fail(badRequest());
      const name = text.slice(start, colon);
      if (!TOKEN.test(name)) return this.fail(badRequest('invalid header name'));
      let vs = colon + 1;
      let ve = stop;
      while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
      while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
      const value = text.slice(vs, ve);
      if (BAD_VALUE_CHAR.test(value)) return this.fail(badRequest('invalid header value'));
      if (++count > this.maxHeaderCount) return this.fail(headTooLarge());
      const key = name.toLowerCase();
      if (key === 'content-length') {
        if (!/^\d{1,15}$/.test(value)) return this.fail(badRequest());
        const n = Number(value);
        if (contentLength !== -1 && contentLength !== n) return this.fail(badRequest());
        contentLength = n;
        headers[key] = value;
      } else if (key === 'transfer-encoding') {
        if (transferEncoding !== null) return this.fail(unsupportedTransferEncoding());
        transferEncoding = value;
        headers[key] = value;
      } else if (key === 'host') {
        if (++hostCount > 1) return this.fail(badRequest());
        headers[key] = value;
      } else {
        const prev = headers[key];
        headers[key] = prev === undefined ? value : `${prev}, ${value}`;
      }
      start = lineEnd + 1;
    }
    if (minorVersion === 1 && hostCount === 0) return this.fail(badRequest('missing required Host header'));

    let chunked = false;
    if (transferEncoding !== null) {
      if (minorVersion === 0) return this.fail(badRequest());
      if (transferEncoding.toLowerCase() !== 'chunked') return this.fail(unsupportedTransferEncoding());
      if (contentLength !== -1) return this.fail(badRequest());
      chunked = true;
    }

    const connection = headers.connection;
    let keepAlive: boolean;
    if (connection === undefined) keepAlive = minorVersion === 1;
    else {
      const tokens = connection.toLowerCase();
      keepAlive = minorVersion === 1 ? !hasToken(tokens, 'close') : hasToken(tokens, 'keep-alive') && !hasToken(tokens, 'close');
    }
    this.head = { method, url, minorVersion, headers, keepAlive };
    this.bodyParts = [];
    this.bodySize = 0;
    this.discarding = false;

    if (chunked) {
      this.state = State.ChunkSize;
      this.line = '';
      this.expectContinue(headers);
      return;
    }
    if (contentLength > 0) {
      this.remaining = contentLength;
      this.state = State.Body;
      if (contentLength > this.maxBodyBytes) {
        // Known to be too large: delivered now; the body is skipped and the connection ends.
        this.tooLarge();
        return;
      }
      this.expectContinue(headers);
      return;
    }
    this.state = State.Head;
    this.deliver(EMPTY, false);
  }

  private expectContinue(headers: Record<string, string>): void {
    if (this.head?.minorVersion !== 1) return;
    const expect = headers.expect;
    if (expect !== undefined && expect.toLowerCase() === '100-continue') this.sink.onExpectContinue?.();
  }

  private takeBody(chunk: Buffer, pos: number, n: number): void {
    if (this.discarding || n === 0) return;
    this.bodySize += n;
    if (this.bodySize > this.maxBodyBytes) {
      this.tooLarge();
      return;
    }
    // Not copied: a socket hands out a fresh buffer for every read (callers must not reuse chunks).
    this.bodyParts.push(chunk.subarray(pos, pos + n));
  }

  /** Delivers the current request as too large; the rest of its body (and all later input) is ignored. */
  private tooLarge(): void {
    this.discarding = true;
    this.bodyParts = [];
    const head = this.head!;
    this.head = null;
    this.state = State.Done;
    this.sink.onRequest({ ...head, keepAlive: false, body: EMPTY, bodyTooLarge: true });
  }

  private finish(): void {
    const parts = this.bodyParts;
    this.bodyParts = [];
    this.state = State.Head;
    this.deliver(parts.length === 1 ? parts[0]! : Buffer.concat(parts), false);
  }

  private deliver(body: Buffer, bodyTooLarge: boolean): void {
    const head = this.head!;
    this.head = null;
    if (!head.keepAlive) this.state = State.Done;
    this.sink.onRequest({ method: head.method, url: head.url, minorVersion: head.minorVersion, headers: head.headers, body, bodyTooLarge, keepAlive: head.keepAlive });
  }

  /** Reads a chunk-size line, the CRLF after chunk data, or a trailer line. */
  private readChunkLine(chunk: Buffer, pos: number): number {
    const nl = chunk.indexOf(10, pos);
    const stop = nl === -1 ? chunk.length : nl;
    if (this.line.length + (stop - pos) > 4096) {
      this.fail(badRequest());
      return chunk.length;
    }
    this.line += chunk.toString('latin1', pos, stop);
    if (nl === -1) return chunk.length;
    let line = this.line;
    this.line = '';
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.indexOf('\r') !== -1) {
      this.fail(badRequest());
      return chunk.length;
    }
    const next = nl + 1;
    if (this.state === State.ChunkDataEnd) {
      if (line !== '') {
        this.fail(badRequest());
        return chunk.length;
      }
      this.state = State.ChunkSize;
      return next;
    }
    if (this.state === State.Trailer) {
      if (line === '') this.finish();
      else if (BAD_VALUE_CHAR.test(line) || line.indexOf(':') <= 0) {
        this.fail(badRequest());
        return chunk.length;
      }
      return next;
    }
    // chunk-size [ chunk-ext ]
    const semi = line.indexOf(';');
    const hex = (semi === -1 ? line : line.slice(0, semi)).replace(/[ \t]+$/, '');
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex) || BAD_VALUE_CHAR.test(line)) {
      this.fail(badRequest());
      return chunk.length;
    }
    const size = parseInt(hex, 16);
    if (size === 0) {
      this.state = State.Trailer;
      return next;
    }
    this.remaining = size;
    this.state = State.ChunkData;
    return next;
  }
}

/**
 * The index just past the empty line ending a head, or -1; the search starts at `from`.
 */
function findHeadEnd(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const nl = buf.indexOf(10, i);
    if (nl === -1) return -1;
    // An empty line: "\n\n" or "\n\r\n".
    if (nl + 1 < buf.length) {
      const c = buf[nl + 1];
      if (c === 10) return nl + 2;
      if (c === 13 && nl + 2 < buf.length && buf[nl + 2] === 10) return nl + 3;
      if (c === 13 && nl + 2 >= buf.length) return -1;
    } else return -1;
    i = nl + 1;
  }
}

/** Whether a comma-separated, lower-cased list holds `token`. */
function hasToken(list: string, token: string): boolean {
  if (list === token) return true;
  for (const part of list.split(',')) if (part.trim() === token) return true;
  return false;
}
