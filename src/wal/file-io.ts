import fs from 'node:fs';
import path from 'node:path';

/**
 * Every file operation the write-ahead log and the snapshotter perform. Going through this one
 * interface lets tests stand in a file system that forgets whatever was not yet fsynced, to
 * simulate a crash.
 */
export interface FileIo {
  /** Opens an existing file for reading and writing. */
  openReadWrite(file: string): number;
  /** Creates a new file for reading and writing; fails if it exists. */
  createExclusive(file: string): number;
  close(fd: number): void;
  readWhole(file: string): Buffer;
  /** Up to `length` bytes of a file from `position` (fewer at its end). */
  readAt(file: string, position: number, length: number): Buffer;
  /** Writes all of `data` at `position`, blocking the event loop. */
  writeAt(fd: number, data: Uint8Array, position: number): void;
  /** Writes all of `data` at `position` on the libuv threadpool. */
  writeAtAsync(fd: number, data: Uint8Array, position: number): Promise<void>;
  /** Writes the parts one after the other from `position`, in one system call where it can (writev). */
  writevAtAsync(fd: number, parts: readonly Uint8Array[], position: number): Promise<void>;
  /** fdatasync, blocking the event loop. */
  syncData(fd: number): void;
  /** fdatasync on the libuv threadpool. */
  syncDataAsync(fd: number): Promise<void>;
  /** fsyncs a directory, making file creations, renames and removals in it durable. */
  syncDir(dir: string): void;
  /** The same on the libuv threadpool: a directory fsync waits for a journal commit, often milliseconds. */
  syncDirAsync(dir: string): Promise<void>;
  rename(from: string, to: string): void;
  unlink(file: string): void;
  /** unlink on the libuv threadpool: freeing a large file's blocks takes milliseconds. */
  unlinkAsync(file: string): Promise<void>;
  removeTree(dir: string): void;
  list(dir: string): string[];
  makeDir(dir: string): void;
  exists(file: string): boolean;
  isDirectory(file: string): boolean;
}

async function writevFully(fd: number, parts: readonly Uint8Array[], position: number): Promise<void> {
  let left = parts.filter((p) => p.byteLength > 0);
  let at = position;
  while (left.length > 0) {
    const list = left;
    const written = await new Promise<number>((resolve, reject) => {
      fs.writev(fd, list, at, (err, bytesWritten) => (err ? reject(err) : resolve(bytesWritten)));
    });
    at += written;
    // A short write: what it did not take is written next, the partly written part from where it stopped.
    let skip = written;
    left = [];
    for (const p of list) {
      if (skip >= p.byteLength) {
        skip -= p.byteLength;
        continue;
      }
      left.push(skip > 0 ? p.subarray(skip) : p);
      skip = 0;
    }
  }
}

/** The real file system. */
export const nodeFileIo: FileIo = {
  openReadWrite: (file) => fs.openSync(file, 'r+'),
  createExclusive: (file) => fs.openSync(file, 'wx+', 0o600),
  close: (fd) => fs.closeSync(fd),
  readWhole: (file) => fs.readFileSync(file),
  readAt(file, position, length) {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      for (let n = -1; done < length && n !== 0; done += n) n = fs.readSync(fd, buf, done, length - done, position + done);
      return buf.subarray(0, done);
    } finally {
      fs.closeSync(fd);
    }
  },
  writeAt(fd, data, position) {
    let done = 0;
    while (done < data.byteLength) done += fs.writeSync(fd, data, done, data.byteLength - done, position + done);
  },
  writeAtAsync: (fd, data, position) => writevFully(fd, [data], position),
  writevAtAsync: writevFully,
  syncData: (fd) => fs.fdatasyncSync(fd),
  syncDataAsync: (fd) =>
    new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  syncDir(dir) {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  async syncDirAsync(dir) {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (file) => fs.unlinkSync(file),
  unlinkAsync: (file) => fs.promises.unlink(file),
  removeTree: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
  list: (dir) => fs.readdirSync(dir),
  makeDir: (dir) => void fs.mkdirSync(dir, { recursive: true, mode: 0o700 }),
  exists: (file) => fs.existsSync(file),
  isDirectory: (file) => fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false,
};

/** `io` with some of its operations replaced; every other one goes to `io` itself, with `io` as `this`. */
function overriding(io: FileIo, overrides: Partial<FileIo>): FileIo {
  return new Proxy(io, {
    get(target, prop) {
      const own: unknown = Reflect.get(overrides, prop);
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * `io` with whole-file reads remembered until `forget()`: a restart reads the log once to find the
 * snapshot it may start from and again to replay it, and the segments are large.
 */
export function rememberingReads(io: FileIo): { io: FileIo; forget(): void } {
  let remembered: Map<string, Buffer> | null = new Map();
  const readWhole = (file: string): Buffer => {
    if (remembered === null) return io.readWhole(file);
    let buf = remembered.get(file);
    if (buf === undefined) {
      buf = io.readWhole(file);
      remembered.set(file, buf);
    }
    return buf;
  };
  return { io: overriding(io, { readWhole }), forget: () => { remembered = null; } };
}

/**
 * `io` with every fsync left out, for `--unsafe-no-fsync`: writes still reach the page cache (and a
 * process crash loses nothing), but a machine crash can lose or tear what was acknowledged.
 */
export function withoutSync(io: FileIo): FileIo {
  return overriding(io, {
    syncData: () => undefined,
    syncDir: () => undefined,
    syncDataAsync: () => Promise.resolve(),
    syncDirAsync: () => Promise.resolve(),
  });
}

/** The directory holding `file`, for syncDir after creating or renaming it. */
export function parentDir(file: string): string {
  return path.dirname(path.resolve(file));
}
