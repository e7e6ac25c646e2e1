/**
 * Several `EtcdServer`s in one process, each with its own temp data dir, joined by the in-memory
 * peer network. Peer and client URLs are placeholders (nothing listens on them); members find each
 * other by ID through the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdServer, type ServerOptions } from '../../../src/etcdserver/server.js';
import type { ServerConfig } from '../../../src/etcdserver/config.js';
import { ServerLog } from '../../../src/etcdserver/server-log.js';
import type { StoreEvent, WriteRequest } from '../../../src/store/request.js';
import type { FileIo } from '../../../src/wal/file-io.js';
import { MemoryNetwork } from '../../support/memory-transport.js';

export const HEARTBEAT_MS = 20;
export const ELECTION_MS = 200;

export interface MemberSlot {
  readonly name: string;
  readonly config: ServerConfig;
  server: EtcdServer | null;
  removed: boolean;
  /** Log lines of this member (all incarnations). */
  readonly logLines: string[];
}

export interface InProcessClusterOptions {
  readonly size: number;
  readonly snapshotCount?: number;
  readonly snapshotCatchUpEntries?: number;
  /** Members run with --unsafe-no-fsync (default true: the tests need no durability against power loss). */
  readonly unsafeNoFsync?: boolean;
  /** File operations of every member's log, or of each member's by name (default: the real file system). */
  readonly io?: FileIo | ((member: string) => FileIo);
  /** Election timeout in ms (default ELECTION_MS). */
  readonly electionMs?: number;
  readonly initialElectionTickAdvance?: boolean;
  /** Every member's --event-history (default: etcd's 1000). */
  readonly eventHistory?: number;
}

function peerUrl(i: number): string {
  return `http://127.0.0.1:${20000 + i}`;
}

function clientUrl(i: number): string {
  return `http://127.0.0.1:${30000 + i}`;
}

export class InProcessCluster {
  readonly network = new MemoryNetwork();
  readonly slots: MemberSlot[] = [];
  private readonly root = mkdtempSync(join(tmpdir(), 'flotilla-cluster-'));
  private readonly initialCluster: Map<string, string[]>;

  private constructor(private readonly opts: InProcessClusterOptions) {
    this.initialCluster = new Map();
    for (let i = 0; i < opts.size; i++) this.initialCluster.set(`m${i}`, [peerUrl(i)]);
  }

  static async start(opts: InProcessClusterOptions): Promise<InProcessCluster> {
    const c = new InProcessCluster(opts);
    for (let i = 0; i < opts.size; i++) c.slots.push(c.slot(i, 'new'));
    await Promise.all(c.slots.map((s) => c.boot(s)));
    return c;
  }

  private slot(i: number, state: 'new' | 'existing', cluster?: Map<string, string[]>, joinByPeers = false): MemberSlot {
    const name = `m${i}`;
    const config: ServerConfig = {
      name,
      dataDir: join(this.root, name),
      snapshotCount: this.opts.snapshotCount ?? 10000,
      heartbeatMs: HEARTBEAT_MS,
      electionMs: this.opts.electionMs ?? ELECTION_MS,
      initialElectionTickAdvance: this.opts.initialElectionTickAdvance,
      eventHistory: this.opts.eventHistory,
      listenClientUrls: [new URL(clientUrl(i))],
      advertiseClientUrls: [new URL(clientUrl(i))],
      listenPeerUrls: [new URL(peerUrl(i))],
      initialAdvertisePeerUrls: [new URL(peerUrl(i))],
      initialCluster: cluster ?? this.initialCluster,
      initialClusterState: state,
      initialClusterToken: 'test-token',
      joinByPeers,
      cors: [],
      clientTls: { clientCertAuth: false },
      peerTls: { clientCertAuth: false },
      unsafeNoFsync: this.opts.unsafeNoFsync ?? true,
    };
    return { name, config, server: null, removed: false, logLines: [] };
  }

  private async boot(s: MemberSlot, extra: Partial<ServerOptions> = {}): Promise<EtcdServer> {
    const server = await EtcdServer.start(s.config, {
      transport: this.network.factory,
      log: new ServerLog((line) => s.logLines.push(line)),
      wal: { segmentSize: 1024 * 1024, io: typeof this.opts.io === 'function' ? this.opts.io(s.name) : this.opts.io },
      snapshotCatchUpEntries: this.opts.snapshotCatchUpEntries,
      onRemoved: () => { s.removed = true; },
      ...extra,
    });
    s.server = server;
    return server;
  }

  get servers(): EtcdServer[] {
    return this.slots.flatMap((s) => (s.server && !s.removed ? [s.server] : []));
  }

  idOf(s: MemberSlot): bigint {
    if (!s.server) throw new Error(`${s.name} is not running`);
    return BigInt('0x' + s.server.memberId);
  }

  /** The member every running member agrees is leader (waits up to `timeoutMs`). */
  async leader(timeoutMs = 5000, except?: MemberSlot): Promise<MemberSlot> {
    return waitFor('an agreed leader', timeoutMs, () => {
      const running = this.slots.filter((s) => s.server && !s.removed && s !== except);
      const leaders = running.filter((s) => s.server!.isLeader());
      if (leaders.length !== 1) return undefined;
      const id = leaders[0]!.server!.memberId;
      const connected = running.filter((s) => !this.isolatedSlot(s));
      return connected.every((s) => s.server!.leaderId() === id) ? leaders[0] : undefined;
    });
  }

  private isolated = new Set<MemberSlot>();
  private isolatedSlot(s: MemberSlot): boolean {
    return this.isolated.has(s);
  }

  followers(leader: MemberSlot): MemberSlot[] {
    return this.slots.filter((s) => s !== leader && s.server && !s.removed);
  }

  isolate(s: MemberSlot): void {
    this.isolated.add(s);
    this.network.isolate(this.idOf(s), this.slots.filter((o) => o.server).map((o) => this.idOf(o)));
  }

  heal(): void {
    this.isolated.clear();
    this.network.heal();
  }

  /** Stops a member, keeping its data dir. */
  async stopMember(s: MemberSlot): Promise<void> {
    const server = s.server;
    s.server = null;
    await server?.stop();
  }

  async restartMember(s: MemberSlot): Promise<EtcdServer> {
    return this.boot(s);
  }

  /** Starts a member that joins the running cluster (it must have been added first). */
  async join(index: number, byPeers = false): Promise<{ slot: MemberSlot; peerURL: string }> {
    const cluster = new Map(this.initialCluster);
    cluster.set(`m${index}`, [peerUrl(index)]);
    const s = this.slot(index, 'existing', cluster, byPeers);
    this.slots.push(s);
    const source = this.servers[0]!;
    await this.boot(s, {
      // 0.4 style: the joining member asks the cluster (here: the first running member) to add it.
      addMember: async (_clientURL, peerURLs) => { await source.membership.addMember(peerURLs); },
      fetchMembers: async () => ({
        clusterId: source.clusterId,
        members: source.members().map((m) => ({ ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] })),
      }),
    });
    return { slot: s, peerURL: peerUrl(index) };
  }

  static peerUrl(i: number): string {
    return peerUrl(i);
  }

  /** Waits until every running member has applied the same store index. */
  async converged(timeoutMs = 5000): Promise<number> {
    return waitFor('members to apply the same index', timeoutMs, () => {
      const idx = this.servers.map((s) => s.store.index);
      const raft = this.servers.map((s) => s.raftIndex());
      return idx.every((i) => i === idx[0]) && raft.every((r) => r === raft[0]) ? idx[0] : undefined;
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.stopMember(s)));
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function setReq(key: string, value: string, ttl: number | null = null, time = Date.now()): WriteRequest {
  return { op: 'set', key, value, dir: false, ttl, time };
}

export async function put(server: EtcdServer, key: string, value: string, ttl: number | null = null): Promise<StoreEvent> {
  return server.propose(setReq(key, value, ttl));
}

/** Polls `check` every 10 ms until it returns something other than undefined; bounded by `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
