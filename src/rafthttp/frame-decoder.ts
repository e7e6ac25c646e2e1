/**
 * Splits a byte stream into length-prefixed frames (u32 big-endian length, then that many bytes),
 * whatever the boundaries of the chunks it arrives in. A frame longer than the limit is an error:
 * the stream cannot be trusted after it.
 */

export const FRAME_HEADER_BYTES = 4;

export class FrameTooLargeError extends Error {
  constructor(readonly size: number, readonly limit: number) {
    super(`frame of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /**
   * Feeds one chunk; calls `onFrame` for each whole frame, in order. A frame is a view of the
   * chunk (or of the pieces copied together), valid only during the call.
   */
  push(chunk: Buffer, onFrame: (frame: Uint8Array) => void): void {
    let buf: Buffer;
    if (this.pendingBytes === 0) {
      buf = chunk;
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      // Wait for the whole frame before copying the pieces together.
      const head = this.peekLength();
      if (head === null || this.pendingBytes < FRAME_HEADER_BYTES + head) return;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    // Views of a plain Uint8Array cost less to make than Buffer views.
    const view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    let off = 0;
    while (buf.length - off >= FRAME_HEADER_BYTES) {
      const len = buf.readUInt32BE(off);
      if (len > this.maxFrameBytes) throw new FrameTooLargeError(len, this.maxFrameBytes);
      const end = off + FRAME_HEADER_BYTES + len;
      if (end > buf.length) break;
      onFrame(view.subarray(off + FRAME_HEADER_BYTES, end));
      off = end;
    }
    if (off < buf.length) {
      const rest = buf.subarray(off);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
      if (rest.length >= FRAME_HEADER_BYTES) {
        const len = rest.readUInt32BE(0);
        if (len > this.maxFrameBytes) throw new FrameTooLargeError(len, this.maxFrameBytes);
      }
    }
  }

  /** The length of the frame at the start of the pending bytes, once its header has arrived. */
  private peekLength(): number | null {
    if (this.pendingBytes < FRAME_HEADER_BYTES) return null;
    const first = this.pending[0];
    let len: number;
    if (first.length >= FRAME_HEADER_BYTES) {
      len = first.readUInt32BE(0);
    } else {
      len = Buffer.concat(this.pending, FRAME_HEADER_BYTES).readUInt32BE(0);
    }
    if (len > this.maxFrameBytes) throw new FrameTooLargeError(len, this.maxFrameBytes);
    return len;
  }
}
