/**
 * An in-memory network of peer transports for in-process cluster tests. Every message is encoded
 * and decoded with the real peer codec (so members never share objects) and delivered on a later
 * turn of the event loop. Links can be cut one way or both ways, and a member can be isolated; a
 * message over a cut link is dropped and its sender told the peer is unreachable, as the real
 * transport does.
 */
import type { FollowerStats } from '../../src/api/v2http/server-face.js';
import type { PeerTransport, PeerTransportFactory, RaftReceiver } from '../../src/etcdserver/peer-transport.js';
import { MessageType, type Message } from '../../src/raft/index.js';
import { decodeMessage, encodeMessage } from '../../src/rafthttp/index.js';

export class MemoryNetwork {
  private readonly members = new Map<bigint, MemoryTransport>();
  /** Cut links as `from>to` (hex IDs). */
  private readonly cut = new Set<string>();
  /** Every message delivered, by type, for assertions. */
  readonly delivered = new Map<number, number>();

  /** The factory an `EtcdServer` is started with. */
  readonly factory: PeerTransportFactory = ({ memberId, receiver }) => {
    const t = new MemoryTransport(this, memberId, receiver);
    this.members.set(memberId, t);
    return t;
  };

  /** Drops messages from `from` to `to` (one way) until healed. */
  cutOneWay(from: bigint, to: bigint): void {
    this.cut.add(`${from.toString(16)}>${to.toString(16)}`);
  }

  /** Cuts every link to and from `id`. */
  isolate(id: bigint, others: readonly bigint[]): void {
    for (const o of others) {
      if (o === id) continue;
      this.cutOneWay(id, o);
      this.cutOneWay(o, id);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  isCut(from: bigint, to: bigint): boolean {
    return this.cut.has(`${from.toString(16)}>${to.toString(16)}`);
  }

  /** The live transport of a member (the newest one, after a restart). */
  member(id: bigint): MemoryTransport | undefined {
    return this.members.get(id);
  }

  detach(t: MemoryTransport): void {
    if (this.members.get(t.memberId) === t) this.members.delete(t.memberId);
  }

  /** Delivers on a later turn; false when the link is cut or nobody listens there. */
  route(from: MemoryTransport, m: Message): boolean {
    if (this.isCut(from.memberId, m.to)) return false;
    const target = this.members.get(m.to);
    if (!target || !target.knows(from.memberId)) return false;
    const copy = decodeMessage(encodeMessage(m));
    setImmediate(() => {
      // Checked again: the link may have been cut, or the member stopped, meanwhile.
      if (this.isCut(from.memberId, copy.to) || this.members.get(copy.to) !== target) return;
      this.delivered.set(copy.type, (this.delivered.get(copy.type) ?? 0) + 1);
      target.receive(copy);
      if (copy.type === MessageType.Snap) from.snapshotDelivered(copy.to);
    });
    return true;
  }
}

export class MemoryTransport implements PeerTransport {
  private readonly peers = new Map<bigint, readonly string[]>();
  private stopped = false;
  private recvAppend = 0;
  private sendAppend = 0;
  private readonly lastHeard = new Map<bigint, number>();

  constructor(
    private readonly network: MemoryNetwork,
    readonly memberId: bigint,
    private readonly receiver: RaftReceiver,
  ) {}

  knows(id: bigint): boolean {
    return this.peers.has(id);
  }

  addPeer(id: bigint, urls: readonly string[]): void {
    if (id !== this.memberId) this.peers.set(id, [...urls]);
  }

  removePeer(id: bigint): void {
    this.peers.delete(id);
  }

  updatePeer(id: bigint, urls: readonly string[]): void {
    this.addPeer(id, urls);
  }

  send(messages: readonly Message[]): void {
    if (this.stopped) return;
    const unreachable = new Set<bigint>();
    for (const m of messages) {
      if (!this.peers.has(m.to)) continue;
      if (m.type === MessageType.App) this.sendAppend++;
      if (!this.network.route(this, m)) {
        if (m.type === MessageType.Snap) this.receiver.reportSnapshot(m.to, false);
        unreachable.add(m.to);
      }
    }
    for (const id of unreachable) this.receiver.reportUnreachable(id);
  }

  receive(m: Message): void {
    if (this.stopped) return;
    if (m.type === MessageType.App) this.recvAppend++;
    this.lastHeard.set(m.from, performance.timeOrigin + performance.now());
    this.receiver.process(m);
  }

  snapshotDelivered(to: bigint): void {
    if (!this.stopped) this.receiver.reportSnapshot(to, true);
  }

  handle(): boolean {
    return false;
  }

  activeSince(id: bigint): number | null {
    return this.lastHeard.get(id) ?? null;
  }

  activePeerCount(): number {
    return this.stopped ? 0 : this.peers.size;
  }

  followerStats(): Map<bigint, FollowerStats> {
    const out = new Map<bigint, FollowerStats>();
    for (const id of this.peers.keys()) {
      out.set(id, { latency: { current: 0, average: 0, standardDeviation: 0, minimum: 0, maximum: 0 }, counts: { fail: 0, success: 0 } });
    }
    return out;
  }

  stats(): { recvAppendRequestCnt: number; sendAppendRequestCnt: number } {
    return { recvAppendRequestCnt: this.recvAppend, sendAppendRequestCnt: this.sendAppend };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.network.detach(this);
  }
}
