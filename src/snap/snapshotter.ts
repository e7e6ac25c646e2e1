import path from 'node:path';
import { nodeFileIo, type FileIo } from '../wal/file-io.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.js';
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
}

const TMP_SUFFIX = '.tmp';
/** A snapshot file is written and synced this many bytes at a time. */
const SYNC_SLICE_BYTES = 2 * 1024 * 1024;
const BROKEN_SUFFIX = '.broken';

/**
 * Stores snapshots of the state machine as one file each, written atomically: a temporary file is
 * written and fsynced, renamed to `%016x-%016x.snap` (term, index), and the directory is fsynced.
 */
export class Snapshotter {
  private readonly io: FileIo;

  constructor(
    readonly dir: string,
    options: SnapshotterOptions = {},
  ) {
    this.io = options.io ?? nodeFileIo;
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
        await this.io.syncDataAsync(fd);
      }
    } finally {
      this.io.close(fd);
    }
    this.io.rename(tmp, path.join(this.dir, name));
    await this.io.syncDirAsync(this.dir);
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
        decoded = decodeSnapshot(this.io.readWhole(file));
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

  /** Deletes all but the newest `keep` snapshots, and leftover temporary files. Returns what was deleted. */
  async purge(keep = 5): Promise<string[]> {
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`keep ${keep} must be at least 1`);
    if (!this.io.isDirectory(this.dir)) return [];
    const doomed = [
      ...this.snapshotFiles().slice(keep),
      ...this.io.list(this.dir).filter((name) => name.endsWith(TMP_SUFFIX)),
    ];
    for (const name of doomed) await this.io.unlinkAsync(path.join(this.dir, name));
    if (doomed.length > 0) await this.io.syncDirAsync(this.dir);
    return doomed;
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
