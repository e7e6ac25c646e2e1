/**
 * The etcd server on one member: every write becomes an entry of the write-ahead log, is made
 * durable (group commit: the entries proposed in one turn of the event loop share one fsync), and
 * only then is applied to the store and answered. Restart = newest valid snapshot + WAL replay.
 * TTL expiry is driven by `sync` entries carrying this member's clock, so a replayed log expires
 * the same keys at the same index.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../store/store.js';
import { EtcdError } from '../store/errors.js';
import type { StoreEvent, StoreRequest, WriteRequest } from '../store/request.js';
import { Wal, type HardState, type WalEntry } from '../wal/index.js';
import { Snapshotter } from '../snap/index.js';
import type { LeaderStatsFacts, MemberInfo, SelfStatsFacts, ServerFace } from '../api/v2http/server-face.js';
import type { ServerConfig } from './config.js';
import { systemClock, rfc3339Nano, type Clock } from './clock.js';
import { goDuration } from './go-duration.js';
import { clusterIdFor, idToHex, memberIdFor } from './member-id.js';
import { decodeRequest, encodeRequest } from './request-codec.js';
import { ServerLog } from './server-log.js';

/** How often the server looks for TTL keys that are due (etcd v2 syncs every 500 ms). */
const SYNC_INTERVAL_MS = 500;

interface Waiter {
  readonly index: number;
  readonly req: StoreRequest;
  readonly resolve: (result: StoreEvent | StoreEvent[]) => void;
  readonly reject: (err: Error) => void;
}

interface Identity {
  readonly memberId: string;
  readonly clusterId: string;
  readonly name: string;
  readonly peerURLs: readonly string[];
}

export interface ServerOptions {
  readonly clock?: Clock;
  readonly log?: ServerLog;
}

export class EtcdServer implements ServerFace {
  readonly memberId: string;
  readonly clusterId: string;
  private readonly clock: Clock;
  private readonly log: ServerLog;
  private readonly startedAt: number;
  private term: number;
  private lastIndex: number;
  private appliedIndex: number;
  private snapshotIndex: number;
  private batch: Waiter[] = [];
  private flushScheduled = false;
  private syncInFlight = false;
  private snapshotting = false;
  private stopped = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(
    readonly store: Store,
    private readonly wal: Wal,
    private readonly snapshotter: Snapshotter,
    private readonly config: ServerConfig,
    private readonly identity: Identity,
    state: { term: number; lastIndex: number; snapshotIndex: number },
    options: ServerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? new ServerLog();
    this.memberId = identity.memberId;
    this.clusterId = identity.clusterId;
    this.term = state.term;
    this.lastIndex = state.lastIndex;
    this.appliedIndex = state.lastIndex;
    this.snapshotIndex = state.snapshotIndex;
    this.startedAt = this.clock.now();
  }

  /** Opens (or creates) the data dir, replays it, and starts the expiry timer. */
  static async start(config: ServerConfig, options: ServerOptions = {}): Promise<EtcdServer> {
    const log = options.log ?? new ServerLog();
    const memberDir = join(config.dataDir, 'member');
    const walDir = config.walDir ?? join(memberDir, 'wal');
    const snapDir = join(memberDir, 'snap');
    mkdirSync(snapDir, { recursive: true });
    const snapshotter = new Snapshotter(snapDir);
    const walOptions = {};

    if (!Wal.exists(walDir)) {
      const peerURLs = config.initialAdvertisePeerUrls.map((u) => u.toString().replace(/\/$/, ''));
      const id = memberIdFor(peerURLs, config.initialClusterToken);
      const identity: Identity = {
        memberId: idToHex(id),
        clusterId: idToHex(clusterIdFor([id])),
        name: config.name,
        peerURLs,
      };
      mkdirSync(walDir, { recursive: true });
      const wal = await Wal.create(walDir, Buffer.from(JSON.stringify(identity)), walOptions);
      const term = 1;
      await wal.save({ term, vote: id, commit: 0 }, []);
      log.info('etcdserver', `starting member ${identity.memberId} in cluster ${identity.clusterId}`);
      const server = new EtcdServer(new Store(), wal, snapshotter, config, identity, { term, lastIndex: 0, snapshotIndex: 0 }, { ...options, log });
      server.startTimers();
      return server;
    }

    const loaded = await snapshotter.loadNewest();
    for (const b of loaded.broken) log.warn('etcdserver', `skipped damaged snapshot ${b.file}: ${b.reason}`);
    const snap = loaded.snapshot;
    const store = snap ? Store.recover(snap.data) : new Store();
    const marker = snap ? { index: snap.index, term: snap.term } : { index: 0, term: 0 };
    const opened = await Wal.open(walDir, marker, walOptions);
    const identity = JSON.parse(Buffer.from(opened.metadata).toString('utf8')) as Identity;
    let lastIndex = marker.index;
    for (const entry of opened.entries) {
      if (entry.index <= marker.index) continue;
      lastIndex = entry.index;
      if (entry.type !== 0 || entry.data.length === 0) continue;
      try {
        store.apply(decodeRequest(entry.data));
      } catch (err) {
        if (!(err instanceof EtcdError)) throw err;
      }
    }
    // A restarted single member wins the next term at once, as Raft would elect it.
    const term = Math.max(opened.hardState?.term ?? 0, marker.term) + 1;
    await opened.wal.save({ term, vote: BigInt('0x' + identity.memberId), commit: lastIndex }, []);
    log.info('etcdserver', `restarted member ${identity.memberId} in cluster ${identity.clusterId} at commit index ${lastIndex}`);
    const server = new EtcdServer(store, opened.wal, snapshotter, config, identity, { term, lastIndex, snapshotIndex: marker.index }, { ...options, log });
    server.startTimers();
    return server;
  }

  private startTimers(): void {
    this.syncTimer = setInterval(() => this.maybeSync(), SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  /** Proposes a `sync` entry when some TTL is due; at most one in flight. */
  private maybeSync(): void {
    if (this.syncInFlight || this.stopped) return;
    const due = this.store.nextExpiration();
    const now = this.clock.now();
    if (due === null || due > now) return;
    this.syncInFlight = true;
    this.submit({ op: 'sync', time: now })
      .catch(() => undefined)
      .finally(() => { this.syncInFlight = false; });
  }

  propose(req: WriteRequest): Promise<StoreEvent> {
    return this.submit(req) as Promise<StoreEvent>;
  }

  /** Appends a request to the log; resolves with what applying it gave once it is durable and applied. */
  private submit(req: StoreRequest): Promise<StoreEvent | StoreEvent[]> {
    if (this.stopped) return Promise.reject(new EtcdError(300, 'etcdserver: server stopped', this.store.index));
    return new Promise<StoreEvent | StoreEvent[]>((resolve, reject) => {
      this.batch.push({ index: ++this.lastIndex, req, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes the batch gathered in this turn of the event loop; applies and answers it once durable. */
  private flush(): void {
    this.flushScheduled = false;
    const waiters = this.batch;
    if (waiters.length === 0) return;
    this.batch = [];
    const entries: WalEntry[] = waiters.map((w) => ({ term: this.term, index: w.index, type: 0, data: encodeRequest(w.req) }));
    const hardState: HardState = { term: this.term, vote: BigInt('0x' + this.memberId), commit: waiters[waiters.length - 1]!.index };
    const saved = this.wal.save(hardState, entries);
    this.writeChain = saved.then(
      () => this.applyBatch(waiters),
      (err: unknown) => this.fatal(err),
    );
  }

  private applyBatch(waiters: Waiter[]): void {
    for (const w of waiters) {
      let ev: StoreEvent | StoreEvent[];
      try {
        ev = this.store.apply(w.req);
      } catch (err) {
        this.appliedIndex = w.index;
        w.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      this.appliedIndex = w.index;
      w.resolve(ev);
    }
    if (this.appliedIndex - this.snapshotIndex >= this.config.snapshotCount) void this.snapshot();
  }

  /** Saves the store as a snapshot at the applied index and releases the WAL before it. */
  private async snapshot(): Promise<void> {
    if (this.snapshotting) return;
    this.snapshotting = true;
    try {
      const index = this.appliedIndex;
      const term = this.term;
      const data = this.store.save();
      await this.snapshotter.save({ index, term, data });
      await this.wal.saveSnapshot({ index, term });
      this.snapshotIndex = index;
      await this.wal.releaseTo(index);
      await this.snapshotter.purge(5);
      this.log.info('etcdserver', `saved snapshot at index ${index}`);
    } catch (err) {
      this.log.error('etcdserver', `snapshot failed: ${(err as Error).message}`);
    } finally {
      this.snapshotting = false;
    }
  }

  private fatal(err: unknown): void {
    this.log.fatal('etcdserver', `write-ahead log failed: ${(err as Error)?.message ?? String(err)}`);
    process.exit(1);
  }

  readBarrier(): Promise<void> {
    // On one member every acknowledged write is already applied: the local store is current.
    return Promise.resolve();
  }

  raftIndex(): number {
    return this.appliedIndex;
  }

  raftTerm(): number {
    return this.term;
  }

  leaderId(): string | null {
    return this.memberId;
  }

  members(): readonly MemberInfo[] {
    return [{
      id: this.memberId,
      name: this.identity.name,
      peerURLs: this.identity.peerURLs,
      clientURLs: this.config.advertiseClientUrls.map((u) => u.toString().replace(/\/$/, '')),
    }];
  }

  selfStats(): SelfStatsFacts {
    const started = rfc3339Nano(this.startedAt);
    return {
      name: this.identity.name,
      id: this.memberId,
      state: 'StateLeader',
      startTime: started,
      leaderInfo: { leader: this.memberId, uptime: goDuration(this.clock.now() - this.startedAt), startTime: started },
      recvAppendRequestCnt: 0,
      sendAppendRequestCnt: 0,
    };
  }

  leaderStats(): LeaderStatsFacts | null {
    return { leader: this.memberId, followers: {} };
  }

  /** Stops taking writes, lets the ones in flight finish, and closes the log. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.flushScheduled || this.batch.length > 0) this.flush();
    await this.writeChain;
    await this.wal.close();
  }
}

export function dataDirExists(config: ServerConfig): boolean {
  return existsSync(join(config.dataDir, 'member'));
}
