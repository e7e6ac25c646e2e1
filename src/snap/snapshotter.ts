import path from 'node:path';
import { nodeFileIo, type FileIo } from '../wal/file-io.js';
import { decodeSnapshot, encodeSnapshot, readSharedLayout, type PartLocation, type SnapshotFileBuilder } from './snapshot-codec.js';
import { formatSnapshotName, parseSnapshotName, snapshotNamesNewestFirst } from './snapshot-name.js';
import type { Snapshot, SnapshotToSave } from './snapshot.js';

/** A snapshot file that could not be used; it is renamed to `<name>.broken` and left for inspection. */
export interface BrokenSnapshot {
  file: string;
  reason: string;
}

export interface LoadedSnapshot {
  /** The newest usable snapshot, or null if there is none. */
  snapshot: Snapshot | null;
  file: string | null;
  /** Newer files that were skipped because they are damaged. */
  broken: BrokenSnapshot[];
}

export interface SnapshotterOptions {
  io?: FileIo;
  /** Told how long each fdatasync of a snapshot file took, in seconds (for the fsync-duration metric). */
  onSync?: (seconds: number) => void;
  /** Milliseconds from any fixed origin, to time the syncs. Default `performance.now`. */
  now?: () => number;
}

const TMP_SUFFIX = '.tmp';
/** A snapshot file is written and synced this many bytes at a time. */
const SYNC_SLICE_BYTES = 2 * 1024 * 1024;
const BROKEN_SUFFIX = '.broken';
/** A new snapshot refers to at most this many earlier files... */
const MAX_REFERENCED_FILES = 16;
/** ...each of which must still hold at least this share of its parts' bytes in use. */
const MIN_LIVE_SHARE = 0.5;

/**
 * Stores snapshots of the state machine as one file each, written atomically: a temporary file is
 * written and fsynced, renamed to `%016x-%016x.snap` (term, index), and the directory is fsynced.
 *
 * A snapshot built from parts that never change (`saveBuilt`) may refer to earlier files for the
 * parts they already hold, so a large store that changed in a few places is not written out whole
 * every time. An earlier file is kept as long as a kept snapshot refers to it.
 */
export class Snapshotter {
  private readonly io: FileIo;
  private readonly onSync: ((seconds: number) => void) | null;
  private readonly now: () => number;
  /** Where parts saved by this snapshotter are written in full. */
  private readonly placed = new WeakMap<Uint8Array, PartLocation>();
  /** Bytes of parts held in full by each file this snapshotter saved and has not deleted. */
  private readonly ownBytes = new Map<string, number>();
  /** The files each snapshot file refers to, as far as known. */
  private readonly references = new Map<string, readonly string[]>();

  constructor(
    readonly dir: string,
    options: SnapshotterOptions = {},
  ) {
    this.io = options.io ?? nodeFileIo;
    this.onSync = options.onSync ?? null;
    this.now = options.now ?? (() => performance.now());
  }

  /** Writes a snapshot and returns its file name once it is durable. */
  async save(snapshot: SnapshotToSave): Promise<string> {
    const confState = { voters: snapshot.confState?.voters ?? [], learners: snapshot.confState?.learners ?? [] };
    const bytes = encodeSnapshot({ index: snapshot.index, term: snapshot.term, confState, data: snapshot.data });
    return this.saveFile(snapshot.term, snapshot.index, [bytes]);
  }

  /** Writes a snapshot already encoded (the parts of a `SnapshotFileBuilder` file, in order) for `term` and `index`. */
  async saveFile(term: number, index: number, parts: readonly Uint8Array[]): Promise<string> {
    this.io.makeDir(this.dir);
    const name = formatSnapshotName(term, index);
    const tmp = path.join(this.dir, name + TMP_SUFFIX);
    if (this.io.exists(tmp)) this.io.unlink(tmp);
    const fd = this.io.createExclusive(tmp);
    try {
      // Synced a slice at a time: the log's own fsyncs must not wait for the disk to take megabytes
      // of snapshot that piled up in the page cache (on ext4 they did, for tens of milliseconds).
      let at = 0;
      for (const slice of slices(parts, SYNC_SLICE_BYTES)) {
        await this.io.writevAtAsync(fd, slice.parts, at);
        at += slice.bytes;
        const start = this.now();
        await this.io.syncDataAsync(fd);
        this.onSync?.((this.now() - start) / 1000);
      }
    } finally {
      this.io.close(fd);
    }
    this.io.rename(tmp, path.join(this.dir, name));
    await this.io.syncDirAsync(this.dir);
    return name;
  }

  /**
   * Where the parts of a new snapshot are already written, for `SnapshotFileBuilder`'s `locate`.
   * Only files that still hold at least half their bytes in use are referred to (a file with little
   * left in use has its parts written again, and can then go), and at most a few of them, those
   * with the most in use.
   */
  planReuse(parts: readonly Uint8Array[]): (part: Uint8Array) => PartLocation | undefined {
    const inUse = new Map<string, number>();
    for (const p of parts) {
      const at = this.placed.get(p);
      if (at !== undefined && this.ownBytes.has(at.file)) inUse.set(at.file, (inUse.get(at.file) ?? 0) + at.length);
    }
    const chosen = new Set(
      [...inUse]
        .filter(([file, bytes]) => bytes >= MIN_LIVE_SHARE * this.ownBytes.get(file)!)
        .sort((a, b) => b[1] - a[1])
        .slice(0, MAX_REFERENCED_FILES)
        .map(([file]) => file),
    );
    return (part) => {
      const at = this.placed.get(part);
      return at !== undefined && chosen.has(at.file) ? at : undefined;
    };
  }

  /** Writes a snapshot built by `builder` (finished), and remembers where its parts are. */
  async saveBuilt(term: number, index: number, builder: SnapshotFileBuilder): Promise<string> {
    const name = await this.saveFile(term, index, builder.fileParts());
    let bytes = 0;
    for (const [part, at] of builder.ownLocations(name)) {
      this.placed.set(part, at);
      bytes += at.length;
    }
    this.ownBytes.set(name, bytes);
    this.references.set(name, builder.referencedFiles());
    return name;
  }

  /**
   * Loads the newest snapshot that decodes cleanly (and that `accept`, if given, agrees to, e.g. one
   * the write-ahead log has a marker for). Damaged files on the way are renamed to `.broken` and
   * reported in `broken`; the search falls back to older ones.
   */
  async loadNewest(accept?: (marker: { index: number; term: number }) => boolean): Promise<LoadedSnapshot> {
    const broken: BrokenSnapshot[] = [];
    for (const name of this.snapshotFiles()) {
      const named = parseSnapshotName(name)!;
      if (accept && !accept(named)) continue;
      const file = path.join(this.dir, name);
      let decoded: Snapshot | string;
      try {
        decoded = decodeSnapshot(this.io.readWhole(file), (other) => this.io.readWhole(path.join(this.dir, other)));
      } catch (err) {
        decoded = `unreadable: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (typeof decoded !== 'string' && (decoded.index !== named.index || decoded.term !== named.term)) {
        decoded = `holds index ${decoded.index} term ${decoded.term}, not what its name says`;
      }
      if (typeof decoded === 'string') {
        broken.push({ file: name, reason: decoded });
        this.setAside(file);
        continue;
      }
      return { snapshot: decoded, file: name, broken };
    }
    return { snapshot: null, file: null, broken };
  }

  /** Snapshot file names, newest first. */
  snapshotFiles(): string[] {
    if (!this.io.isDirectory(this.dir)) return [];
    return snapshotNamesNewestFirst(this.io.list(this.dir));
  }

  /**
   * Deletes all but the newest `keep` snapshots (and the files they refer to), and leftover
   * temporary files. Returns what was deleted.
   */
  async purge(keep = 5): Promise<string[]> {
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`keep ${keep} must be at least 1`);
    if (!this.io.isDirectory(this.dir)) return [];
    const files = this.snapshotFiles();
    const needed = new Set(files.slice(0, keep));
    for (const name of files.slice(0, keep)) for (const other of this.referencesOf(name)) needed.add(other);
    const doomed = [
      ...files.filter((name) => !needed.has(name)),
      ...this.io.list(this.dir).filter((name) => name.endsWith(TMP_SUFFIX)),
    ];
    for (const name of doomed) {
      await this.io.unlinkAsync(path.join(this.dir, name));
      this.ownBytes.delete(name);
      this.references.delete(name);
    }
    if (doomed.length > 0) await this.io.syncDirAsync(this.dir);
    return doomed;
  }

  /**
   * The files a snapshot file refers to, read from its head when this snapshotter did not write it.
   * A head that cannot be read refers to nothing: that snapshot cannot be loaded anyway.
   */
  private referencesOf(name: string): readonly string[] {
    let refs = this.references.get(name);
    if (refs !== undefined) return refs;
    refs = [];
    try {
      const file = path.join(this.dir, name);
      for (let size = 64 * 1024; ; ) {
        const head = this.io.readAt(file, 0, size);
        const layout = readSharedLayout(head);
        if (typeof layout === 'number' && head.length === size) {
          size = Math.max(layout, 2 * size);
          continue;
        }
        if (layout !== null && typeof layout === 'object') refs = layout.files;
        break;
      }
    } catch {
      // Unreadable: nothing is kept for it.
    }
    this.references.set(name, refs);
    return refs;
  }

  private setAside(file: string): void {
    try {
      this.io.rename(file, file + BROKEN_SUFFIX);
      this.io.syncDir(this.dir);
    } catch {
      // Still skipped this time; it will be reported again next time.
    }
  }
}

/** The parts cut into runs of at most `max` bytes (a part larger than that is cut across runs); at least one run. */
function slices(parts: readonly Uint8Array[], max: number): { parts: Uint8Array[]; bytes: number }[] {
  const out: { parts: Uint8Array[]; bytes: number }[] = [];
  let run: Uint8Array[] = [];
  let bytes = 0;
  for (const p of parts) {
    for (let at = 0; at < p.byteLength;) {
      const take = Math.min(p.byteLength - at, max - bytes);
      run.push(at === 0 && take === p.byteLength ? p : p.subarray(at, at + take));
      bytes += take;
      at += take;
      if (bytes === max) {
        out.push({ parts: run, bytes });
        run = [];
        bytes = 0;
      }
    }
  }
  if (bytes > 0 || out.length === 0) out.push({ parts: run, bytes });
  return out;
}
