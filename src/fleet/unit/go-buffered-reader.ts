/**
 * A model of Go's `bufio.Reader` (default 4096-byte buffer) reading from an in-memory
 * `strings.Reader`/`bytes.Buffer`, exact in how much it holds buffered at every moment.
 *
 * go-systemd's unit lexer decides "line too long" by looking at `Buffered()`, so to reject exactly
 * the files fleet rejects, the buffer's fill pattern has to be reproduced, not just the bytes read.
 * Positions here are offsets into the whole input: the buffer holds `data[pos, end)`.
 */
import { goDecodeRune, goFullRune, type DecodedRune } from './go-text.js';

const BUFFER_SIZE = 4096;
const UTF_MAX = 4;

/** A span of the input returned by `readBytes`; `eof` when the delimiter was not found. */
export interface ByteSpan {
  start: number;
  end: number;
  eof: boolean;
}

export class GoBufferedReader {
  private pos = 0;
  private end = 0;
  /** bufio's `b.err` after a read hit the end of the input; cleared when reported. */
  private eofPending = false;
  private lastRuneSize = -1;

  constructor(readonly data: Uint8Array) {}

  /** `Buffered()`: bytes held in the buffer and not yet consumed. */
  buffered(): number {
    return this.end - this.pos;
  }

  /** The next `n` buffered bytes, without consuming them (callers ensure `buffered() >= n`). */
  peek(n: number): Uint8Array {
    return this.data.subarray(this.pos, this.pos + n);
  }

  /** Slides the buffer and reads as much as fits, as one `Read` of the in-memory reader does. */
  private fill(): void {
    const n = Math.min(BUFFER_SIZE - (this.end - this.pos), this.data.length - this.end);
    this.end += n;
    if (n === 0) this.eofPending = true;
  }

  /** `ReadRune`: null at the end of the input. */
  readRune(): DecodedRune | null {
    while (
      this.end - this.pos < UTF_MAX &&
      !goFullRune(this.data, this.pos, this.end) &&
      !this.eofPending &&
      this.end - this.pos < BUFFER_SIZE
    ) {
      this.fill();
    }
    this.lastRuneSize = -1;
    if (this.pos === this.end) {
      this.eofPending = false;
      return null;
    }
    const decoded = goDecodeRune(this.data, this.pos, this.end);
    this.pos += decoded.size;
    this.lastRuneSize = decoded.size;
    return decoded;
  }

  /** `UnreadRune` after a successful `readRune`. */
  unreadRune(): void {
    if (this.lastRuneSize > 0) this.pos -= this.lastRuneSize;
    this.lastRuneSize = -1;
  }

  /** `ReadBytes(delim)`: the span up to and including `delim`, or to the end of the input. */
  readBytes(delim: number): ByteSpan {
    const start = this.pos;
    this.lastRuneSize = -1;
    for (;;) {
      const i = this.data.subarray(this.pos, this.end).indexOf(delim);
      if (i >= 0) {
        this.pos += i + 1;
        return { start, end: this.pos, eof: false };
      }
      if (this.eofPending) {
        this.pos = this.end;
        this.eofPending = false;
        return { start, end: this.pos, eof: true };
      }
      if (this.end - this.pos >= BUFFER_SIZE) {
        // ErrBufferFull: ReadBytes keeps the full buffer and reads on.
        this.pos = this.end;
        continue;
      }
      this.fill();
    }
  }
}
