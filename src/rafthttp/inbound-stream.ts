/**
 * The receiving end of a peer's stream: reads frames from the request body as they arrive and hands
 * each decoded message on. The response stays open (headers only) for as long as the stream lives,
 * so the sender knows at once that the stream was accepted; a byte is written on it every
 * `keepaliveMs` so the sender can tell a live receiver from a silent network. A stream on which
 * nothing arrives for `idleTimeoutMs` (the sender writes empty frames when idle) is closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message } from '../raft/messages.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeMessage } from './message-codec.js';

const ALIVE = Buffer.from([0]);

export interface InboundStreamOptions {
  maxMessageBytes: number;
  keepaliveMs: number;
  idleTimeoutMs: number;
  /** Some bytes arrived from the peer. */
  onBytes: (bytes: number) => void;
  onMessage: (m: Message) => void;
  /** The stream was closed for bad data or silence. */
  onFault: (reason: string) => void;
  onClose: () => void;
}

export class InboundStream {
  private closed = false;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    opts: InboundStreamOptions,
  ) {
    const decoder = new FrameDecoder(opts.maxMessageBytes);
    const onFrame = (frame: Uint8Array) => {
      // Closed while a chunk is being split (e.g. the peer was removed by a message in it): the rest is dropped.
      if (frame.length > 0 && !this.closed) opts.onMessage(decodeMessage(frame));
    };
    let silentTicks = 0;
    const limit = Math.max(1, Math.ceil(opts.idleTimeoutMs / opts.keepaliveMs));
    this.ticker = setInterval(() => {
      if (++silentTicks > limit) {
        this.close();
        opts.onFault(`nothing heard for ${opts.idleTimeoutMs} ms`);
        return;
      }
      res.write(ALIVE);
    }, opts.keepaliveMs);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      silentTicks = 0;
      opts.onBytes(chunk.length);
      try {
        decoder.push(chunk, onFrame);
      } catch (err) {
        this.close();
        opts.onFault((err as Error).message);
      }
    });
    req.on('end', () => this.close());
    req.on('error', () => this.close());
    res.on('close', () => {
      if (!this.closed) this.close();
      opts.onClose();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    if (this.req.complete) {
      this.res.end();
    } else {
      // The body is still coming: only closing the connection stops it.
      this.res.destroy();
      this.req.destroy();
    }
  }
}
