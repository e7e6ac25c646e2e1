/** A tiny synchronous cluster for unit tests: raft cores wired by a message queue, no clock. */
import { MemoryStorage } from '../../../src/raft/memory-storage.js';
import { Raft } from '../../../src/raft/raft.js';
import { MessageType, newMessage, type Message } from '../../../src/raft/messages.js';
import type { RaftConfig, RandomSource } from '../../../src/raft/config.js';

export class FixedRandom implements RandomSource {
  constructor(private value = 0) {}
  intn(n: number): number {
    return this.value % n;
  }
}

export function ids(...n: number[]): bigint[] {
  return n.map((x) => BigInt(x));
}

export function newTestRaft(
  id: number,
  peers: number[],
  opts: Partial<Omit<RaftConfig, 'storage'>> & { storage?: MemoryStorage } = {},
): Raft {
  const storage = opts.storage ?? MemoryStorage.withMembers(ids(...peers));
  return new Raft({
    id: BigInt(id),
    electionTick: 10,
    heartbeatTick: 1,
    random: new FixedRandom(0),
    maxInflightMsgs: 256,
    ...opts,
    storage,
  });
}

/** Writes a core's unstable entries and snapshot to its MemoryStorage, as the application would. */
export function persist(r: Raft): void {
  const storage = r.raftLog.storage as MemoryStorage;
  const snap = r.raftLog.unstable.snapshot;
  if (snap) {
    storage.applySnapshot(snap);
    r.raftLog.stableSnapTo(snap.metadata.index);
  }
  const ents = r.raftLog.unstableEntries();
  if (ents.length > 0) {
    const last = ents[ents.length - 1]!;
    storage.append(ents.slice());
    r.raftLog.stableTo(last.index, last.term);
    r.onStable(last.index, last.term);
  }
  storage.setHardState(r.hardState());
}

export function readMessages(r: Raft): Message[] {
  persist(r);
  return r.takeMessages();
}

export function msg(type: MessageType, from: number, to: number, extra: Partial<Message> = {}): Message {
  return newMessage({ type, from: BigInt(from), to: BigInt(to), ...extra });
}

/** Delivers messages between cores until quiet, with optional dropped links and ignored types. */
export class TestNetwork {
  readonly peers = new Map<bigint, Raft>();
  private readonly dropped = new Set<string>();
  private readonly ignored = new Set<MessageType>();
  readonly delivered: Message[] = [];

  constructor(rafts: Raft[]) {
    for (const r of rafts) this.peers.set(r.id, r);
  }

  static of(n: number, opts: Partial<Omit<RaftConfig, 'storage'>> = {}): TestNetwork {
    const peers = Array.from({ length: n }, (_, i) => i + 1);
    return new TestNetwork(peers.map((id) => newTestRaft(id, peers, opts)));
  }

  get(id: number): Raft {
    return this.peers.get(BigInt(id))!;
  }

  cut(a: number, b: number): void {
    this.dropped.add(`${a}-${b}`);
    this.dropped.add(`${b}-${a}`);
  }

  isolate(a: number): void {
    for (const id of this.peers.keys()) if (Number(id) !== a) this.cut(a, Number(id));
  }

  ignore(t: MessageType): void {
    this.ignored.add(t);
  }

  recover(): void {
    this.dropped.clear();
    this.ignored.clear();
  }

  private filter(ms: Message[]): Message[] {
    return ms.filter((m) => !this.ignored.has(m.type) && !this.dropped.has(`${m.from}-${m.to}`));
  }

  send(...msgs: Message[]): void {
    const queue = [...msgs];
    for (const r of this.peers.values()) queue.push(...this.filter(readMessages(r)));
    let guard = 0;
    while (queue.length > 0) {
      if (++guard > 100000) throw new Error('test network did not settle');
      const m = queue.shift()!;
      const p = this.peers.get(m.to);
      if (!p) continue;
      this.delivered.push(m);
      p.step(m);
      for (const r of this.peers.values()) queue.push(...this.filter(readMessages(r)));
    }
  }

  /** Makes `id` campaign and delivers everything. */
  elect(id: number): void {
    this.send(msg(MessageType.Hup, id, id));
  }

  propose(id: number, text: string): void {
    this.send(
      msg(MessageType.Prop, id, id, { entries: [{ term: 0, index: 0, type: 0, data: new TextEncoder().encode(text) }] }),
    );
  }
}

export function dataOf(r: Raft): string[] {
  return r.raftLog.allEntries().map((e) => `${e.term}:${e.index}:${new TextDecoder().decode(e.data)}`);
}
