/**
 * The outbound stream to one peer: a long-lived POST /raft/stream whose chunked body is a sequence
 * of length-prefixed message frames. Messages are written in the order they were queued; all
 * messages that accumulate while a write is in flight go out together as one write.
 *
 * An idle stream carries an empty frame every `keepaliveMs`, and the receiver answers with a byte on
 * the response as often; a stream that hears nothing for `idleTimeoutMs`, or whose writes do not
 * drain for as long, is taken for broken, as a silent network partition would leave it.
 *
 * While connecting, messages wait in a bounded queue. When the connection fails or the peer refuses
 * it, waiting messages are dropped, the failure is reported, and the stream retries after a jittered,
 * growing delay; during that delay new messages are dropped at once rather than queued.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Message } from '../raft/messages.js';
import { Backoff } from './backoff.js';
import { FRAME_HEADER_BYTES } from './frame-decoder.js';
import { encodedSize, encodeMessageInto } from './message-codec.js';
import { peerRequestHeaders, idToHex } from './peer-headers.js';
import type { PeerDialer } from './peer-dialer.js';

export const STREAM_PATH = '/raft/stream';

/** A frame of length zero: says only that the stream is alive. */
const EMPTY_FRAME = Buffer.alloc(4);

/** The largest single write of frames, unless one message alone is larger. */
const MAX_WRITE_BYTES = 256 * 1024;

export type PeerStreamState = 'connecting' | 'open' | 'backoff' | 'stopped';

export interface PeerStreamOptions {
  localId: bigint;
  peerId: bigint;
  clusterId: bigint;
  dialer: PeerDialer;
  /** The peer's URLs, read at each connection attempt; attempts rotate through them. */
  urls: () => readonly string[];
  backoff: Backoff;
  setTimer: (fn: () => void, ms: number) => NodeJS.Timeout;
  dialTimeoutMs: number;
  keepaliveMs: number;
  idleTimeoutMs: number;
  /** Messages larger than this (encoded) are not sent. */
  maxMessageBytes: number;
  /** Bytes of messages allowed to wait; beyond it messages are dropped. */
  maxQueueBytes: number;
  /** Messages handed to the socket, and the bytes they took. */
  onWritten: (messages: readonly Message[], bytes: number) => void;
  /** Messages that will not be delivered. */
  onDropped: (messages: readonly Message[], reason: string) => void;
  onOpen: () => void;
  /** The peer answered that this member was removed from the cluster. */
  onRemoved: () => void;
  /** An open stream broke: messages written into it may not have arrived. */
  onBroken: (reason: string) => void;
  /**
   * Every URL of the peer refused a connection (ECONNREFUSED) since the stream was last open:
   * nothing listens there, so the peer's process is gone. Called once per run of refusals.
   */
  onRefused: () => void;
  log: (line: string) => void;
}

export class PeerStream {
  private stateValue: PeerStreamState = 'connecting';
  private queue: Message[] = [];
  private queueSizes: number[] = [];
  private queuedBytes = 0;
  private request: ClientRequest | null = null;
  private response: IncomingMessage | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  private waitingForDrain = false;
  private urlIndex = 0;
  /** Increases with every connection attempt, so events of an abandoned attempt are ignored. */
  private attempt = 0;
  private lastFailure = '';
  private wroteSinceTick = false;
  private silentTicks = 0;
  private drainTicks = 0;
  /** Connection attempts refused in a row since the stream was last open. */
  private refusals = 0;
  private readonly flushNow = () => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(private readonly opts: PeerStreamOptions) {
    this.connect();
  }

  get state(): PeerStreamState {
    return this.stateValue;
  }

  /** The URL of the current or last connection attempt. */
  currentUrl(): string | null {
    const urls = this.opts.urls();
    return urls.length === 0 ? null : urls[this.urlIndex % urls.length];
  }

  /** Queues a message for the next `flush`; returns false if it was dropped at once. */
  enqueue(m: Message): boolean {
    if (this.stateValue === 'backoff' || this.stateValue === 'stopped') return false;
    const size = encodedSize(m);
    if (size > this.opts.maxMessageBytes) {
      this.opts.log(`not sending a ${size}-byte message to ${idToHex(this.opts.peerId)}: over the ${this.opts.maxMessageBytes}-byte limit`);
      return false;
    }
    if (this.queuedBytes + size > this.opts.maxQueueBytes) return false;
    this.queue.push(m);
    this.queueSizes.push(size);
    this.queuedBytes += size + FRAME_HEADER_BYTES;
    return true;
  }

  /** Drops the current connection and connects again at once (e.g. after the peer's URLs changed). */
  reconnect(): void {
    if (this.stateValue === 'stopped') return;
    this.abandon();
    this.dropQueue('reconnecting');
    this.connect();
  }

  /**
   * The peer is back (it just opened a stream to this member): a connection waiting out its backoff
   * is tried at once. Otherwise a member restarted after the backoff had grown would not hear from
   * this one (its votes included) for up to the longest backoff.
   */
  retryNow(): void {
    if (this.stateValue !== 'backoff') return;
    this.clearTimer();
    this.connect();
  }

  stop(): void {
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'stopped';
    this.abandon();
    this.dropQueue('transport stopped');
  }

  private connect(): void {
    const url = this.currentUrl();
    if (url === null) {
      this.fail(this.attempt, 'peer has no URLs');
      return;
    }
    const attempt = ++this.attempt;
    this.stateValue = 'connecting';
    const { localId, peerId, clusterId } = this.opts;
    const headers = { ...peerRequestHeaders(localId, peerId, clusterId), 'content-type': 'application/octet-stream' };
    let req: ClientRequest;
    try {
      req = this.opts.dialer.post(url, STREAM_PATH, headers, true);
    } catch (err) {
      this.fail(attempt, `cannot dial ${url}: ${(err as Error).message}`);
      return;
    }
    this.request = req;
    this.timer = this.opts.setTimer(() => this.fail(attempt, `no answer from ${url} within ${this.opts.dialTimeoutMs} ms`), this.opts.dialTimeoutMs);
    req.on('socket', (socket) => {
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 1000);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (attempt === this.attempt && this.stateValue === 'connecting') this.noteRefusal(err.code === 'ECONNREFUSED');
      this.fail(attempt, `stream to ${url}: ${err.message}`);
    });
    req.on('close', () => this.fail(attempt, `stream to ${url} closed`));
    req.on('response', (res) => {
      if (attempt !== this.attempt) {
        res.resume();
        return;
      }
      this.response = res;
      if (res.statusCode === 410) this.opts.onRemoved();
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { if (body.length < 512) body += chunk; });
        res.on('end', () => this.fail(attempt, `${url} refused the stream: ${res.statusCode} ${body.trim()}`));
        res.on('error', () => this.fail(attempt, `${url} refused the stream: ${res.statusCode}`));
        return;
      }
      this.clearTimer();
      this.stateValue = 'open';
      this.refusals = 0;
      this.opts.backoff.reset();
      if (this.lastFailure !== '') this.opts.log(`stream to ${idToHex(peerId)} at ${url} is open`);
      this.lastFailure = '';
      this.silentTicks = 0;
      this.drainTicks = 0;
      this.wroteSinceTick = false;
      res.on('data', () => { this.silentTicks = 0; });
      res.on('end', () => this.fail(attempt, `${url} ended the stream`));
      res.on('error', (err) => this.fail(attempt, `stream from ${url}: ${err.message}`));
      this.opts.onOpen();
      this.armKeepalive(attempt);
      this.flush();
    });
    req.flushHeaders();
  }

  private armKeepalive(attempt: number): void {
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      if (attempt !== this.attempt || this.stateValue !== 'open' || !this.request) return;
      const limit = Math.max(1, Math.ceil(this.opts.idleTimeoutMs / this.opts.keepaliveMs));
      if (++this.silentTicks > limit) {
        this.fail(attempt, `nothing heard from ${this.currentUrl()} for ${this.opts.idleTimeoutMs} ms`);
        return;
      }
      if (this.waitingForDrain) {
        if (++this.drainTicks > limit) {
          this.fail(attempt, `${this.currentUrl()} stopped reading for ${this.opts.idleTimeoutMs} ms`);
          return;
        }
      } else {
        this.drainTicks = 0;
        if (!this.wroteSinceTick && this.queue.length === 0) this.request.write(EMPTY_FRAME);
      }
      this.wroteSinceTick = false;
      this.armKeepalive(attempt);
    }, this.opts.keepaliveMs);
  }

  /**
   * Writes what is queued, now rather than at the end of the current task: the server sends a
   * Ready's messages and then applies its committed entries, and answering many watchers can take
   * milliseconds that followers should not wait for the new commit index. While the stream is not
   * open, or waits for the connection to drain, the queue waits too and goes out when it can.
   */
  flush(): void {
    if (this.stateValue !== 'open' || this.waitingForDrain || this.queue.length === 0 || !this.request) return;
    // Everything waiting goes out in one write, up to MAX_WRITE_BYTES: past that, smaller writes let
    // the peer decode one part while the next is encoded.
    let count = 0;
    let bytes = 0;
    const sizes = this.queueSizes;
    while (count < sizes.length && (count === 0 || bytes + sizes[count] + FRAME_HEADER_BYTES <= MAX_WRITE_BYTES)) {
      bytes += sizes[count] + FRAME_HEADER_BYTES;
      count++;
    }
    let messages: Message[];
    let taken: number[];
    if (count === this.queue.length) {
      messages = this.queue;
      taken = sizes;
      this.queue = [];
      this.queueSizes = [];
    } else {
      messages = this.queue.splice(0, count);
      taken = sizes.splice(0, count);
    }
    this.queuedBytes -= bytes;
    const buf = Buffer.allocUnsafe(bytes);
    let off = 0;
    for (let i = 0; i < count; i++) {
      off = buf.writeUInt32BE(taken[i], off);
      off = encodeMessageInto(messages[i], buf, off);
    }
    const req = this.request;
    this.wroteSinceTick = true;
    const more = req.write(buf);
    // Node's client request corks its socket for each chunk of the body until the end of the task;
    // the frames must leave now, ahead of whatever else this task does (applying entries, answering
    // watchers). The uncork that Node scheduled then finds nothing to do.
    const socket = req.socket;
    if (socket !== null && socket.writableCorked > 0) socket.uncork();
    this.opts.onWritten(messages, bytes);
    const attempt = this.attempt;
    if (!more) {
      this.waitingForDrain = true;
      req.once('drain', () => {
        if (attempt !== this.attempt) return;
        this.waitingForDrain = false;
        this.flush();
      });
    } else if (this.queue.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushNow);
    }
  }

  private noteRefusal(refused: boolean): void {
    if (!refused) {
      this.refusals = 0;
      return;
    }
    if (++this.refusals === Math.max(1, this.opts.urls().length)) this.opts.onRefused();
  }

  private fail(attempt: number, reason: string): void {
    if (attempt !== this.attempt || this.stateValue === 'stopped' || this.stateValue === 'backoff') return;
    const wasOpen = this.stateValue === 'open';
    this.abandon();
    if (reason !== this.lastFailure) {
      this.opts.log(`peer ${idToHex(this.opts.peerId)} unreachable: ${reason}`);
      this.lastFailure = reason;
    }
    this.dropQueue(reason);
    if (wasOpen) this.opts.onBroken(reason);
    this.stateValue = 'backoff';
    this.urlIndex++;
    const delay = this.opts.backoff.next();
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      if (this.stateValue === 'backoff') this.connect();
    }, delay);
  }

  /** Forgets the current attempt: its socket is closed and its late events ignored. */
  private abandon(): void {
    this.attempt++;
    this.clearTimer();
    this.waitingForDrain = false;
    const req = this.request;
    const res = this.response;
    this.request = null;
    this.response = null;
    res?.destroy();
    req?.destroy();
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private dropQueue(reason: string): void {
    if (this.queue.length === 0) return;
    const dropped = this.queue;
    this.queue = [];
    this.queueSizes = [];
    this.queuedBytes = 0;
    this.opts.onDropped(dropped, reason);
  }
}
