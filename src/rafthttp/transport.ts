/**
 * The peer transport: carries Raft messages between the members of one cluster over HTTP(S) on the
 * peer port. One outbound stream per peer keeps messages in order; snapshots travel in requests of
 * their own. Requests from another cluster or from members this one does not know are refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { MessageType, type Message } from '../raft/messages.js';
import { Backoff } from './backoff.js';
import type { FollowerStatsView } from './follower-stats.js';
import { InboundStream } from './inbound-stream.js';
import { decodeMessage } from './message-codec.js';
import { checkPeerRequest, idToHex, peerRequestHeaders } from './peer-headers.js';
import { PeerDialer, type PeerTlsFiles } from './peer-dialer.js';
import { PeerStream, STREAM_PATH } from './peer-stream.js';
import { RoundTripTracker } from './round-trip-tracker.js';
import { sendSnapshot, SNAPSHOT_PATH } from './snapshot-sender.js';
import { RateWindow } from './rate-window.js';
import { emptyCounters, type PeerCounters, type TransportCounters } from './transport-counters.js';

export interface RaftReceiver {
  /** A message from a peer, to be stepped into the local Raft node. */
  process(msg: Message): void;
  /** The transport gave up delivering to this peer for now (raft: MsgUnreachable). */
  reportUnreachable(id: bigint): void;
  /** Nothing listens at the peer's address any more: its process is gone (see `PeerStreamOptions.onRefused`). */
  reportPeerDown(id: bigint): void;
  /** Outcome of sending a snapshot (raft: MsgSnapStatus). */
  reportSnapshot(id: bigint, ok: boolean): void;
}

export interface TransportOptions {
  memberId: bigint;
  clusterId: bigint;
  receiver: RaftReceiver;
  /** Peer TLS; the same files are used to dial peers. */
  tls?: PeerTlsFiles;
  /** Frames (messages) larger than this are refused; snapshots are streamed separately. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Largest snapshot accepted. Default 4 GiB. */
  maxSnapshotBytes?: number;
  /** Clock for stats and `activeSince`, in ms. Default: wall-clock ms with a fraction. */
  now?: () => number;
  /** Random numbers in [0, 1) for the reconnection jitter. Default Math.random. */
  random?: () => number;
  /** First and largest delay between reconnection attempts (ms). Default 50 and 2000. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long a stream may take to be accepted (ms). Default 2000. */
  dialTimeoutMs?: number;
  /** An idle stream says it is alive this often (ms). Default 1000. */
  keepaliveMs?: number;
  /** A stream on which nothing is heard for this long is closed and dialled again (ms). Default 5000. */
  idleTimeoutMs?: number;
  /** How long a snapshot may take to be delivered (ms). Default 10 minutes. */
  snapshotTimeoutMs?: number;
  /** Bytes of messages allowed to wait for one peer's stream. Default 64 MiB. */
  maxQueueBytes?: number;
  /** Members removed from the cluster: their requests are answered 410 Gone rather than 403. */
  isRemoved?: (id: bigint) => boolean;
  /** A peer answered 410 Gone: this member was removed from the cluster (etcd then stops). Called once. */
  onRemovedFromCluster?: () => void;
  /** Told each heartbeat round trip to a peer, in seconds (for the round-trip metric). */
  onRoundTrip?: (peer: bigint, seconds: number) => void;
  /** Where the transport logs refusals and lost peers. Default stderr. */
  log?: (line: string) => void;
}

export interface TransportStats extends TransportCounters {
  /** Messages and bytes per second written to peers and received from them, over the last second. */
  sendPkgRate: number;
  sendBandwidthRate: number;
  recvPkgRate: number;
  recvBandwidthRate: number;
}

interface Peer {
  id: bigint;
  urls: readonly string[];
  stream: PeerStream;
  tracker: RoundTripTracker;
  lastHeard: number | null;
  /** What `peerCounters` reports for this peer. */
  counts: { sentBytes: number; receivedBytes: number; sentFailures: number; receivedFailures: number; disconnects: number };
}

const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024 * 1024;

export class Transport {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  private readonly receiver: RaftReceiver;
  private readonly dialer: PeerDialer;
  private readonly maxMessageBytes: number;
  private readonly maxSnapshotBytes: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private readonly opts: TransportOptions;
  private readonly requireClientCert: boolean;
  private readonly peers = new Map<bigint, Peer>();
  private readonly inbound = new Map<bigint, Set<InboundStream>>();
  private readonly counters = emptyCounters();
  private readonly sendRate = new RateWindow();
  private readonly recvRate = new RateWindow();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private removedReported = false;
  /** Unknown destinations already logged, so a stream of messages to one logs once. */
  private readonly warnedUnknown = new Set<bigint>();
  /** Peers some message to which was dropped during the current `send` call: told once, at its end. */
  private droppedDuringSend: Set<bigint> | null = null;
  private inSend = false;

  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.memberId = opts.memberId;
    this.clusterId = opts.clusterId;
    this.receiver = opts.receiver;
    this.dialer = new PeerDialer(opts.tls);
    this.requireClientCert = opts.tls?.clientCertAuth ?? false;
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxSnapshotBytes = opts.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
    this.now = opts.now ?? (() => performance.timeOrigin + performance.now());
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? ((line) => process.stderr.write(`rafthttp: ${line}\n`));
  }

  addPeer(id: bigint, urls: readonly string[]): void {
    if (this.stopped || id === this.memberId || this.peers.has(id)) return;
    this.warnedUnknown.delete(id);
    const peer: Peer = {
      id, urls: [...urls], tracker: new RoundTripTracker(), lastHeard: null,
      counts: { sentBytes: 0, receivedBytes: 0, sentFailures: 0, receivedFailures: 0, disconnects: 0 },
      stream: undefined as unknown as PeerStream,
    };
    this.peers.set(id, peer);
    peer.stream = new PeerStream({
      localId: this.memberId,
      peerId: id,
      clusterId: this.clusterId,
      dialer: this.dialer,
      urls: () => peer.urls,
      backoff: new Backoff({
        baseMs: this.opts.backoffBaseMs ?? 50,
        maxMs: this.opts.backoffMaxMs ?? 2000,
        jitter: 0.5,
        random: this.random,
      }),
      setTimer: (fn, ms) => this.setTimer(fn, ms),
      dialTimeoutMs: this.opts.dialTimeoutMs ?? 2000,
      keepaliveMs: this.opts.keepaliveMs ?? 1000,
      idleTimeoutMs: this.opts.idleTimeoutMs ?? 5000,
      maxMessageBytes: this.maxMessageBytes,
      maxQueueBytes: this.opts.maxQueueBytes ?? 64 * 1024 * 1024,
      onWritten: (messages, bytes) => this.written(peer, messages, bytes),
      onDropped: (messages) => this.dropped(peer, messages.length),
      onOpen: () => {},
      onRemoved: () => this.removedFromCluster(peer.id),
      onBroken: () => {
        peer.counts.disconnects++;
        this.dropped(peer, 0);
      },
      onRefused: () => { if (!this.stopped) this.receiver.reportPeerDown(peer.id); },
      log: this.log,
    });
  }

  removePeer(id: bigint): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    this.peers.delete(id);
    peer.stream.stop();
    for (const s of this.inbound.get(id) ?? []) s.close();
    this.inbound.delete(id);
  }

  updatePeer(id: bigint, urls: readonly string[]): void {
    const peer = this.peers.get(id);
    if (!peer) {
      this.addPeer(id, urls);
      return;
    }
    const current = peer.stream.currentUrl();
    peer.urls = [...urls];
    if (current === null || !urls.includes(current)) peer.stream.reconnect();
  }

  /** Non-blocking: each peer's messages (msg.to) of one call go out in one write, started before send returns. */
  send(messages: readonly Message[]): void {
    if (this.stopped) return;
    this.inSend = true;
    const touched = new Set<PeerStream>();
    try {
      for (const m of messages) {
        const peer = this.peers.get(m.to);
        if (!peer) {
          if (!this.warnedUnknown.has(m.to)) {
            this.warnedUnknown.add(m.to);
            this.log(`ignored messages to unknown member ${idToHex(m.to)}`);
          }
          continue;
        }
        if (m.type === MessageType.Snap) {
          this.sendSnapshotTo(peer, m);
          continue;
        }
        if (peer.stream.enqueue(m)) touched.add(peer.stream);
        else this.dropped(peer, 1);
      }
      for (const stream of touched) stream.flush();
    } finally {
      this.inSend = false;
    }
    const dropped = this.droppedDuringSend;
    if (dropped) {
      this.droppedDuringSend = null;
      for (const id of dropped) this.receiver.reportUnreachable(id);
    }
  }

  /**
   * Serves the transport's paths on the peer port (POST /raft/stream, POST /raft/snapshot).
   * Returns false for any other path, so the caller can serve it.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== STREAM_PATH && path !== SNAPSHOT_PATH && !path.startsWith('/raft/')) return false;
    if (path !== STREAM_PATH && path !== SNAPSHOT_PATH) {
      this.refuse(req, res, 404, `no transport path ${path}`);
      return true;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      this.refuse(req, res, 405, 'method not allowed');
      return true;
    }
    if (this.stopped) {
      this.refuse(req, res, 503, 'transport stopped');
      return true;
    }
    if (this.requireClientCert && !(req.socket as TLSSocket).authorized) {
      this.refuse(req, res, 403, 'peer presented no valid client certificate');
      return true;
    }
    const check = checkPeerRequest(req, {
      memberId: this.memberId, clusterId: this.clusterId, knows: (id) => this.peers.has(id),
      removed: (id) => this.opts.isRemoved?.(id) ?? false,
    });
    if (!check.ok) {
      this.log(`refused ${path} from ${req.socket.remoteAddress ?? '?'}: ${check.reason}`);
      this.refuse(req, res, check.status, check.reason);
      return true;
    }
    if (path === STREAM_PATH) this.acceptStream(check.from, req, res);
    else this.acceptSnapshot(check.from, req, res);
    return true;
  }

  followerStats(): Map<bigint, FollowerStatsView> {
    const out = new Map<bigint, FollowerStatsView>();
    for (const [id, peer] of this.peers) out.set(id, peer.tracker.stats.view());
    return out;
  }

  /** When this member last heard from the peer (ms, by the injected clock), or null. */
  activeSince(id: bigint): number | null {
    return this.peers.get(id)?.lastHeard ?? null;
  }

  activePeerCount(): number {
    let n = 0;
    for (const peer of this.peers.values()) if (peer.stream.state === 'open') n++;
    return n;
  }

  /** Bytes and failures per peer, and whether its stream is connected (for metrics). */
  peerCounters(): Map<bigint, PeerCounters> {
    const out = new Map<bigint, PeerCounters>();
    for (const [id, peer] of this.peers) out.set(id, { ...peer.counts, connected: peer.stream.state === 'open' });
    return out;
  }

  /** Whether the outbound stream to the peer is connected. */
  isConnected(id: bigint): boolean {
    return this.peers.get(id)?.stream.state === 'open';
  }

  stats(): TransportStats {
    const now = this.now();
    const sent = this.sendRate.rate(now);
    const received = this.recvRate.rate(now);
    return {
      ...this.counters,
      sendPkgRate: sent.messages, sendBandwidthRate: sent.bytes,
      recvPkgRate: received.messages, recvBandwidthRate: received.bytes,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const peer of this.peers.values()) peer.stream.stop();
    for (const set of this.inbound.values()) for (const s of set) s.close();
    this.inbound.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dialer.close();
  }

  private removedFromCluster(by: bigint): void {
    if (this.removedReported || this.stopped) return;
    this.removedReported = true;
    this.log(`peer ${idToHex(by)} says this member (${idToHex(this.memberId)}) was removed from the cluster`);
    this.opts.onRemovedFromCluster?.();
  }

  private setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(reason + '\n');
    // Whatever body the peer is sending is of no interest.
    req.resume();
  }

  private acceptStream(from: bigint, req: IncomingMessage, res: ServerResponse): void {
    let set = this.inbound.get(from);
    if (!set) {
      set = new Set();
      this.inbound.set(from, set);
    }
    const streams = set;
    // A new stream from a peer replaces the old one, which the peer has given up on.
    for (const old of streams) old.close();
    const peer = this.peers.get(from);
    const stream: InboundStream = new InboundStream(req, res, {
      maxMessageBytes: this.maxMessageBytes,
      keepaliveMs: this.opts.keepaliveMs ?? 1000,
      idleTimeoutMs: this.opts.idleTimeoutMs ?? 5000,
      onBytes: (bytes) => {
        this.counters.recvBytes += bytes;
        const now = this.now();
        this.recvRate.record(0, bytes, now);
        if (peer) {
          peer.lastHeard = now;
          peer.counts.receivedBytes += bytes;
        }
      },
      onMessage: (m) => this.deliver(m),
      onFault: (reason) => {
        if (peer) peer.counts.receivedFailures++;
        this.log(`closed the stream from ${idToHex(from)}: ${reason}`);
      },
      onClose: () => streams.delete(stream),
    });
    streams.add(stream);
    peer?.stream.retryNow();
  }

  private acceptSnapshot(from: bigint, req: IncomingMessage, res: ServerResponse): void {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.maxSnapshotBytes) {
      this.log(`refused a ${declared}-byte snapshot from ${idToHex(from)}: over the ${this.maxSnapshotBytes}-byte limit`);
      this.refuse(req, res, 413, 'snapshot too large');
      return;
    }
    // With a declared length the body is copied into its place as it arrives: one buffer, one copy.
    let body: Buffer | null = Number.isFinite(declared) ? Buffer.allocUnsafe(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      if (size + chunk.length > (body ? body.length : this.maxSnapshotBytes)) {
        failed = true;
        this.receiveFailed(from);
        this.log(`refused a snapshot from ${idToHex(from)}: longer than ${body ? 'declared' : 'the limit'}`);
        this.refuse(req, res, 413, 'snapshot too large');
        return;
      }
      if (body) chunk.copy(body, size);
      else chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      if (failed) return;
      this.counters.recvBytes += size;
      this.recvRate.record(0, size, this.now());
      const peer = this.peers.get(from);
      if (peer) {
        peer.lastHeard = this.now();
        peer.counts.receivedBytes += size;
      }
      if (!body) body = Buffer.concat(chunks, size);
      let m: Message;
      try {
        m = decodeMessage(body.subarray(0, size));
      } catch (err) {
        this.receiveFailed(from);
        this.log(`bad snapshot from ${idToHex(from)}: ${(err as Error).message}`);
        this.refuse(req, res, 400, 'bad snapshot message');
        return;
      }
      if (m.type !== MessageType.Snap || !m.snapshot) {
        this.receiveFailed(from);
        this.refuse(req, res, 400, 'not a snapshot message');
        return;
      }
      this.deliver(m);
      res.writeHead(204);
      res.end();
    });
  }

  private deliver(m: Message): void {
    if (this.stopped || m.to !== this.memberId) return;
    this.counters.recvMessages++;
    this.recvRate.record(1, 0, this.now());
    const peer = this.peers.get(m.from);
    if (m.type === MessageType.App) this.counters.recvAppendRequestCnt++;
    else if (peer && m.type === MessageType.HeartbeatResp) {
      const rtt = peer.tracker.heartbeatAnswered(this.now());
      if (rtt !== null) this.opts.onRoundTrip?.(peer.id, rtt / 1000);
    }
    else if (peer && m.type === MessageType.AppResp) peer.tracker.appendAnswered(m.index, m.reject, this.now());
    try {
      this.receiver.process(m);
    } catch (err) {
      this.log(`processing a message from ${idToHex(m.from)} failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private receiveFailed(from: bigint): void {
    const peer = this.peers.get(from);
    if (peer) peer.counts.receivedFailures++;
  }

  private written(peer: Peer, messages: readonly Message[], bytes: number): void {
    this.counters.sendBytes += bytes;
    peer.counts.sentBytes += bytes;
    this.counters.sendMessages += messages.length;
    const now = this.now();
    this.sendRate.record(messages.length, bytes, now);
    for (const m of messages) {
      if (m.type === MessageType.App) {
        this.counters.sendAppendRequestCnt++;
        if (m.entries.length > 0) peer.tracker.appendSent(m.entries[m.entries.length - 1].index, now);
      } else if (m.type === MessageType.Heartbeat) {
        peer.tracker.heartbeatSent(now);
      }
    }
  }

  private dropped(peer: Peer, count: number): void {
    if (this.stopped) return;
    this.counters.droppedMessages += count;
    peer.counts.sentFailures += count;
    peer.tracker.sendFailed();
    if (this.inSend) (this.droppedDuringSend ??= new Set()).add(peer.id);
    else this.receiver.reportUnreachable(peer.id);
  }

  private sendSnapshotTo(peer: Peer, m: Message): void {
    const url = peer.stream.currentUrl();
    if (url === null) {
      this.receiver.reportSnapshot(peer.id, false);
      return;
    }
    const headers = peerRequestHeaders(this.memberId, peer.id, this.clusterId);
    void sendSnapshot(this.dialer, url, headers, m, this.opts.snapshotTimeoutMs ?? 600_000).then((outcome) => {
      if (this.stopped) return;
      if (outcome.ok) {
        this.counters.sendBytes += outcome.bytes;
        peer.counts.sentBytes += outcome.bytes;
        this.counters.sendMessages++;
        this.sendRate.record(1, outcome.bytes, this.now());
      } else {
        peer.counts.sentFailures++;
        this.log(`snapshot to ${idToHex(peer.id)} at ${url} failed: ${outcome.reason}`);
        this.receiver.reportUnreachable(peer.id);
      }
      this.receiver.reportSnapshot(peer.id, outcome.ok);
    });
  }
}
