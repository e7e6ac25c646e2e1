/**
 * The receiving end of a peer's stream: reads frames from the request body as they arrive and hands
 * each decoded message on. The response stays open (headers only) for as long as the stream lives,
 * so the sender knows at once that the stream was accepted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message } from '../raft/messages.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeMessage } from './message-codec.js';

export interface InboundStreamOptions {
  maxMessageBytes: number;
  /** Some bytes arrived from the peer. */
  onBytes: (bytes: number) => void;
  onMessage: (m: Message) => void;
  /** The stream broke on bad data; it has been closed. */
  onBadData: (reason: string) => void;
  onClose: () => void;
}

export class InboundStream {
  private closed = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    opts: InboundStreamOptions,
  ) {
    const decoder = new FrameDecoder(opts.maxMessageBytes);
    const onFrame = (frame: Buffer) => opts.onMessage(decodeMessage(frame));
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      opts.onBytes(chunk.length);
      try {
        decoder.push(chunk, onFrame);
      } catch (err) {
        this.close();
        opts.onBadData((err as Error).message);
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
    if (this.req.complete) {
      this.res.end();
    } else {
      // The body is still coming: only closing the connection stops it.
      this.res.destroy();
      this.req.destroy();
    }
  }
}
