import path from 'node:path';
import type { FileIo } from './file-io.js';

/** A zero-filled, fsynced file of the segment size, ready to be renamed into place. */
export interface PreparedSegment {
  fd: number;
  file: string;
}

const TMP_SUFFIX = '.tmp';
const ZERO_CHUNK_SIZE = 1 << 20;

/**
 * Prepares the next segment file in the background (on the threadpool) while the current one
 * fills, so that cutting to a new segment costs a rename instead of writing megabytes of zeros.
 * Files are named `<n>.tmp`; any left in the directory by a crash are stale and removed on open.
 */
export class SegmentAllocator {
  private next: Promise<PreparedSegment> | null = null;
  private nextFile = '';
  private counter = 0;
  private closed = false;

  constructor(
    private readonly io: FileIo,
    private readonly dir: string,
    private readonly segmentSize: number,
  ) {}

  /** Starts preparing a file if none is under way. */
  prepare(): void {
    if (this.next !== null || this.closed) return;
    this.nextFile = path.join(this.dir, `${this.counter++}${TMP_SUFFIX}`);
    const promise = this.prepareFile(this.nextFile);
    promise.catch(() => {}); // surfaced by take()
    this.next = promise;
  }

  /** Hands over a prepared file and starts on the one after it. */
  async take(): Promise<PreparedSegment> {
    this.prepare();
    const pending = this.next!;
    this.next = null;
    const prepared = await pending;
    this.prepare();
    return prepared;
  }

  /** Waits for any file under way, then closes and removes it. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.next;
    const pendingFile = this.nextFile;
    this.next = null;
    if (pending === null) return;
    try {
      const { fd, file } = await pending;
      this.io.close(fd);
      this.io.unlink(file);
    } catch {
      // Preparation was cut short or failed: its file is stale; remove it if we still can, or
      // leave it for the next open to remove.
      try {
        if (this.io.exists(pendingFile)) this.io.unlink(pendingFile);
      } catch {
        // left for the next open
      }
    }
  }

  private async prepareFile(file: string): Promise<PreparedSegment> {
    if (this.io.exists(file)) this.io.unlink(file);
    const fd = this.io.createExclusive(file);
    try {
      // Synced chunk by chunk, the last one included.
      await preallocate(this.io, fd, this.segmentSize, () => this.closed, true);
      if (this.closed) throw new Error('segment allocator closed');
      return { fd, file };
    } catch (err) {
      this.io.close(fd);
      throw err;
    }
  }
}

/**
 * Fills `size` bytes of a new file with zeros so later overwrites need no block allocation. In the
 * background (`syncEachChunk`) each chunk is synced before the next is written: megabytes of zeros
 * waiting in the page cache would otherwise hold up the fsyncs of the segment in use.
 */
export async function preallocate(io: FileIo, fd: number, size: number, cancelled = () => false, syncEachChunk = false): Promise<void> {
  const zeros = Buffer.alloc(Math.min(ZERO_CHUNK_SIZE, size));
  for (let at = 0; at < size && !cancelled(); at += zeros.length) {
    await io.writeAtAsync(fd, zeros.subarray(0, Math.min(zeros.length, size - at)), at);
    if (syncEachChunk) await io.syncDataAsync(fd);
  }
}

export function isStaleTempFile(name: string): boolean {
  return name.endsWith(TMP_SUFFIX);
}
