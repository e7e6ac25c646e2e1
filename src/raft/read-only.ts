import type { Message } from './messages.js';

interface ReadIndexStatus {
  /** The original MsgReadIndex (local or forwarded). */
  req: Message;
  /** Commit index when the request arrived: the read may be served once this is applied. */
  index: number;
  acks: Set<bigint>;
}

function contextKey(ctx: Uint8Array): string {
  let s = '';
  for (let i = 0; i < ctx.length; i++) s += String.fromCharCode(ctx[i]!);
  return s;
}

/**
 * Pending ReadIndex requests on a leader (Raft thesis §6.4). Each request remembers the commit
 * index at arrival; it is released once a heartbeat round carrying its context is acknowledged by a
 * quorum, which proves no newer leader existed when the index was taken. Releasing one request also
 * releases all earlier ones.
 */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  addRequest(index: number, m: Message): void {
    const ctx = m.context ?? new Uint8Array(0);
    const key = contextKey(ctx);
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, req: m, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a heartbeat acknowledgement; returns the acks so far for that context. */
  recvAck(id: bigint, ctx: Uint8Array): Set<bigint> | undefined {
    const rs = this.pending.get(contextKey(ctx));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Removes and returns every request up to and including the one with context `ctx`. */
  advance(ctx: Uint8Array): { index: number; req: Message }[] {
    const key = contextKey(ctx);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released: { index: number; req: Message }[] = [];
    for (let i = 0; i <= at; i++) {
      const k = this.queue[i]!;
      const rs = this.pending.get(k);
      if (!rs) throw new Error('read index queue and pending map disagree');
      released.push({ index: rs.index, req: rs.req });
      this.pending.delete(k);
    }
    this.queue = this.queue.slice(at + 1);
    return released;
  }

  lastPendingRequestCtx(): Uint8Array | null {
    if (this.queue.length === 0) return null;
    return this.pending.get(this.queue[this.queue.length - 1]!)!.req.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }

  clear(): void {
    this.pending.clear();
    this.queue = [];
  }
}
