/**
 * The etcd server on one member: the v2 store replicated by the Raft core. A single node is a
 * one-member Raft group; there is no other code path.
 *
 * Every write becomes a log entry. The loop hands the Raft core what arrived (peer messages,
 * proposals, ticks, read requests), then handles each `Ready`: the leader sends its appends at once,
 * entries and hard state are made durable in the write-ahead log (one fsync for everything gathered
 * meanwhile), followers send after that, committed entries are applied to the store and answered.
 * Quorum reads use ReadIndex. TTL expiry is driven by `sync` entries carrying the leader's clock, so
 * every member expires the same keys at the same index.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../store/store.js';
import { EtcdError } from '../store/errors.js';
import type { StoreEvent, StoreRequest, WriteRequest } from '../store/request.js';
import { nodeFileIo, rememberingReads, Wal, withoutSync, type OpenedWal, type WalOptions, type WalSyncMode } from '../wal/index.js';
import { Snapshotter } from '../snap/index.js';
import { SnapshotFileBuilder } from '../snap/snapshot-codec.js';
import {
  ConfChangeType,
  EntryType,
  MemoryStorage,
  MessageType,
  RaftNode,
  StateType,
  decodeConfChange,
  encodeConfChange,
  type ConfState,
  type Entry,
  type Message,
  type Ready,
  type Snapshot,
} from '../raft/index.js';
import { MembershipError, type FollowerStats, type LeaderStatsFacts, type MemberInfo, type MembershipFace, type SelfStatsFacts, type ServerFace } from '../api/v2http/server-face.js';
import type { ServerConfig } from './config.js';
import { systemClock, rfc3339Nano, type Clock } from './clock.js';
import { goDuration } from './go-duration.js';
import { clusterIdFor, idToHex, memberIdFor } from './member-id.js';
import { Membership, type MemberAttributes } from './membership.js';
import { EntryKind, decodeMemberAttributes, decodeServerRequest, encodeMemberAttributes, encodeServerRequest } from './entry-codec.js';
import { decodeSnapshotData, snapshotDataParts } from './snapshot-data.js';
import { DEFAULT_ADMIN_CONFIG, applyAdminConfigUpdate, adminConfigEntryPayload, type AdminConfig, type AdminConfigUpdate } from './admin-config.js';
import { RequestWaits } from './request-waits.js';
import type { PeerTransport, PeerTransportFactory, RaftReceiver } from './peer-transport.js';
import { ServerLog } from './server-log.js';
import { ServerMetrics } from './server-metrics.js';
import type { Registry } from 'prom-client';

/** How often the leader looks for TTL keys that are due (etcd v2 syncs every 500 ms). */
const SYNC_INTERVAL_MS = 500;
/** Entries kept in memory behind a snapshot so slow followers can catch up without a snapshot. */
const CATCH_UP_ENTRIES = 5000;
/** Store nodes encoded per turn of the event loop while a snapshot is taken (about a millisecond). */
const SNAPSHOT_SLICE_NODES = 4096;
/** How often, and how many times, a starting member checks whether its peers are connected. */
const TICK_ADVANCE_POLL_MS = 50;
const TICK_ADVANCE_POLLS = 100;
/** Bytes of the snapshot file checksummed per turn of the event loop (parts summed before are not read again). */
const SNAPSHOT_SLICE_BYTES = 1 << 20;
/** A member joining by 0.4's `-peers` tries this often, this far apart, before giving up. */
const JOIN_ATTEMPTS = 5;
const JOIN_RETRY_MS = 1000;
/** How often a member retries publishing its name and client URLs until they are applied. */
const PUBLISH_RETRY_MS = 1000;

/** What the write-ahead log's metadata records about this member. */
interface Identity {
  readonly memberId: string;
  readonly clusterId: string;
  readonly name: string;
  readonly peerURLs: readonly string[];
}

interface ReadBatch {
  readonly ctx: Uint8Array;
  readonly waiters: { resolve: () => void; reject: (err: Error) => void }[];
  /** Known once the leader answered: the batch is served when applied reaches it. */
  index: number | null;
  requestedAt: number;
}

export interface ServerOptions {
  readonly clock?: Clock;
  readonly log?: ServerLog;
  readonly transport: PeerTransportFactory;
  /** Peers' member lists for joining an existing cluster (GET <peer>/members); injected for tests. */
  readonly fetchMembers?: (peerURL: string) => Promise<{ clusterId: string; members: { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[] }>;
  /** Asks the member serving `clientURL` to add a member (POST /v2/members); injected for tests. */
  readonly addMember?: (clientURL: string, peerURLs: readonly string[]) => Promise<void>;
  /** Called when this member has been removed from the cluster. */
  readonly onRemoved?: () => void;
  readonly random?: () => number;
  /** Write-ahead log settings (tests use small segments). */
  readonly wal?: WalOptions;
  /** Entries kept behind a snapshot for slow followers (etcd's snapshot catch-up entries; default 5000). */
  readonly snapshotCatchUpEntries?: number;
  /** Where the member's Prometheus metrics are kept (a fresh set by default). */
  readonly metrics?: ServerMetrics;
}

/** How the log syncs on a cluster's leader and on its other members (see `EtcdServer.start`). */
interface RoleSyncModes {
  readonly leader: WalSyncMode;
  readonly other: WalSyncMode;
}

const CLUSTER_SYNC_MODES: RoleSyncModes = { leader: 'threadpool', other: 'sync' };

/** An entry whose application takes longer than this counts as a slow apply (etcd's threshold). */
const SLOW_APPLY_MS = 100;

interface Boot {
  readonly identity: Identity;
  readonly wal: Wal;
  readonly storage: MemoryStorage;
  readonly store: Store;
  readonly membership: Membership;
  /** The 0.4 admin configuration from the snapshot the member restarts from (defaults otherwise). */
  readonly adminConfig?: AdminConfig;
  readonly applied: number;
  readonly snapshotIndex: number;
  readonly confState: ConfState;
  /** Index the member must have applied before it serves reads after a restart. */
  readonly replayTo: number;
}

/** etcd answers a proposal that was not applied in time with error 300 and index 0. */
function timeoutError(): EtcdError {
  return new EtcdError(300, 'etcdserver: request timed out', 0);
}

/**
 * etcd's answer to a proposal that a change of leader lost (ErrTimeoutDueToLeaderFail): error 300,
 * index 0. "Possibly": it may have reached the old leader's log and a quorum after all.
 */
function leaderFailError(): EtcdError {
  return new EtcdError(300, 'etcdserver: request timed out, possibly due to previous leader failure', 0);
}

function stoppedError(): EtcdError {
  return new EtcdError(300, 'etcdserver: server stopped', 0);
}

export class EtcdServer implements ServerFace {
  readonly memberId: string;
  readonly clusterId: string;
  store: Store;
  private readonly id: bigint;
  private readonly clock: Clock;
  private readonly log: ServerLog;
  /** When this member, as leader, last sent each peer a heartbeat (reset at each change of role or leader). */
  private readonly heartbeatSentAt = new Map<bigint, number>();
  private readonly node: RaftNode;
  private readonly storage: MemoryStorage;
  private readonly wal: Wal;
  private readonly snapshotter: Snapshotter;
  private readonly transport: PeerTransport;
  private cluster: Membership;
  /** The applied 0.4 admin configuration (`/v2/admin/config`); kept beside the membership. */
  private adminConfigValue: AdminConfig;
  /** Membership changes for `/v2/members`. */
  readonly membership: MembershipFace = {
    addMember: (peerURLs) => this.addMember(peerURLs),
    removeMember: (id) => this.removeMember(id),
    updateMember: (id, peerURLs) => this.updateMember(id, peerURLs),
  };
  private confState: ConfState;
  private readonly requestTimeoutMs: number;
  private readonly startedAt: number;
  private leaderSince = 0;
  private knownLeader = 0n;
  /** When this member learned of its current leader (etcd's leaderInfo.startTime on a follower). */
  private leaderKnownSince = 0;

  private appliedIndex: number;
  /** Term of the last entry applied (0 until one is). */
  private appliedTerm = 0;
  private snapshotIndex: number;
  private readonly waits = new RequestWaits<StoreEvent | StoreEvent[] | null>();
  /** The payload this member proposed under a request ID still waiting for its entry. */
  private readonly proposedPayload = (id: bigint): unknown => this.waits.payloadOf(id);
  private nextRequestId: bigint;

  private inbox: Message[] = [];
  private proposals: Uint8Array[] = [];
  /** The request IDs of `proposals`, in the same order. */
  private proposalIds: bigint[] = [];
  private pendingTicks = 0;
  private inReady = false;
  private pumpScheduled = false;
  private readBatch: ReadBatch | null = null;
  private readsInFlight: ReadBatch[] = [];
  private syncInFlight = false;
  private snapshotting = false;
  private readonly electionTick: number;
  private published = false;
  private publishInFlight = false;
  private stopped = false;
  private removed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readyDone: Promise<void> = Promise.resolve();
  /** Entries of a leader's Readies that are now on disk, to be reported to Raft (in order). */
  private stableReports: { index: number; term: number }[] = [];
  private replayWaiters: (() => void)[] = [];
  private readonly replayTo: number;

  private constructor(
    private readonly config: ServerConfig,
    boot: Boot,
    snapshotter: Snapshotter,
    private readonly metrics: ServerMetrics,
    private readonly options: ServerOptions,
    private readonly syncByRole: RoleSyncModes | null = null,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? new ServerLog();
    this.memberId = boot.identity.memberId;
    this.clusterId = boot.identity.clusterId;
    this.id = BigInt('0x' + this.memberId);
    this.store = boot.store;
    if (config.eventHistory !== undefined) this.store.setHistoryCapacity(config.eventHistory);
    this.cluster = boot.membership;
    this.adminConfigValue = boot.adminConfig ?? DEFAULT_ADMIN_CONFIG;
    this.confState = boot.confState;
    this.storage = boot.storage;
    this.wal = boot.wal;
    this.snapshotter = snapshotter;
    this.appliedIndex = boot.applied;
    this.snapshotIndex = boot.snapshotIndex;
    this.replayTo = boot.replayTo;
    this.requestTimeoutMs = 5000 + 2 * config.electionMs;
    this.startedAt = this.clock.now();
    // Request IDs: the member's low 16 bits, then a counter seeded from the clock, so IDs of
    // different members (and of this member before a restart) do not meet.
    this.nextRequestId = ((this.id & 0xffffn) << 48n) | ((BigInt(this.clock.now()) & 0xffffffffffn) << 8n);
    const random = options.random ?? Math.random;
    const heartbeatTick = 1;
    const electionTick = Math.max(2, Math.round(config.electionMs / config.heartbeatMs));
    this.electionTick = electionTick;
    this.node = new RaftNode({
      id: this.id,
      electionTick,
      heartbeatTick,
      storage: this.storage,
      random: { intn: (n: number) => Math.floor(random() * n) },
      applied: boot.applied,
      checkQuorum: true,
      preVote: true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
    });
    const receiver: RaftReceiver = {
      process: (msg) => { this.inbox.push(msg); this.schedulePump(); },
      reportUnreachable: (peer) => { this.inbox.push({ ...unreachableMessage(peer) }); this.schedulePump(); },
      reportPeerDown: (peer) => { this.peersDown.push(peer); this.schedulePump(); },
      reportSnapshot: (peer, ok) => { this.snapshotReports.push([peer, ok]); this.schedulePump(); },
    };
    this.transport = options.transport({
      memberId: this.id,
      clusterId: BigInt('0x' + this.clusterId),
      receiver,
      isRemoved: (peer) => this.cluster.isRemoved(peer),
      onRemovedFromCluster: () => this.onRemovedFromCluster(),
      onRoundTrip: (peer, seconds) => this.metrics.peerRoundTrip.observe({ To: idToHex(peer) }, seconds),
    });
    this.metrics.attach({
      memberId: this.memberId,
      walBytesWritten: () => this.wal.stats.bytesWritten,
      peers: () => {
        const counters = this.transport.peerCounters?.();
        if (counters === undefined) return null;
        return new Map([...counters].map(([id, c]) => [idToHex(id), c]));
      },
    });
    for (const m of this.cluster.list()) {
      if (m.id !== this.id) this.transport.addPeer(m.id, m.peerURLs);
    }
  }

  private snapshotReports: [bigint, boolean][] = [];
  private peersDown: bigint[] = [];
  /** A member to hand leadership to at the next pump (see `transferLeadershipForStop`). */
  private transferTo: bigint | null = null;
  /** Called whenever the leader this member knows of changes. */
  private leaderWatchers: (() => void)[] = [];

  /** Opens (or creates) the data dir, replays it, and starts the Raft loop. */
  static async start(config: ServerConfig, options: ServerOptions): Promise<EtcdServer> {
    const log = options.log ?? new ServerLog();
    const memberDir = join(config.dataDir, 'member');
    const walDir = config.walDir ?? join(memberDir, 'wal');
    const snapDir = join(memberDir, 'snap');
    mkdirSync(snapDir, { recursive: true });
    const metrics = options.metrics ?? new ServerMetrics();
    const onSnapSync = (seconds: number): void => metrics.snapFsync.observe(seconds);
    let snapshotter = new Snapshotter(snapDir, { onSync: onSnapSync });
    if (config.unsafeNoFsync) {
      log.warn('etcdserver', 'fsync is disabled (--unsafe-no-fsync): a machine crash can lose acknowledged writes');
      options = { ...options, wal: { ...options.wal, io: withoutSync(options.wal?.io ?? nodeFileIo) } };
      snapshotter = new Snapshotter(snapDir, { io: withoutSync(nodeFileIo), onSync: onSnapSync });
    }
    let boot: Boot;
    // How the log syncs follows the member's role, unless the caller fixed it:
    // - a cluster's leader syncs on the threadpool: its event loop is the cluster's busiest, and
    //   followers' answers, client requests and proposals keep arriving meanwhile and form the next
    //   batch;
    // - any other member of a cluster syncs on its event loop: it cannot go on before its log is
    //   synced anyway (the leader waits for its answer), what arrives meanwhile waits in the
    //   socket and forms its next batch just the same, and the loop saves the two thread
    //   handoffs of each threadpool sync;
    // - a member alone syncs a small batch on the loop (lowest latency for a lone client) and a
    //   large one on the threadpool, so the many clients behind it keep being served meanwhile.
    const clustered = config.initialClusterState === 'existing' || config.initialCluster.size > 1;
    const syncByRole: RoleSyncModes | null = options.wal?.syncMode === undefined && clustered ? CLUSTER_SYNC_MODES : null;
    const onSync = (seconds: number): void => metrics.walFsync.observe(seconds);
    // Every member starts as a follower.
    options = { ...options, wal: { syncMode: syncByRole?.other ?? 'adaptive', skipSyncForCommitOnly: true, onSync, ...options.wal } };
    if (Wal.exists(walDir)) {
      boot = await restartMember(walDir, snapshotter, log, options.wal);
    } else if (config.initialClusterState === 'existing') {
      boot = await joinCluster(config, walDir, options, log);
    } else {
      boot = await bootstrapCluster(config, walDir, log, options.wal);
    }
    const server = new EtcdServer(config, boot, snapshotter, metrics, { ...options, log }, syncByRole);
    await server.run();
    return server;
  }

  /** Starts ticking; resolves once the member has replayed what its log had committed. */
  private async run(): Promise<void> {
    this.timers.push(setInterval(() => { this.pendingTicks++; this.schedulePump(); }, this.config.heartbeatMs));
    this.timers.push(setInterval(() => this.maybeSync(), SYNC_INTERVAL_MS));
    this.timers.push(setInterval(() => this.maybePublish(), PUBLISH_RETRY_MS));
    // The timers hold the process open until stop(): a member keeps running without clients.
    this.schedulePump();
    this.adjustTicks();
    const ready = new Promise<void>((resolve) => {
      this.replayWaiters.push(resolve);
      this.checkReplayed();
    });
    await ready;
    this.log.info('etcdserver', `member ${this.memberId} ready to serve (applied index ${this.appliedIndex})`);
  }

  /**
   * A member of a cluster that has its peers connected need not wait out a whole election timeout
   * before the first election: as etcd does, the election clock is moved to two ticks short of the
   * timeout once more than one peer is reachable (polled every 50 ms for up to 5 s). A member alone
   * campaigns at once anyway (see afterAdvance).
   */
  private adjustTicks(): void {
    if (this.config.initialElectionTickAdvance === false || this.cluster.ids().length < 2) return;
    const advance = this.electionTick - 2;
    if (advance <= 0) return;
    let polls = 0;
    const poll = setInterval(() => {
      polls++;
      if (this.stopped || polls > TICK_ADVANCE_POLLS) {
        clearInterval(poll);
        return;
      }
      const active = this.transport.activePeerCount();
      if (active > 1) {
        clearInterval(poll);
        this.pendingTicks += advance;
        this.log.info('etcdserver', `${this.memberId} initialized peer connection; fast-forwarding ${advance} ticks (election ticks ${this.electionTick}) with ${active} active peer(s)`);
        this.schedulePump();
      }
    }, TICK_ADVANCE_POLL_MS);
    this.timers.push(poll);
  }

  private checkReplayed(): void {
    if (this.replayWaiters.length === 0) return;
    const alone = this.isAlone();
    // Alone, this member can commit everything in its log itself: wait until it has, so no
    // acknowledged write is missing from the first read.
    const target = alone ? Math.max(this.replayTo, this.storage.lastIndex()) : this.replayTo;
    if (this.appliedIndex >= target && (!alone || (this.node.raft.state === StateType.Leader && this.published))) {
      const waiters = this.replayWaiters;
      this.replayWaiters = [];
      for (const w of waiters) w();
    }
  }

  private isAlone(): boolean {
    return this.confState.voters.length === 1 && this.confState.voters[0] === this.id;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Feeds the Raft core what arrived, then handles its Ready (one at a time). */
  private pump(): void {
    if (this.inReady || this.stopped) return;
    const node = this.node;
    if (this.stableReports.length > 0) {
      for (const s of this.stableReports) node.markStable(s.index, s.term);
      this.stableReports = [];
    }
    if (this.inbox.length > 0) {
      const msgs = this.inbox;
      this.inbox = [];
      for (const m of msgs) {
        if (m.type === UNREACHABLE) node.reportUnreachable(m.from);
        else node.step(m);
      }
    }
    if (this.peersDown.length > 0) {
      for (const peer of this.peersDown) {
        if (node.raft.lead === peer && node.raft.state === StateType.Follower) {
          this.log.info('raft', `${this.memberId} found nothing listening at leader ${idToHex(peer)}'s peer URLs; campaigning without waiting out the election timeout`);
        }
        node.reportPeerDown(peer);
      }
      this.peersDown = [];
    }
    if (this.transferTo !== null) {
      node.transferLeadership(this.transferTo);
      this.transferTo = null;
    }
    if (this.snapshotReports.length > 0) {
      for (const [peer, ok] of this.snapshotReports) node.reportSnapshot(peer, ok);
      this.snapshotReports = [];
    }
    while (this.pendingTicks > 0) {
      this.pendingTicks--;
      node.tick();
      this.onTick();
    }
    if (this.proposals.length > 0 && node.raft.lead !== 0n) {
      const datas = this.proposals;
      const ids = this.proposalIds;
      this.proposals = [];
      this.proposalIds = [];
      if (node.proposeMany(datas)) {
        const term = node.raft.term;
        for (const id of ids) this.waits.markProposed(id, term);
      } else {
        this.proposals = datas.concat(this.proposals);
        this.proposalIds = ids.concat(this.proposalIds);
      }
    }
    if (this.readBatch && node.raft.lead !== 0n) {
      const batch = this.readBatch;
      this.readBatch = null;
      batch.requestedAt = this.clock.now();
      this.readsInFlight.push(batch);
      node.readIndex(batch.ctx);
    }
    if (!node.hasReady()) return;
    const rd = node.ready();
    if (this.canWriteLater(rd)) {
      const saved = this.handleReadyWritingLater(rd);
      const stable = node.advanceWriting();
      if (saved !== null && stable !== null) {
        saved.then(
          () => {
            this.stableReports.push(stable);
            if (this.inReady) this.schedulePump();
            else this.pump();
          },
          (err: unknown) => this.fatal(err),
        );
      }
      this.afterAdvance();
      this.schedulePump();
      return;
    }
    this.inReady = true;
    this.readyDone = this.handleReady(rd).then(
      () => {
        node.advance();
        this.inReady = false;
        this.afterAdvance();
        this.schedulePump();
      },
      (err: unknown) => this.fatal(err),
    );
  }

  /** Hands messages to the transport; a leader's heartbeat sent late is counted and logged, as etcd does. */
  private sendMessages(messages: readonly Message[]): void {
    if (this.node.raft.state === StateType.Leader) {
      const now = this.clock.now();
      const late = 2 * this.config.heartbeatMs;
      for (const m of messages) {
        if (m.type !== MessageType.Heartbeat) continue;
        const last = this.heartbeatSentAt.get(m.to);
        if (last !== undefined && now - last > late) {
          this.metrics.heartbeatSendFailures.inc();
          this.log.warn('etcdserver', `leader failed to send out heartbeat on time; took ${now - last} ms to peer ${idToHex(m.to)}, more than twice the heartbeat interval (${this.config.heartbeatMs} ms): the leader is likely overloaded or its disk slow`);
        }
        this.heartbeatSentAt.set(m.to, now);
      }
    }
    this.transport.send(messages);
  }

  private onTick(): void {
    // Reads whose ReadIndex request got lost (leader change) are asked again.
    const now = this.clock.now();
    const stale = this.readsInFlight.filter((b) => b.index === null && now - b.requestedAt > this.config.electionMs);
    for (const b of stale) {
      b.requestedAt = now;
      this.metrics.slowReadIndexes.inc();
      this.node.readIndex(b.ctx);
    }
  }

  /** Leader changes are logged as etcd logs them, and timed for `/v2/stats/self`. */
  private onSoftState(lead: bigint, state: StateType): void {
    const now = this.clock.now();
    if (state === StateType.Leader && this.leaderSince === 0) this.leaderSince = now;
    if (state !== StateType.Leader) this.leaderSince = 0;
    if (this.syncByRole !== null) this.wal.setSyncMode(state === StateType.Leader ? this.syncByRole.leader : this.syncByRole.other);
    this.heartbeatSentAt.clear();
    if (lead !== this.knownLeader) {
      if (lead !== 0n) this.metrics.leaderChanges.inc();
      const term = this.node.raft.term;
      if (lead === 0n) this.log.info('raft', `raft.node: ${this.memberId} lost leader ${idToHex(this.knownLeader)} at term ${term}`);
      else this.log.info('raft', `raft.node: ${this.memberId} elected leader ${idToHex(lead)} at term ${term}`);
      this.knownLeader = lead;
      if (lead !== 0n) this.leaderKnownSince = now;
      for (const w of this.leaderWatchers.splice(0)) w();
    }
  }

  /**
   * Before a graceful stop (SIGTERM, SIGINT), a leader hands leadership to the voting member whose
   * log is furthest along, as etcd does, so the cluster goes on at once instead of waiting out an
   * election timeout (or, from a member that cannot be reached, a whole one). Resolves with the new
   * leader, or null when this member does not lead, leads alone, or no other member took over
   * within `timeoutMs` (the stop goes on regardless).
   */
  async transferLeadershipForStop(timeoutMs = this.config.electionMs): Promise<bigint | null> {
    const raft = this.node.raft;
    if (this.stopped || raft.state !== StateType.Leader) return null;
    // Members heard from since the last quorum check first, then the longest log.
    let transferee = 0n;
    let active = -1;
    let match = -1;
    for (const id of this.confState.voters) {
      const pr = raft.trk.progress.get(id);
      if (id === this.id || pr === undefined) continue;
      const a = pr.recentActive ? 1 : 0;
      if (a > active || (a === active && pr.match > match)) {
        active = a;
        match = pr.match;
        transferee = id;
      }
    }
    if (transferee === 0n) return null;
    this.log.info('etcdserver', `${this.memberId} is stopping: handing leadership to ${idToHex(transferee)}`);
    const moved = new Promise<bigint | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      const check = (): void => {
        const lead = this.node.raft.lead;
        if (lead !== 0n && lead !== this.id) {
          clearTimeout(timer);
          resolve(lead);
        } else {
          this.leaderWatchers.push(check);
        }
      };
      this.leaderWatchers.push(check);
    });
    this.transferTo = transferee;
    this.schedulePump();
    const lead = await moved;
    if (lead === null) this.log.warn('etcdserver', `${this.memberId} is stopping: leadership did not move within ${timeoutMs} ms`);
    else this.log.info('etcdserver', `${this.memberId} is stopping: ${idToHex(lead)} leads now`);
    return lead;
  }

  /**
   * A leader need not hold Raft while its own copy of a batch syncs: the batch is queued on the log,
   * Raft goes on to gather and send the next one, and the leader's copy counts toward the quorum
   * once the save completes (`markStable`). Committed entries are on a quorum of disks by then, so
   * they are applied, and their clients answered, at once. The disk syncs batch after batch
   * without waiting for the loop, and the loop serves clients without waiting for the disk. A
   * leader's term and vote were saved while it was a candidate; a Ready that changes them, or that
   * holds a snapshot, takes the synchronous path.
   */
  private canWriteLater(rd: Ready): boolean {
    if (rd.snapshot !== null || this.node.raft.state !== StateType.Leader) return false;
    if (rd.softState !== null && rd.softState.state !== StateType.Leader) return false;
    // Storage holds the hard state last handed to the log.
    const saved = this.storage.getHardState();
    return rd.hardState === null || (rd.hardState.term === saved.term && rd.hardState.vote === saved.vote);
  }

  private handleReadyWritingLater(rd: Ready): Promise<void> | null {
    if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.state);
    if (rd.messages.length > 0) this.sendMessages(rd.messages);
    const saved = this.saveReady(rd);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    for (const e of rd.committedEntries) this.applyEntry(e);
    for (const rs of rd.readStates) this.matchReadState(rs.requestCtx, rs.index);
    this.serveReads();
    return saved;
  }

  /**
   * Queues a Ready's entries and hard state on the log; returns the save to wait for. When only the
   * commit index moved it is written with the next batch, with no fsync of its own, and nothing
   * waits for it (a lost commit index is learned again from the leader, and a member alone commits
   * its whole log again). It must reach the log all the same: a restart only trusts snapshot markers
   * at or below the last commit index the log holds.
   */
  private saveReady(rd: Ready): Promise<void> | null {
    if (rd.entries.length > 0 || (rd.hardState !== null && rd.mustSync)) return this.wal.save(rd.hardState, rd.entries);
    if (rd.hardState !== null) this.wal.save(rd.hardState, []).catch((err: unknown) => this.fatal(err));
    return null;
  }

  private matchReadState(ctx: Uint8Array, index: number): void {
    const batch = this.readsInFlight.find((b) => Buffer.compare(Buffer.from(b.ctx), Buffer.from(ctx)) === 0);
    if (batch) batch.index = index;
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.state);
    const isLeader = this.node.raft.state === StateType.Leader;
    if (isLeader && rd.messages.length > 0) this.sendMessages(rd.messages);
    if (rd.snapshot) {
      const s = rd.snapshot;
      this.metrics.snapshotApplyInProgress.set(1);
      await this.snapshotter.save({ index: s.metadata.index, term: s.metadata.term, confState: toSnapConfState(s.metadata.confState), data: s.data });
      await this.wal.saveSnapshot({ index: s.metadata.index, term: s.metadata.term });
    }
    const saved = this.saveReady(rd);
    // Committed entries are durable on a quorum already (a leader counts its own copy only once it
    // is persisted), so they are applied, and their clients answered, while this Ready's new
    // entries are being written: a client need not wait for the fsync of the batch after its own.
    const applyNow = rd.snapshot === null;
    if (applyNow) for (const e of rd.committedEntries) this.applyEntry(e);
    if (saved !== null) await saved;
    if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (!isLeader && rd.messages.length > 0) this.sendMessages(rd.messages);
    if (rd.snapshot) {
      this.applySnapshot(rd.snapshot);
      this.metrics.snapshotApplyInProgress.set(0);
    }
    if (!applyNow) for (const e of rd.committedEntries) this.applyEntry(e);
    for (const rs of rd.readStates) this.matchReadState(rs.requestCtx, rs.index);
    this.serveReads();
  }

  private afterAdvance(): void {
    // A member alone in its configuration need not wait out an election timeout.
    if (this.isAlone() && this.node.raft.state !== StateType.Leader && this.node.raft.lead === 0n) {
      this.node.campaign();
      this.schedulePump();
    }
    if (!this.published && !this.publishInFlight && this.node.raft.lead !== 0n) this.maybePublish();
    this.checkReplayed();
    if (this.snapshotDue()) void this.snapshot();
  }

  private snapshotDue(): boolean {
    return this.appliedIndex - this.snapshotIndex >= this.config.snapshotCount;
  }

  private applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.appliedIndex) return;
    const { membership, store, adminConfig } = decodeSnapshotData(snap.data);
    const before = new Set(this.cluster.ids());
    this.store = Store.recover(store, this.store.historyCapacity);
    this.cluster = membership;
    this.adminConfigValue = adminConfig;
    this.confState = snap.metadata.confState;
    for (const m of membership.list()) {
      if (m.id === this.id) continue;
      if (before.has(m.id)) this.transport.updatePeer(m.id, m.peerURLs);
      else this.transport.addPeer(m.id, m.peerURLs);
      before.delete(m.id);
    }
    for (const gone of before) if (gone !== this.id) this.transport.removePeer(gone);
    this.appliedIndex = snap.metadata.index;
    this.snapshotIndex = snap.metadata.index;
    this.log.info('etcdserver', `applied snapshot at index ${snap.metadata.index}`);
  }

  private applyEntry(e: Entry): void {
    const start = this.clock.now();
    this.applyEntryNow(e);
    const took = this.clock.now() - start;
    if (took > SLOW_APPLY_MS) {
      this.metrics.slowApply.inc();
      this.log.warn('etcdserver', `applying entry ${e.index} took ${took} ms, more than ${SLOW_APPLY_MS} ms`);
    }
  }

  private applyEntryNow(e: Entry): void {
    if (e.index <= this.appliedIndex) return;
    if (e.term > this.appliedTerm) {
      // The first entry of a new leader's term. Whatever an earlier term's leader held in its log
      // and had replicated came before it and has been applied; a proposal this member handed to
      // Raft in an earlier term and still waiting was lost with that leader (dropped, or sent to a
      // leader that died). Its client learns it now, as etcd would tell it only once the request
      // times out, and can try again at once. One case makes the error's "possibly" true: an old
      // leader still alive may pass a proposal it received too late on to the new leader, which
      // then applies it after all.
      this.appliedTerm = e.term;
      this.waits.rejectProposedBefore(e.term, leaderFailError);
    }
    if (e.type === EntryType.ConfChange) {
      this.applyConfChange(e);
    } else if (e.data.length > 0) {
      let decoded;
      try {
        decoded = decodeServerRequest(e.data, this.proposedPayload);
      } catch (err) {
        this.log.error('etcdserver', `skipping undecodable entry ${e.index}: ${(err as Error).message}`);
        this.appliedIndex = e.index;
        return;
      }
      if (decoded.kind === EntryKind.Store) {
        let result: StoreEvent | StoreEvent[];
        try {
          result = this.store.apply(decoded.req);
        } catch (err) {
          this.appliedIndex = e.index;
          this.waits.reject(decoded.id, err instanceof Error ? err : new Error(String(err)));
          return;
        }
        this.appliedIndex = e.index;
        this.waits.resolve(decoded.id, result);
        return;
      }
      if (decoded.kind === EntryKind.AdminConfig) {
        this.adminConfigValue = applyAdminConfigUpdate(this.adminConfigValue, decoded.req);
        this.appliedIndex = e.index;
        this.waits.resolve(decoded.id, null);
        return;
      }
      const req = decoded.req;
      // A publish replayed from the log, this member's own included, only updates the membership:
      // this run publishes its own attributes anew (see maybePublish).
      this.cluster.publish(BigInt('0x' + req.memberId), req.name, req.clientURLs);
      this.appliedIndex = e.index;
      this.waits.resolve(decoded.id, null);
      return;
    }
    this.appliedIndex = e.index;
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    const attrs = decodeMemberAttributes(cc.context);
    const reqId = confChangeRequestId(cc.context);
    let refused: MembershipError | null = null;
    if (cc.type === ConfChangeType.AddNode) {
      if (this.cluster.isRemoved(cc.nodeId)) {
        refused = new MembershipError(410, `Member permanently removed: ${idToHex(cc.nodeId)}`);
      } else {
        const known = this.cluster.has(cc.nodeId);
        this.cluster.add(cc.nodeId, attrs);
        if (cc.nodeId !== this.id) {
          if (known) this.transport.updatePeer(cc.nodeId, attrs.peerURLs);
          else this.transport.addPeer(cc.nodeId, attrs.peerURLs);
        }
        this.confState = this.node.applyConfChange(cc);
      }
    } else if (cc.type === ConfChangeType.RemoveNode) {
      this.cluster.remove(cc.nodeId);
      this.confState = this.node.applyConfChange(cc);
      if (cc.nodeId === this.id) {
        this.onRemovedFromCluster();
      } else {
        this.transport.removePeer(cc.nodeId);
      }
    } else {
      this.confState = this.node.applyConfChange(cc);
    }
    this.appliedIndex = e.index;
    if (reqId !== null) {
      if (refused) this.waits.reject(reqId, refused);
      else this.waits.resolve(reqId, null);
    }
  }

  /**
   * This member is out of the cluster: it applied its own removal, or a peer refused it as removed
   * (it was taken out while it was away). It stops serving.
   */
  private onRemovedFromCluster(): void {
    if (this.removed) return;
    this.removed = true;
    this.log.warn('etcdserver', 'this member has been permanently removed from the cluster');
    setImmediate(() => this.options.onRemoved?.());
  }

  private serveReads(): void {
    if (this.readsInFlight.length === 0) return;
    const keep: ReadBatch[] = [];
    for (const b of this.readsInFlight) {
      if (b.index !== null && b.index <= this.appliedIndex) {
        for (const w of b.waiters) w.resolve();
      } else {
        keep.push(b);
      }
    }
    this.readsInFlight = keep;
  }

  /** Proposes a `sync` entry when some TTL is due; only the leader does, at most one in flight. */
  private maybeSync(): void {
    if (this.syncInFlight || this.stopped || this.node.raft.state !== StateType.Leader) return;
    const due = this.store.nextExpiration();
    const now = this.clock.now();
    if (due === null || due > now) return;
    this.syncInFlight = true;
    this.submit(EntryKind.Store, { op: 'sync', time: now })
      .catch(() => undefined)
      .finally(() => { this.syncInFlight = false; });
  }

  /**
   * Publishes this member's name and client URLs through the log until this run's request is
   * applied. As etcd does, every start publishes: a publish found in the log is from an earlier run,
   * whose client URLs may be gone.
   */
  private maybePublish(): void {
    if (this.published || this.publishInFlight || this.stopped || this.removed || this.node.raft.lead === 0n) return;
    const clientURLs = this.config.advertiseClientUrls.map((u) => u.href.replace(/\/$/, ''));
    this.publishInFlight = true;
    this.submit(EntryKind.Publish, { memberId: this.memberId, name: this.config.name, clientURLs })
      .then(() => {
        if (this.published) return;
        this.published = true;
        this.log.info('etcdserver', `published {Name:${this.config.name} ClientURLs:[${clientURLs.join(' ')}]} to cluster ${this.clusterId}`);
        this.checkReplayed();
      })
      .catch(() => undefined)
      .finally(() => { this.publishInFlight = false; });
  }

  private newRequestId(): bigint {
    this.nextRequestId = (this.nextRequestId + 1n) & 0xffffffffffffffffn;
    return this.nextRequestId;
  }

  private submit(kind: number, payload: StoreRequest | object): Promise<StoreEvent | StoreEvent[] | null> {
    if (this.stopped || this.removed) return Promise.reject(stoppedError());
    const id = this.newRequestId();
    const done = this.waits.register(id, this.requestTimeoutMs, () => timeoutError(), payload);
    this.proposals.push(encodeServerRequest(kind, id, payload));
    this.proposalIds.push(id);
    this.schedulePump();
    return done;
  }

  propose(req: WriteRequest): Promise<StoreEvent> {
    return this.submit(EntryKind.Store, req) as Promise<StoreEvent>;
  }

  readBarrier(): Promise<void> {
    if (this.stopped) return Promise.reject(stoppedError());
    return new Promise<void>((resolve, reject) => {
      if (!this.readBatch) {
        // The leader keys pending reads by context and drops a second one with the same bytes, so
        // a context must be unique across members and across this member's restarts.
        const ctx = Buffer.alloc(16);
        ctx.writeBigUInt64BE(this.id, 0);
        ctx.writeBigUInt64BE(this.newRequestId(), 8);
        this.readBatch = { ctx, waiters: [], index: null, requestedAt: 0 };
      }
      const batch = this.readBatch;
      const timer = setTimeout(() => {
        const i = batch.waiters.indexOf(waiter);
        if (i >= 0) batch.waiters.splice(i, 1);
        this.metrics.readIndexesFailed.inc();
        reject(timeoutError());
      }, this.requestTimeoutMs);
      timer.unref();
      const waiter = {
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (err: Error) => { clearTimeout(timer); reject(err); },
      };
      batch.waiters.push(waiter);
      this.schedulePump();
    });
  }

  // ---- membership changes (the /v2/members API) ----

  /** Adds a member with these peer URLs; resolves once the change is applied. */
  async addMember(peerURLs: readonly string[]): Promise<MemberInfo> {
    if (this.cluster.peerUrlOwner(peerURLs)) throw new MembershipError(409, 'membership: peerURL exists');
    const id = memberIdFor(peerURLs, this.config.initialClusterToken, Math.floor(this.clock.now() / 1000));
    if (this.cluster.has(id)) throw new MembershipError(409, 'membership: ID exists');
    await this.proposeConfChange(ConfChangeType.AddNode, id, { name: '', peerURLs });
    return { id: idToHex(id), name: '', peerURLs: [...peerURLs], clientURLs: [] };
  }

  async removeMember(idHex: string): Promise<void> {
    const id = parseMemberId(idHex);
    if (id === null) throw new MembershipError(404, `No such member: ${idHex}`);
    if (this.cluster.isRemoved(id)) throw new MembershipError(410, `Member permanently removed: ${idHex}`);
    if (!this.cluster.has(id)) throw new MembershipError(404, `No such member: ${idHex}`);
    await this.proposeConfChange(ConfChangeType.RemoveNode, id, { name: '', peerURLs: [] });
  }

  async updateMember(idHex: string, peerURLs: readonly string[]): Promise<void> {
    const id = parseMemberId(idHex);
    if (id === null || !this.cluster.has(id)) {
      if (id !== null && this.cluster.isRemoved(id)) throw new MembershipError(410, `Member permanently removed: ${idHex}`);
      throw new MembershipError(404, `No such member: ${idHex}`);
    }
    if (this.cluster.peerUrlOwner(peerURLs, id)) throw new MembershipError(409, 'membership: peerURL exists');
    const m = this.cluster.get(id)!;
    await this.proposeConfChange(ConfChangeType.AddNode, id, { name: m.name, peerURLs });
  }

  private proposeConfChange(type: ConfChangeType, nodeId: bigint, attrs: MemberAttributes): Promise<void> {
    if (this.stopped || this.removed) return Promise.reject(new MembershipError(500, 'Internal Server Error'));
    const reqId = this.newRequestId();
    const context = Buffer.from(JSON.stringify({ name: attrs.name, peerURLs: attrs.peerURLs, reqId: reqId.toString() }), 'utf8');
    const done = this.waits.register(reqId, this.requestTimeoutMs, () => new MembershipError(500, 'Internal Server Error'));
    const tryPropose = () => {
      if (this.inReady || this.node.raft.lead === 0n) {
        setTimeout(tryPropose, 10).unref();
        return;
      }
      this.node.proposeConfChange({ type, nodeId, context });
      this.schedulePump();
    };
    tryPropose();
    return done.then(() => undefined);
  }

  // ---- facts for the HTTP layer ----

  /** The member's own metrics (the disk, Raft and the peers), served on `/metrics`. */
  get metricsRegistry(): Registry {
    return this.metrics.registry;
  }

  raftIndex(): number {
    return this.node.raft.raftLog.committed;
  }

  raftTerm(): number {
    return this.node.raft.term;
  }

  leaderId(): string | null {
    const lead = this.node.raft.lead;
    return lead === 0n ? null : idToHex(lead);
  }

  isLeader(): boolean {
    return this.node.raft.state === StateType.Leader;
  }

  members(): readonly MemberInfo[] {
    return this.cluster.info();
  }

  /** The applied 0.4 admin configuration. */
  adminConfig(): AdminConfig {
    return this.adminConfigValue;
  }

  /** Proposes an admin-config entry; resolves with the configuration once it is applied here. */
  async updateAdminConfig(update: AdminConfigUpdate): Promise<AdminConfig> {
    await this.submit(EntryKind.AdminConfig, adminConfigEntryPayload(update));
    return this.adminConfigValue;
  }

  peerTransport(): PeerTransport {
    return this.transport;
  }

  selfStats(): SelfStatsFacts {
    const started = rfc3339Nano(this.startedAt);
    const state = this.node.raft.state;
    const counts = this.transport.stats();
    const lead = this.node.raft.lead;
    const leaderStart = this.leaderSince > 0 ? this.leaderSince : this.leaderKnownSince > 0 ? this.leaderKnownSince : this.startedAt;
    return {
      name: this.config.name,
      id: this.memberId,
      state: state === StateType.Leader ? 'StateLeader' : state === StateType.Candidate ? 'StateCandidate'
        : state === StateType.PreCandidate ? 'StatePreCandidate' : 'StateFollower',
      startTime: started,
      leaderInfo: {
        leader: lead === 0n ? '' : idToHex(lead),
        uptime: goDuration(this.clock.now() - leaderStart),
        startTime: rfc3339Nano(leaderStart),
      },
      recvAppendRequestCnt: counts.recvAppendRequestCnt,
      sendAppendRequestCnt: counts.sendAppendRequestCnt,
      // As etcd: a follower reports what it receives from the leader, the leader what it sends.
      ...(state === StateType.Leader
        ? { sendPkgRate: counts.sendPkgRate, sendBandwidthRate: counts.sendBandwidthRate }
        : { recvPkgRate: counts.recvPkgRate, recvBandwidthRate: counts.recvBandwidthRate }),
    };
  }

  leaderStats(): LeaderStatsFacts | null {
    if (this.node.raft.state !== StateType.Leader) return null;
    const followers: Record<string, FollowerStats> = {};
    for (const [id, stats] of this.transport.followerStats()) followers[idToHex(id)] = stats;
    return { leader: this.memberId, followers };
  }

  /** Saves the store as a snapshot at the applied index and compacts the log behind it. */
  private async snapshot(): Promise<void> {
    if (this.snapshotting || this.stopped) return;
    this.snapshotting = true;
    let saved = false;
    try {
      const index = this.appliedIndex;
      const confState = this.confState;
      const term = this.storage.term(index);
      const cluster = Membership.fromJSON(this.cluster.toJSON()); // changed in place by conf changes
      const adminConfig = this.adminConfigValue;
      const began = this.clock.now();
      // The store is encoded, and the file built, a slice at a time between turns of the event loop,
      // so client requests and Raft messages keep flowing while a large store is saved; writes
      // applied meanwhile do not show in it (the store keeps the earlier image of what they change).
      const save = this.store.beginSave();
      while (!save.step(SNAPSHOT_SLICE_NODES)) {
        if (!(await this.nextSlice())) return;
      }
      // Parts of the store that an earlier snapshot file holds are referred to, not written again.
      const parts = snapshotDataParts(cluster, save.parts(), adminConfig);
      const file = new SnapshotFileBuilder(
        { index, term, confState: toSnapConfState(confState) },
        parts,
        { immutableParts: true, locate: this.snapshotter.planReuse(parts) },
      );
      while (!file.step(SNAPSHOT_SLICE_BYTES)) {
        if (!(await this.nextSlice())) return;
      }
      this.metrics.snapSaveMarshalling.observe((this.clock.now() - began) / 1000);
      // A snapshot received from the leader meanwhile may already cover this index.
      if (this.storage.snapshot().metadata.index >= index) return;
      this.storage.createSnapshot(index, confState, () => file.data);
      await this.snapshotter.saveBuilt(term, index, file);
      this.metrics.snapSaveTotal.observe((this.clock.now() - began) / 1000);
      await this.wal.saveSnapshot({ index, term });
      this.snapshotIndex = index;
      const compactTo = index - (this.options.snapshotCatchUpEntries ?? CATCH_UP_ENTRIES);
      if (compactTo > this.storage.firstIndex()) this.storage.compact(compactTo);
      await this.wal.releaseTo(index);
      await this.snapshotter.purge(5);
      this.log.info('etcdserver', `saved snapshot at index ${index}`);
      saved = true;
    } catch (err) {
      this.log.error('etcdserver', `snapshot failed: ${(err as Error).message}`);
    } finally {
      this.snapshotting = false;
    }
    // Entries applied while this one was saved may have made the next one due already; no later
    // apply may come to notice it. (After a failure the next apply tries again, not a loop here.)
    if (saved && !this.stopped && this.snapshotDue()) void this.snapshot();
  }

  /** Waits one turn of the event loop; false when the server stopped meanwhile. */
  private async nextSlice(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return !this.stopped;
  }

  private fatal(err: unknown): void {
    this.log.fatal('etcdserver', `write-ahead log failed: ${(err as Error)?.message ?? String(err)}`);
    process.exit(1);
  }

  /** Stops the loop, fails what is still waiting, and closes the log and the transport. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.readyDone;
    const err = stoppedError();
    this.waits.rejectAll(err);
    for (const b of [...this.readsInFlight, ...(this.readBatch ? [this.readBatch] : [])]) for (const w of b.waiters) w.reject(err);
    await this.transport.stop();
    await this.wal.close();
  }
}

const UNREACHABLE = 10;
function unreachableMessage(peer: bigint): Message {
  return {
    type: UNREACHABLE, to: 0n, from: peer, term: 0, logTerm: 0, index: 0, entries: [], commit: 0,
    snapshot: null, reject: false, rejectHint: 0, context: null,
  };
}

function toSnapConfState(cs: ConfState): { voters: bigint[]; learners: bigint[] } {
  return { voters: [...cs.voters], learners: [...(cs.learners ?? [])] };
}

function parseMemberId(hex: string): bigint | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
  return BigInt('0x' + hex);
}

function confChangeRequestId(context: Uint8Array): bigint | null {
  if (context.length === 0) return null;
  try {
    const json = JSON.parse(Buffer.from(context.buffer, context.byteOffset, context.byteLength).toString('utf8')) as { reqId?: string };
    return json.reqId ? BigInt(json.reqId) : null;
  } catch {
    return null;
  }
}

// ---- the three ways a member starts ----

async function restartMember(walDir: string, snapshotter: Snapshotter, log: ServerLog, walOptions?: WalOptions): Promise<Boot> {
  // Only a snapshot the log has a marker for can be continued from: a crash between writing a
  // snapshot file and its marker leaves a newer file the log knows nothing of.
  const reads = rememberingReads(walOptions?.io ?? nodeFileIo);
  const markers = Wal.snapshotMarkers(walDir, { io: reads.io });
  const loaded = await snapshotter.loadNewest((m) => markers.some((w) => w.index === m.index && w.term === m.term));
  for (const b of loaded.broken) log.warn('etcdserver', `skipped damaged snapshot ${b.file}: ${b.reason}`);
  const snap = loaded.snapshot;
  const storage = new MemoryStorage();
  let store = new Store();
  let membership = new Membership();
  let adminConfig: AdminConfig = DEFAULT_ADMIN_CONFIG;
  let confState: ConfState = { voters: [] };
  if (snap) {
    const decoded = decodeSnapshotData(snap.data);
    store = Store.recover(decoded.store);
    membership = decoded.membership;
    adminConfig = decoded.adminConfig;
    confState = { voters: [...snap.confState.voters], learners: [...snap.confState.learners] };
    storage.applySnapshot({ data: snap.data, metadata: { index: snap.index, term: snap.term, confState } });
  }
  const marker = snap ? { index: snap.index, term: snap.term } : { index: 0, term: 0 };
  let opened: OpenedWal;
  try {
    opened = await Wal.open(walDir, marker, { ...walOptions, io: reads.io });
  } finally {
    reads.forget();
  }
  const identity = JSON.parse(Buffer.from(opened.metadata).toString('utf8')) as Identity;
  // The commit index is written only alongside entries, so it may lag the snapshot; the snapshot
  // itself proves everything up to its index was committed.
  const hardState = { ...opened.hardState, commit: Math.max(opened.hardState.commit, marker.index) };
  storage.setHardState(hardState);
  storage.append(opened.entries.filter((e) => e.index > marker.index) as Entry[]);
  // Membership before the snapshot is in the snapshot; conf changes after it are re-applied from
  // the log, but the transport needs to know the peers from the start.
  for (const e of opened.entries) {
    if (e.index <= marker.index || e.type !== EntryType.ConfChange) continue;
    const cc = decodeConfChange(e.data);
    if (cc.type === ConfChangeType.AddNode) membership.add(cc.nodeId, decodeMemberAttributes(cc.context));
  }
  log.info('etcdserver', `restarting member ${identity.memberId} in cluster ${identity.clusterId} at commit index ${hardState.commit}`);
  return {
    identity, wal: opened.wal, storage, store, membership, adminConfig, confState,
    applied: marker.index, snapshotIndex: marker.index,
    replayTo: Math.min(hardState.commit, storage.lastIndex()),
  };
}

async function bootstrapCluster(config: ServerConfig, walDir: string, log: ServerLog, walOptions?: WalOptions): Promise<Boot> {
  const members = [...config.initialCluster].map(([name, urls]) => ({ name, urls, id: memberIdFor(urls, config.initialClusterToken) }));
  members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const self = members.find((m) => m.name === config.name);
  if (!self) throw new Error(`couldn't find local name "${config.name}" in the initial cluster configuration`);
  const advertised = config.initialAdvertisePeerUrls.map((u) => u.href.replace(/\/$/, '')).sort();
  if (JSON.stringify([...self.urls].sort()) !== JSON.stringify(advertised)) {
    throw new Error(`--initial-cluster has ${config.name}=${self.urls.join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')}`);
  }
  const clusterId = clusterIdFor(members.map((m) => m.id));
  const identity: Identity = { memberId: idToHex(self.id), clusterId: idToHex(clusterId), name: config.name, peerURLs: self.urls };
  const entries: Entry[] = members.map((m, i) => ({
    term: 1,
    index: i + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange({ type: ConfChangeType.AddNode, nodeId: m.id, context: encodeMemberAttributes({ name: m.name, peerURLs: m.urls }) }),
  }));
  const hardState = { term: 1, vote: 0n, commit: entries.length };
  mkdirSync(walDir, { recursive: true });
  const wal = await Wal.create(walDir, Buffer.from(JSON.stringify(identity)), walOptions);
  await wal.save(hardState, entries);
  const storage = new MemoryStorage();
  storage.setHardState(hardState);
  storage.append(entries);
  const membership = new Membership();
  for (const m of members) membership.add(m.id, { name: m.name, peerURLs: m.urls });
  log.info('etcdserver', `starting member ${identity.memberId} in cluster ${identity.clusterId}`);
  return {
    identity, wal, storage, store: new Store(), membership, confState: { voters: [] },
    applied: 0, snapshotIndex: 0, replayTo: entries.length,
  };
}

async function joinCluster(config: ServerConfig, walDir: string, options: ServerOptions, log: ServerLog): Promise<Boot> {
  const myUrls = config.initialAdvertisePeerUrls.map((u) => u.href.replace(/\/$/, ''));
  const fetchMembers = options.fetchMembers ?? fetchPeerMembers;
  const others = [...config.initialCluster].filter(([name]) => name !== config.name).flatMap(([, urls]) => urls);
  const attempts = config.joinByPeers ? JOIN_ATTEMPTS : 1;
  let found: Awaited<ReturnType<typeof fetchPeerMembers>> | null = null;
  let me: Awaited<ReturnType<typeof fetchPeerMembers>>['members'][number] | undefined;
  const errors: string[] = [];
  for (let attempt = 1; attempt <= attempts && !me; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, JOIN_RETRY_MS));
    found = null;
    for (const url of others) {
      try {
        found = await fetchMembers(url);
        break;
      } catch (err) {
        errors.push(`${url}: ${(err as Error).message}`);
      }
    }
    if (!found) continue;
    me = found.members.find((m) => m.peerURLs.some((u) => myUrls.includes(u)));
    if (me || !config.joinByPeers) break;
    // 0.4 style: ask the cluster to add this member, then read the member list again.
    const clientURLs = found.members.flatMap((m) => m.clientURLs);
    const addMember = options.addMember ?? postMember;
    for (const url of clientURLs) {
      try {
        await addMember(url, myUrls);
        log.info('etcdserver', `asked ${url} to add this member with peer URLs ${myUrls.join(',')}`);
        break;
      } catch (err) {
        errors.push(`${url}: ${(err as Error).message}`);
      }
    }
  }
  if (!found) throw new Error(`cannot fetch cluster info from peer urls: ${errors.join('; ') || 'no other member in --initial-cluster'}`);
  if (!me) throw new Error(`member with peer URLs ${myUrls.join(',')} has not been added to the cluster (add it with POST /v2/members first)${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`);
  const identity: Identity = { memberId: me.id, clusterId: found.clusterId, name: config.name, peerURLs: myUrls };
  mkdirSync(walDir, { recursive: true });
  const wal = await Wal.create(walDir, Buffer.from(JSON.stringify(identity)), options.wal);
  const membership = new Membership();
  for (const m of found.members) {
    membership.add(BigInt('0x' + m.id), { name: m.name, peerURLs: m.peerURLs });
    membership.publish(BigInt('0x' + m.id), m.name, m.clientURLs);
  }
  log.info('etcdserver', `joining cluster ${identity.clusterId} as member ${identity.memberId}`);
  return {
    identity, wal, storage: new MemoryStorage(), store: new Store(), membership, confState: { voters: [] },
    applied: 0, snapshotIndex: 0, replayTo: 0,
  };
}

/** POST <client>/v2/members: asks a running cluster to add a member with these peer URLs. */
async function postMember(clientURL: string, peerURLs: readonly string[]): Promise<void> {
  const res = await fetch(`${clientURL}/v2/members`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ peerURLs }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /v2/members answered ${res.status}: ${text.trim()}`);
}

/** GET <peer>/members: the cluster ID from the header and the members with numeric IDs. */
async function fetchPeerMembers(peerURL: string): Promise<{ clusterId: string; members: { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[] }> {
  const res = await fetch(`${peerURL}/members`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  const clusterId = res.headers.get('x-etcd-cluster-id') ?? '';
  const text = await res.text();
  // IDs are uint64 numbers: read them as text so no precision is lost.
  const withStrings = text.replace(/"id":(\d+)/g, '"id":"$1"');
  const list = JSON.parse(withStrings) as { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[];
  return { clusterId, members: list.map((m) => ({ ...m, id: BigInt(m.id).toString(16) })) };
}
