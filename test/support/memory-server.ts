/**
 * An in-memory `ServerFace` for tests of the client-port handler: proposals apply at once, a 500 ms
 * timer proposes the expiry sweep when a TTL is due, the raft index counts applied requests and the
 * term is always 1. Not durable; single member, always the leader.
 */
import { createHash } from 'node:crypto';

import {
  MembershipError,
  type LeaderStatsFacts,
  type MemberInfo,
  type MembershipFace,
  type SelfStatsFacts,
  type ServerFace,
} from '../../src/api/v2http/server-face.js';
import { formatExpiration } from '../../src/store/expiration.js';
import type { StoreEvent, StoreRequest } from '../../src/store/request.js';
import { Store } from '../../src/store/store.js';

export interface MemoryServerOptions {
  readonly name?: string;
  readonly memberId?: string;
  readonly clusterId?: string;
  readonly clientURL?: string;
  readonly peerURL?: string;
  /** Expiry sweep period in ms (default 500, as etcd). */
  readonly syncIntervalMs?: number;
}

/** Go's time.Duration text, e.g. `20.754848296s`, `2m30.08s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  const totalNs = Math.round(ms * 1e6);
  if (totalNs === 0) return '0s';
  const h = Math.floor(totalNs / 3.6e12);
  const m = Math.floor((totalNs % 3.6e12) / 6e10);
  const ns = totalNs % 6e10;
  const whole = Math.floor(ns / 1e9);
  let frac = String(ns % 1e9).padStart(9, '0').replace(/0+$/, '');
  frac = frac === '' ? '' : `.${frac}`;
  const seconds = `${whole}${frac}s`;
  if (h > 0) return `${h}h${m}m${seconds}`;
  if (m > 0) return `${m}m${seconds}`;
  return seconds;
}

export class MemoryServer implements ServerFace {
  readonly store = new Store();
  readonly memberId: string;
  readonly clusterId: string;
  readonly name: string;
  clientURL: string;
  peerURL: string;
  private applied = 0;
  /** Members added through the membership API (they never start: no name, no client URLs). */
  private readonly others: MemberInfo[] = [];
  private readonly removed = new Set<string>();
  readonly membership: MembershipFace = {
    addMember: (peerURLs) => {
      const all = [this.peerURL, ...this.others.flatMap((m) => m.peerURLs)];
      if (peerURLs.some((u) => all.includes(u))) return Promise.reject(new MembershipError(409, 'membership: peerURL exists'));
      const id = createHash('sha1').update(peerURLs.join(',')).digest('hex').slice(0, 16).replace(/^0+/, '');
      const member: MemberInfo = { id, name: '', peerURLs: [...peerURLs], clientURLs: [] };
      this.others.push(member);
      return Promise.resolve(member);
    },
    removeMember: (id) => {
      const i = this.others.findIndex((m) => m.id === id);
      if (i === -1) return Promise.reject(new MembershipError(this.removed.has(id) ? 410 : 404, ''));
      this.others.splice(i, 1);
      this.removed.add(id);
      return Promise.resolve();
    },
    updateMember: (id, peerURLs) => {
      const m = this.others.find((x) => x.id === id);
      if (m === undefined) return Promise.reject(new MembershipError(404, ''));
      this.others.splice(this.others.indexOf(m), 1, { ...m, peerURLs: [...peerURLs] });
      return Promise.resolve();
    },
  };
  private readonly startTime = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryServerOptions = {}) {
    this.name = options.name ?? 'default';
    this.memberId = options.memberId ?? '8e9e05c52164694d';
    this.clusterId = options.clusterId ?? 'cdf818194e3a8c32';
    this.clientURL = options.clientURL ?? 'http://127.0.0.1:2379';
    this.peerURL = options.peerURL ?? 'http://127.0.0.1:2380';
    this.timer = setInterval(() => this.sweep(), options.syncIntervalMs ?? 500);
    this.timer.unref();
  }

  /** Applies a write (or a sweep) at once. */
  apply(req: StoreRequest): StoreEvent | StoreEvent[] {
    this.applied++;
    return this.store.apply(req);
  }

  propose(req: StoreRequest): Promise<StoreEvent> {
    try {
      const result = this.apply(req);
      if (Array.isArray(result)) {
        const last = result[result.length - 1];
        return last === undefined ? Promise.reject(new Error('nothing expired')) : Promise.resolve(last);
      }
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  readBarrier(): Promise<void> {
    return Promise.resolve();
  }

  raftIndex(): number {
    return this.applied;
  }

  raftTerm(): number {
    return 1;
  }

  leaderId(): string | null {
    return this.memberId;
  }

  members(): readonly MemberInfo[] {
    return [{ id: this.memberId, name: this.name, peerURLs: [this.peerURL], clientURLs: [this.clientURL] }, ...this.others];
  }

  selfStats(): SelfStatsFacts {
    const start = formatExpiration(this.startTime);
    return {
      name: this.name,
      id: this.memberId,
      state: 'StateLeader',
      startTime: start,
      leaderInfo: { leader: this.memberId, uptime: goDuration(Date.now() - this.startTime), startTime: start },
      recvAppendRequestCnt: 0,
      sendAppendRequestCnt: 0,
    };
  }

  leaderStats(): LeaderStatsFacts | null {
    return { leader: this.memberId, followers: {} };
  }

  /** Proposes the expiry sweep when the earliest TTL is due. */
  sweep(now = Date.now()): void {
    const next = this.store.nextExpiration();
    if (next !== null && next <= now) this.apply({ op: 'sync', time: now });
  }

  close(): void {
    clearInterval(this.timer);
  }
}
