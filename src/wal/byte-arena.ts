const CHUNK_SIZE = 1 << 20;
const OWN_BUFFER_ABOVE = 64 * 1024;

/**
 * Copies many small byte strings into shared 1 MiB chunks and hands out Uint8Array views of them.
 * Replaying a log yields hundreds of thousands of entries; giving each its own ArrayBuffer costs far
 * more in allocation and garbage collection than the copying itself. Large strings get their own.
 */
export class ByteArena {
  private chunk = new Uint8Array(0);
  private used = 0;

  copy(source: Buffer, start: number, end: number): Uint8Array {
    const length = end - start;
    if (length > OWN_BUFFER_ABOVE) return new Uint8Array(source.subarray(start, end));
    if (this.used + length > this.chunk.length) {
      this.chunk = new Uint8Array(CHUNK_SIZE);
      this.used = 0;
    }
    source.copy(this.chunk, this.used, start, end);
    const view = this.chunk.subarray(this.used, this.used + length);
    this.used += (length + 7) & ~7;
    return view;
  }
}
