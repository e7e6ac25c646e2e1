import fs from 'node:fs';
import path from 'node:path';
import { nodeFileIo, type FileIo } from '../../../src/wal/file-io.js';

interface UndoWrite {
  file: string;
  position: number;
  previous: Buffer;
  previousSize: number;
}

type DirChange = { op: 'create'; file: string } | { op: 'rename'; from: string; to: string };

/**
 * A file system for tests that can "crash": it remembers every write not yet covered by an fdatasync
 * of its file, and every creation or rename not yet covered by an fsync of its directory, and
 * `crash()` undoes them, leaving the disk as a power cut would. Counts fsyncs, and can hold
 * threadpool fsyncs until released so a test can crash while one is in flight.
 */
export class CrashFileIo implements FileIo {
  private readonly real = nodeFileIo;
  private readonly pathOf = new Map<number, string>();
  private unsyncedWrites: UndoWrite[] = [];
  private dirChanges = new Map<string, DirChange[]>();
  private crashed = false;
  private held: Array<() => void> = [];
  private holdWaiters: Array<() => void> = [];
  /** Hold threadpool fsyncs of segment files (`*.wal`) until releaseSyncs(). */
  holdSyncs = false;
  /** fdatasyncs of any file. */
  dataSyncs = 0;
  /** fdatasyncs of segment files (`*.wal`), leaving out the background preparation of new ones. */
  segmentSyncs = 0;
  dirSyncs = 0;

  openReadWrite(file: string): number {
    this.alive();
    const fd = this.real.openReadWrite(file);
    this.pathOf.set(fd, path.resolve(file));
    return fd;
  }
  createExclusive(file: string): number {
    this.step();
    const fd = this.real.createExclusive(file);
    this.pathOf.set(fd, path.resolve(file));
    this.noteDirChange(path.dirname(path.resolve(file)), { op: 'create', file: path.resolve(file) });
    return fd;
  }
  close(fd: number): void {
    if (!this.pathOf.has(fd)) return; // already closed by crash()
    this.pathOf.delete(fd);
    this.real.close(fd);
  }
  readWhole(file: string): Buffer {
    this.alive();
    return this.real.readWhole(file);
  }
  readAt(file: string, position: number, length: number): Buffer {
    this.alive();
    return this.real.readAt(file, position, length);
  }
  writeAt(fd: number, data: Uint8Array, position: number): void {
    this.step();
    this.remember(fd, data.byteLength, position);
    this.real.writeAt(fd, data, position);
  }
  async writeAtAsync(fd: number, data: Uint8Array, position: number): Promise<void> {
    this.step();
    this.remember(fd, data.byteLength, position);
    await this.track(this.real.writeAtAsync(fd, data, position));
    this.alive();
  }
  async writevAtAsync(fd: number, parts: readonly Uint8Array[], position: number): Promise<void> {
    await this.writeAtAsync(fd, Buffer.concat(parts), position);
  }
  syncData(fd: number): void {
    this.step();
    this.real.syncData(fd);
    this.synced(fd);
  }
  async syncDataAsync(fd: number): Promise<void> {
    this.step();
    if (this.holdSyncs && this.pathOf.get(fd)?.endsWith('.wal')) {
      await new Promise<void>((resolve) => {
        this.held.push(resolve);
        for (const w of this.holdWaiters.splice(0)) w();
      });
    }
    this.alive();
    await this.track(this.real.syncDataAsync(fd));
    this.alive();
    this.synced(fd);
  }
  syncDir(dir: string): void {
    this.step();
    this.real.syncDir(dir);
    this.dirSyncs++;
    this.dirChanges.delete(path.resolve(dir));
  }
  async syncDirAsync(dir: string): Promise<void> {
    this.syncDir(dir);
  }
  rename(from: string, to: string): void {
    this.step();
    this.real.rename(from, to);
    // Open files and pending writes under the renamed file or directory now live under its new name.
    const moved = (p: string): string => {
      const src = path.resolve(from);
      if (p === src) return path.resolve(to);
      return p.startsWith(`${src}/`) ? path.resolve(to) + p.slice(src.length) : p;
    };
    for (const w of this.unsyncedWrites) w.file = moved(w.file);
    for (const [fd, p] of this.pathOf) this.pathOf.set(fd, moved(p));
    const changes = [...this.dirChanges];
    this.dirChanges.clear();
    for (const [changedDir, list] of changes) {
      const movedList = list.map((c): DirChange => (c.op === 'create' ? { op: 'create', file: moved(c.file) } : c));
      const key = moved(changedDir);
      this.dirChanges.set(key, [...(this.dirChanges.get(key) ?? []), ...movedList]);
    }
    this.noteDirChange(path.dirname(path.resolve(to)), { op: 'rename', from: path.resolve(from), to: path.resolve(to) });
  }
  unlink(file: string): void {
    this.step();
    this.real.unlink(file);
  }
  async unlinkAsync(file: string): Promise<void> {
    this.unlink(file);
  }
  removeTree(dir: string): void {
    this.alive();
    this.real.removeTree(dir);
  }
  list(dir: string): string[] {
    return this.real.list(dir);
  }
  makeDir(dir: string): void {
    this.real.makeDir(dir);
  }
  exists(file: string): boolean {
    return this.real.exists(file);
  }
  isDirectory(file: string): boolean {
    return this.real.isDirectory(file);
  }

  /** Resolves once a threadpool fsync is being held. */
  syncHeld(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.holdWaiters.push(resolve));
  }

  releaseSyncs(): void {
    this.holdSyncs = false;
    for (const release of this.held.splice(0)) release();
  }

  /** Files with writes not yet covered by an fsync. */
  unsyncedFiles(): string[] {
    return [...new Set(this.unsyncedWrites.map((w) => path.basename(w.file)))];
  }

  /** Unsynced bytes currently at risk. */
  get unsyncedBytes(): number {
    return this.unsyncedWrites.reduce((sum, w) => sum + w.previous.length, 0);
  }

  /**
   * Power cut: closes every file and undoes unsynced writes, newest first, and unsynced directory
   * changes. `keep` bytes of the oldest unsynced write survive (a write torn part-way through).
   */
  async crash(keep = 0): Promise<void> {
    this.crashed = true;
    this.releaseSyncs();
    // Let threadpool operations already under way land first; their writes are undone below.
    await Promise.allSettled([...this.inflight]);
    for (const fd of this.pathOf.keys()) this.real.close(fd);
    this.pathOf.clear();
    const writes = this.unsyncedWrites;
    this.unsyncedWrites = [];
    for (let i = writes.length - 1; i >= 0; i--) {
      const w = writes[i]!;
      const survive = i === 0 ? Math.min(keep, w.previous.length) : 0;
      if (!fs.existsSync(w.file)) continue;
      const fd = fs.openSync(w.file, 'r+');
      fs.writeSync(fd, w.previous, survive, w.previous.length - survive, w.position + survive);
      if (w.previousSize < fs.fstatSync(fd).size) fs.ftruncateSync(fd, Math.max(w.previousSize, w.position + survive));
      fs.closeSync(fd);
    }
    for (const changes of this.dirChanges.values()) {
      for (let i = changes.length - 1; i >= 0; i--) {
        const change = changes[i]!;
        if (change.op === 'create') fs.rmSync(change.file, { force: true });
        else if (fs.existsSync(change.to)) fs.renameSync(change.to, change.from);
      }
    }
    this.dirChanges.clear();
  }

  /** Starts a new "boot" after a crash. */
  restart(): void {
    this.crashed = false;
    this.crashAt = Infinity;
  }

  private readonly inflight = new Set<Promise<unknown>>();

  private async track<T>(operation: Promise<T>): Promise<T> {
    this.inflight.add(operation);
    try {
      return await operation;
    } finally {
      this.inflight.delete(operation);
    }
  }

  private alive(): void {
    if (this.crashed) throw new Error('simulated crash: the machine is down');
  }

  private operations = 0;
  private crashAt = Infinity;

  /** The machine goes down just before the n-th (1-based) changing operation from now. */
  crashBeforeOperation(n: number): void {
    this.crashAt = this.operations + n;
  }

  /** Counts a changing operation (write, sync, create, rename, unlink); the trigger may fire here. */
  private step(): void {
    this.alive();
    if (++this.operations >= this.crashAt) {
      this.crashed = true;
      this.crashAt = Infinity;
      this.alive();
    }
  }

  private remember(fd: number, length: number, position: number): void {
    const file = this.pathOf.get(fd);
    if (file === undefined) throw new Error(`unknown fd ${fd}`);
    const previousSize = fs.fstatSync(fd).size;
    const previous = Buffer.alloc(length);
    fs.readSync(fd, previous, 0, length, position); // bytes past the end read as zeros
    this.unsyncedWrites.push({ file, position, previous, previousSize });
  }

  private synced(fd: number): void {
    this.dataSyncs++;
    const file = this.pathOf.get(fd);
    if (file?.endsWith('.wal')) this.segmentSyncs++;
    this.unsyncedWrites = this.unsyncedWrites.filter((w) => w.file !== file);
  }

  private noteDirChange(dir: string, change: DirChange): void {
    const list = this.dirChanges.get(dir) ?? [];
    list.push(change);
    this.dirChanges.set(dir, list);
  }
}
