import path from 'node:path';
import { WalError } from './errors.js';
import { FrameBuffer } from './frame-buffer.js';
import { nodeFileIo, parentDir, type FileIo } from './file-io.js';
import { SegmentAllocator, isStaleTempFile, preallocate } from './segment-allocator.js';
import { formatSegmentName, segmentHoldingIndex, sortSegments, type SegmentName } from './segment-name.js';
import { replaySegments } from './wal-replay.js';
import { readSnapshotMarkers } from './snapshot-markers.js';
import { EMPTY_HARD_STATE, isEmptyHardState, type HardState, type WalEntry, type WalSnapshotMarker } from './types.js';

/**
 * How `save` reaches the disk:
 * - `sync`: write and fdatasync on the event loop (about 0.2-0.3 ms blocked per batch, lowest latency);
 * - `threadpool`: write and fdatasync on the libuv threadpool; the event loop stays free and
 *   everything saved meanwhile joins the next batch;
 * - `adaptive`: a small batch (a few entries: a lone client) syncs on the event loop, a larger one
 *   (many clients at once) on the threadpool, so the loop keeps serving them while the disk works.
 */
export type WalSyncMode = 'sync' | 'threadpool' | 'adaptive';

/** In `adaptive` mode, batches of at most this many entries sync on the event loop. */
export const ADAPTIVE_BLOCKING_ENTRIES = 4;

export interface WalOptions {
  /** Size each segment file is preallocated to; a new segment starts once it is passed. Default 64 MiB. */
  segmentSize?: number;
  syncMode?: WalSyncMode;
  /**
   * When true, a save that holds no entries and changes only the commit index of the hard state is
   * written without an fsync of its own and resolves once written; it becomes durable with the next
   * fsync. This is etcd's rule (a lost commit index is learned again from the log and the leader) and
   * saves an fsync per Raft round at low load. Default false: every save resolves after an fsync.
   */
  skipSyncForCommitOnly?: boolean;
  io?: FileIo;
  /** Told how long each fdatasync of the log took, in seconds (for the fsync-duration metric). */
  onSync?: (seconds: number) => void;
  /** Milliseconds from any fixed origin, to time the syncs. Default `performance.now`. */
  now?: () => number;
}

export interface WalStats {
  /** Calls to save/saveSnapshot that wrote something. */
  saves: number;
  /** Batches written; each costs one fdatasync, unless it held only commit-only saves (see skipSyncForCommitOnly). */
  batches: number;
  /** All fdatasyncs of segment files, batches and segment cuts together. */
  fsyncs: number;
  bytesWritten: number;
  segmentsCut: number;
}

export interface OpenedWal {
  wal: Wal;
  metadata: Uint8Array;
  hardState: HardState;
  entries: WalEntry[];
}

export const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface WalState {
  dir: string;
  io: FileIo;
  onSync: ((seconds: number) => void) | null;
  now: () => number;
  segmentSize: number;
  syncMode: WalSyncMode;
  skipSyncForCommitOnly: boolean;
  metadata: Uint8Array;
  segments: SegmentName[];
  fd: number;
  offset: number;
  runningCrc: number;
  lastIndex: number;
  hardState: HardState;
}

/**
 * The write-ahead log: Raft entries, hard state and snapshot markers in segment files of framed,
 * checksummed records (see record-frame.ts), named `%016x-%016x.wal` (sequence, first index).
 *
 * Group commit: `save` encodes its records into the pending buffer at once and returns a promise.
 * A single flush loop takes the whole pending buffer, writes it with one call and one fdatasync,
 * then resolves its callers in order; whatever is saved while that runs goes into the other buffer
 * and shares the next fdatasync.
 */
export class Wal {
  private readonly dir: string;
  private readonly io: FileIo;
  private readonly onSync: ((seconds: number) => void) | null;
  private readonly now: () => number;
  private readonly segmentSize: number;
  private syncMode: WalSyncMode;
  private readonly skipSyncForCommitOnly: boolean;
  private readonly metadata: Uint8Array;
  private readonly segments: SegmentName[];
  private readonly allocator: SegmentAllocator;
  private fd: number;
  private offset: number;
  private runningCrc: number;
  /** Last entry index written to disk, naming the next segment. */
  private writtenLastIndex: number;
  /** Last hard state written, repeated at the head of each new segment. */
  private hardState: HardState;

  private pending = new FrameBuffer();
  private spare = new FrameBuffer();
  private pendingWaiters: Waiter[] = [];
  private pendingLastIndex: number;
  private pendingHardState: HardState;
  /** Whether the pending batch holds anything that must be fsynced before its callers hear back. */
  private pendingNeedsSync = false;
  /** Entries in the pending batch (for the adaptive sync mode). */
  private pendingEntries = 0;
  /** The last batch was written without an fsync; sync before leaving the segment or closing. */
  private tailUnsynced = false;
  private flushScheduled = false;
  private flushRunning = false;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private drained: (() => void) | null = null;
  private readonly counters: WalStats = { saves: 0, batches: 0, fsyncs: 0, bytesWritten: 0, segmentsCut: 0 };

  private constructor(state: WalState) {
    this.dir = state.dir;
    this.io = state.io;
    this.onSync = state.onSync;
    this.now = state.now;
    this.segmentSize = state.segmentSize;
    this.syncMode = state.syncMode;
    this.skipSyncForCommitOnly = state.skipSyncForCommitOnly;
    this.metadata = state.metadata;
    this.segments = state.segments;
    this.fd = state.fd;
    this.offset = state.offset;
    this.runningCrc = state.runningCrc;
    this.writtenLastIndex = state.lastIndex;
    this.hardState = state.hardState;
    this.pendingLastIndex = state.lastIndex;
    this.pendingHardState = state.hardState;
    this.allocator = new SegmentAllocator(this.io, this.dir, this.segmentSize);
  }

  /** True when `dir` holds wal segments. */
  static exists(dir: string, io: FileIo = nodeFileIo): boolean {
    return io.isDirectory(dir) && io.list(dir).some((name) => name.endsWith('.wal'));
  }

  /**
   * Creates a new log in `dir` holding `metadata` and a snapshot marker at index 0. The first segment
   * is built in `<dir>.tmp` and renamed into place, so a crash leaves either no log or a whole one.
   */
  static async create(dir: string, metadata: Uint8Array, options: WalOptions = {}): Promise<Wal> {
    const io = options.io ?? nodeFileIo;
    const segmentSize = checkSegmentSize(options.segmentSize ?? DEFAULT_SEGMENT_SIZE);
    if (Wal.exists(dir, io)) throw new WalError('WAL_EXISTS', `a wal already exists in ${dir}`);
    const tmpDir = `${path.resolve(dir)}.tmp`;
    io.removeTree(tmpDir);
    io.makeDir(tmpDir);
    const name = formatSegmentName(0, 0);
    const fd = io.createExclusive(path.join(tmpDir, name));
    try {
      await preallocate(io, fd, segmentSize);
      const head = new FrameBuffer(1024);
      head.appendCrc();
      head.appendMetadata(metadata);
      head.appendSnapshotMarker({ index: 0, term: 0 });
      const runningCrc = head.seal(0);
      io.writeAt(fd, head.bytes(), 0);
      io.syncData(fd);
      if (io.exists(dir)) {
        if (io.list(dir).length > 0) throw new WalError('WAL_EXISTS', `${dir} exists and is not empty`);
        io.removeTree(dir);
      }
      io.syncDir(tmpDir); // the segment's directory entry, before the directory takes its final name
      io.rename(tmpDir, dir);
      io.syncDir(parentDir(dir));
      return new Wal({
        dir,
        io,
        onSync: options.onSync ?? null,
        now: options.now ?? (() => performance.now()),
        segmentSize,
        syncMode: options.syncMode ?? 'sync',
        skipSyncForCommitOnly: options.skipSyncForCommitOnly ?? false,
        metadata: new Uint8Array(metadata),
        segments: [{ seq: 0, firstIndex: 0, name }],
        fd,
        offset: head.length,
        runningCrc,
        lastIndex: 0,
        hardState: { ...EMPTY_HARD_STATE },
      });
    } catch (err) {
      io.close(fd);
      throw err;
    }
  }

  /**
   * Opens the log in `dir` for appending and reads every record after the snapshot `from`, which must
   * have a marker in the log ({ index: 0, term: 0 } for a log without snapshots). A torn write at the
   * end of the last segment is cut off (and zeroed on disk); any other damage throws.
   */
  static async open(dir: string, from: WalSnapshotMarker, options: WalOptions = {}): Promise<OpenedWal> {
    const io = options.io ?? nodeFileIo;
    const segmentSize = checkSegmentSize(options.segmentSize ?? DEFAULT_SEGMENT_SIZE);
    if (!io.isDirectory(dir)) throw new WalError('WAL_NOT_FOUND', `no wal directory ${dir}`);
    const names = io.list(dir);
    for (const name of names) if (isStaleTempFile(name)) io.unlink(path.join(dir, name));
    const all = sortSegments(names);
    const replay = replaySegments(io, dir, all, from);
    const tail = replay.segments[replay.segments.length - 1]!;
    const fd = io.openReadWrite(path.join(dir, tail.name));
    try {
      if (replay.tailZeroStart > replay.tailEnd) {
        // Erase the torn write so that nothing but zeros follows the records we append next.
        io.writeAt(fd, Buffer.alloc(replay.tailZeroStart - replay.tailEnd), replay.tailEnd);
        io.syncData(fd);
      }
    } catch (err) {
      io.close(fd);
      throw err;
    }
    const wal = new Wal({
      dir,
      io,
      onSync: options.onSync ?? null,
      now: options.now ?? (() => performance.now()),
      segmentSize,
      syncMode: options.syncMode ?? 'sync',
      skipSyncForCommitOnly: options.skipSyncForCommitOnly ?? false,
      metadata: replay.metadata,
      segments: all.slice(),
      fd,
      offset: replay.tailEnd,
      runningCrc: replay.runningCrc,
      lastIndex: replay.lastIndex,
      hardState: replay.hardState,
    });
    return { wal, metadata: replay.metadata, hardState: replay.hardState, entries: replay.entries };
  }

  /**
   * Reads the log like `open` but changes nothing on disk (no torn tail is erased) and keeps no file
   * open: for tools and for checking a log before starting.
   */
  static read(dir: string, from: WalSnapshotMarker, options: Pick<WalOptions, 'io'> = {}): Omit<OpenedWal, 'wal'> {
    const io = options.io ?? nodeFileIo;
    if (!io.isDirectory(dir)) throw new WalError('WAL_NOT_FOUND', `no wal directory ${dir}`);
    const replay = replaySegments(io, dir, sortSegments(io.list(dir)), from);
    return { metadata: replay.metadata, hardState: replay.hardState, entries: replay.entries };
  }

  /**
   * Snapshot markers a restart can start from (index at or below the saved commit), oldest first.
   * Pass them to Snapshotter.loadNewest so it picks a snapshot the log can continue from.
   */
  static snapshotMarkers(dir: string, options: Pick<WalOptions, 'io'> = {}): WalSnapshotMarker[] {
    const io = options.io ?? nodeFileIo;
    if (!io.isDirectory(dir)) throw new WalError('WAL_NOT_FOUND', `no wal directory ${dir}`);
    return readSnapshotMarkers(io, dir, sortSegments(io.list(dir)));
  }

  /** Changes how later batches reach the disk (see WalSyncMode). */
  setSyncMode(mode: WalSyncMode): void {
    this.syncMode = mode;
  }

  /** Index of the last entry (or snapshot marker) saved or queued. */
  get lastIndex(): number {
    return this.pendingLastIndex;
  }

  get stats(): Readonly<WalStats> {
    return { ...this.counters };
  }

  /** Names of the segment files currently in the log, oldest first. */
  get segmentNames(): string[] {
    return this.segments.map((s) => s.name);
  }

  /**
   * Appends `entries` and then `hardState`. Resolves once they are on disk (fdatasync); saves made
   * while a flush is in flight share the next one. A null or all-zero hard state (Raft's "unchanged")
   * writes none. Entries in one call must have consecutive indexes. Their data is copied into the
   * pending batch at once, so the caller may reuse it as soon as this returns.
   */
  save(hardState: HardState | null, entries: readonly WalEntry[]): Promise<void> {
    const state = hardState !== null && !isEmptyHardState(hardState) ? hardState : null;
    if (state === null && entries.length === 0) return Promise.resolve();
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    const mark = this.pending.length;
    try {
      let lastIndex = this.pendingLastIndex;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (i > 0 && entry.index !== lastIndex + 1) {
          throw new RangeError(`entry index ${entry.index} does not follow ${lastIndex} in the same save`);
        }
        this.pending.appendEntry(entry);
        lastIndex = entry.index;
      }
      if (state !== null) this.pending.appendHardState(state);
      this.pendingLastIndex = lastIndex;
      this.pendingEntries += entries.length;
    } catch (err) {
      this.pending.rewind(mark);
      return Promise.reject(err);
    }
    if (entries.length > 0 || state === null || !this.skipSyncForCommitOnly || !onlyCommitChanged(this.pendingHardState, state)) {
      this.pendingNeedsSync = true;
    }
    if (state !== null) this.pendingHardState = { ...state };
    return this.enqueue();
  }

  /** Records that a snapshot up to `marker` exists. Resolves once on disk. */
  saveSnapshot(marker: WalSnapshotMarker): Promise<void> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    try {
      this.pending.appendSnapshotMarker(marker);
    } catch (err) {
      return Promise.reject(err);
    }
    if (marker.index > this.pendingLastIndex) this.pendingLastIndex = marker.index;
    this.pendingNeedsSync = true;
    return this.enqueue();
  }

  /**
   * Deletes the segments that hold only entries before `index` (typically the index of the newest
   * snapshot), keeping the segment that `open` at `index` starts from and everything after it.
   */
  async releaseTo(index: number): Promise<string[]> {
    const keepFrom = Math.min(segmentHoldingIndex(this.segments, index), this.segments.length - 1);
    if (keepFrom <= 0) return [];
    const released = this.segments.splice(0, keepFrom);
    for (const segment of released) await this.io.unlinkAsync(path.join(this.dir, segment.name));
    await this.io.syncDirAsync(this.dir);
    return released.map((s) => s.name);
  }

  /** Waits for everything saved so far to reach disk, then closes the files. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.flushRunning || this.flushScheduled || this.pending.length > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        this.scheduleFlush();
      });
    }
    try {
      if (this.tailUnsynced && this.failure === null) await this.syncTail();
    } finally {
      this.io.close(this.fd);
      await this.allocator.close();
    }
  }

  private async syncTail(): Promise<void> {
    const start = this.now();
    if (this.syncMode === 'sync') this.io.syncData(this.fd);
    else await this.io.syncDataAsync(this.fd);
    this.synced(start);
    this.tailUnsynced = false;
  }

  private refusal(): Error | null {
    if (this.failure) return this.failure;
    if (this.closing) return new WalError('WAL_CLOSED', 'wal is closed');
    return null;
  }

  private enqueue(): Promise<void> {
    this.counters.saves++;
    const done = new Promise<void>((resolve, reject) => this.pendingWaiters.push({ resolve, reject }));
    this.scheduleFlush();
    return done;
  }

  private scheduleFlush(): void {
    if (this.flushRunning || this.flushScheduled) return;
    this.flushScheduled = true;
    // Run after the I/O callbacks of this loop turn, so everything they save joins the first batch.
    setImmediate(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    this.flushScheduled = false;
    this.flushRunning = true;
    while (this.pending.length > 0 && this.failure === null) {
      const batch = this.pending;
      const waiters = this.pendingWaiters;
      const lastIndex = this.pendingLastIndex;
      const hardState = this.pendingHardState;
      const needsSync = this.pendingNeedsSync;
      const blocking = this.syncMode === 'sync' || (this.syncMode === 'adaptive' && this.pendingEntries <= ADAPTIVE_BLOCKING_ENTRIES);
      this.pending = this.spare;
      this.pendingWaiters = [];
      this.pendingNeedsSync = false;
      this.pendingEntries = 0;
      try {
        this.runningCrc = batch.seal(this.runningCrc);
        await this.writeAndSync(this.fd, batch.bytes(), this.offset, needsSync, blocking);
        this.offset += batch.length;
        this.counters.batches++;
        this.counters.bytesWritten += batch.length;
        this.writtenLastIndex = lastIndex;
        this.hardState = hardState;
      } catch (err) {
        this.fail(err, waiters);
        break;
      }
      batch.reset();
      this.spare = batch;
      for (const waiter of waiters) waiter.resolve();
      // Prepare the next segment once this one is half full: early enough to be ready at the cut,
      // late enough not to compete with the log's own writes right after start.
      if (this.offset >= this.segmentSize / 2) this.allocator.prepare();
      if (this.offset >= this.segmentSize) {
        try {
          await this.cut();
        } catch (err) {
          this.fail(err, []);
        }
      }
      // A blocking flush never lets the event loop poll for I/O; hand back control between batches
      // so sockets are served (and what they save joins the next batch) even when every saver is
      // driven by promise continuations alone.
      if (blocking) break;
    }
    this.flushRunning = false;
    if (this.failure !== null) this.fail(this.failure, []);
    const drained = this.drained;
    if (drained !== null && this.pending.length === 0) {
      this.drained = null;
      drained();
    } else if (this.pending.length > 0 && this.failure === null) {
      this.scheduleFlush();
    }
  }

  /**
   * Starts the next segment: a prepared zero-filled file gets the head records (crc, metadata, hard
   * state), is synced, renamed to its final name, and the directory is synced.
   */
  private async cut(): Promise<void> {
    // A segment is complete and durable before the next one exists; replay relies on it.
    if (this.tailUnsynced) await this.syncTail();
    const prepared = await this.allocator.take();
    const previous = this.segments[this.segments.length - 1]!;
    const name = formatSegmentName(previous.seq + 1, this.writtenLastIndex + 1);
    const head = new FrameBuffer(1024);
    head.appendCrc();
    head.appendMetadata(this.metadata);
    head.appendHardState(this.hardState);
    const runningCrc = head.seal(this.runningCrc);
    try {
      await this.writeAndSync(prepared.fd, head.bytes(), 0);
      this.io.rename(prepared.file, path.join(this.dir, name));
    } catch (err) {
      this.io.close(prepared.fd);
      throw err;
    }
    await this.io.syncDirAsync(this.dir);
    this.io.close(this.fd);
    this.fd = prepared.fd;
    this.offset = head.length;
    this.runningCrc = runningCrc;
    this.segments.push({ seq: previous.seq + 1, firstIndex: this.writtenLastIndex + 1, name });
    this.counters.segmentsCut++;
  }

  private async writeAndSync(fd: number, bytes: Buffer, position: number, sync = true, blocking = this.syncMode === 'sync'): Promise<void> {
    // The write only copies into the page cache and is short: done on the loop, it saves a trip to
    // the threadpool per batch. The fdatasync waits for the disk: on the loop only when blocking.
    this.io.writeAt(fd, bytes, position);
    if (sync) {
      const start = this.now();
      if (blocking) this.io.syncData(fd);
      else await this.io.syncDataAsync(fd);
      this.synced(start);
    }
    if (fd === this.fd) this.tailUnsynced = !sync;
  }

  /** Counts an fdatasync that began at `start` and reports how long it took. */
  private synced(start: number): void {
    this.counters.fsyncs++;
    if (this.onSync !== null) this.onSync((this.now() - start) / 1000);
  }

  /** A failed write or fsync leaves the file in an unknown state: refuse everything from now on. */
  private fail(err: unknown, waiters: Waiter[]): void {
    if (this.failure === null) {
      this.failure = new WalError('WAL_FAILED', `wal write failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const failure = this.failure;
    for (const waiter of waiters) waiter.reject(failure);
    const stranded = this.pendingWaiters;
    this.pendingWaiters = [];
    this.pending.reset();
    for (const waiter of stranded) waiter.reject(failure);
  }
}

/** True when `next` differs from `previous` in the commit index alone. */
function onlyCommitChanged(previous: HardState, next: HardState): boolean {
  return previous.term === next.term && previous.vote === next.vote;
}

function checkSegmentSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 4096) throw new RangeError(`segment size ${size} is below 4096 bytes`);
  return size;
}
