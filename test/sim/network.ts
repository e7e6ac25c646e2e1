import type { Message } from '../../src/raft/messages.js';
import type { Prng } from './prng.js';

interface InFlight {
  deliverAt: number;
  seq: number;
  msg: Message;
}

export interface NetworkConditions {
  dropRate: number;
  duplicateRate: number;
  /** Delivery delay in steps, uniform in [0, maxDelay]; different delays reorder messages. */
  maxDelay: number;
}

export const reliableNetwork: NetworkConditions = { dropRate: 0, duplicateRate: 0, maxDelay: 1 };

/**
 * The simulated network: messages wait in flight for a random delay, may be dropped or duplicated,
 * and links can be cut one way (asymmetric partition) or both ways.
 */
export class SimNetwork {
  private inFlight: InFlight[] = [];
  private seq = 0;
  private readonly blocked = new Set<string>();
  conditions: NetworkConditions = reliableNetwork;
  delivered = 0;
  dropped = 0;

  /** `onLost` hears of messages a partition stopped in flight (a transport notices such failures). */
  constructor(
    private readonly rng: Prng,
    private readonly onLost: (m: Message) => void = () => {},
  ) {}

  private static link(from: bigint, to: bigint): string {
    return `${from}>${to}`;
  }

  block(from: bigint, to: bigint): void {
    this.blocked.add(SimNetwork.link(from, to));
  }

  isBlocked(from: bigint, to: bigint): boolean {
    return this.blocked.has(SimNetwork.link(from, to));
  }

  hasPartition(): boolean {
    return this.blocked.size > 0;
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Queues a message; returns false if it was lost at once. */
  send(m: Message, now: number): boolean {
    if (this.isBlocked(m.from, m.to) || this.rng.chance(this.conditions.dropRate)) {
      this.dropped++;
      return false;
    }
    this.inFlight.push({ deliverAt: now + this.rng.intn(this.conditions.maxDelay + 1), seq: this.seq++, msg: m });
    if (this.rng.chance(this.conditions.duplicateRate)) {
      this.inFlight.push({ deliverAt: now + this.rng.intn(this.conditions.maxDelay + 2), seq: this.seq++, msg: m });
    }
    return true;
  }

  /** Removes and returns the messages due at `now`, in delivery order. */
  takeDue(now: number): Message[] {
    if (this.inFlight.length === 0) return [];
    const due: InFlight[] = [];
    const rest: InFlight[] = [];
    for (const f of this.inFlight) (f.deliverAt <= now ? due : rest).push(f);
    if (due.length === 0) return [];
    this.inFlight = rest;
    due.sort((x, y) => x.deliverAt - y.deliverAt || x.seq - y.seq);
    const out: Message[] = [];
    for (const f of due) {
      // A partition that started while the message was in flight also stops it.
      if (this.isBlocked(f.msg.from, f.msg.to)) {
        this.dropped++;
        this.onLost(f.msg);
        continue;
      }
      out.push(f.msg);
    }
    this.delivered += out.length;
    return out;
  }

  pending(): number {
    return this.inFlight.length;
  }
}
