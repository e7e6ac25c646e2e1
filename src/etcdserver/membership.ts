/**
 * The cluster's members as the applied log describes them: raft attributes (peer URLs) come from
 * conf-change entries, published attributes (name, client URLs) from `publish` entries. Removed IDs
 * are remembered so a removed member is never let back in.
 */
import type { MemberInfo } from '../api/v2http/server-face.js';
import { idToHex } from './member-id.js';

export interface Member {
  readonly id: bigint;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

/** What a conf change carries in its context: the member being added or updated. */
export interface MemberAttributes {
  readonly name: string;
  readonly peerURLs: readonly string[];
}

export interface MembershipJSON {
  readonly members: { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[];
  readonly removed: string[];
}

export class Membership {
  private readonly byId = new Map<bigint, Member>();
  private readonly removedIds = new Set<bigint>();

  get size(): number {
    return this.byId.size;
  }

  get(id: bigint): Member | undefined {
    return this.byId.get(id);
  }

  has(id: bigint): boolean {
    return this.byId.has(id);
  }

  isRemoved(id: bigint): boolean {
    return this.removedIds.has(id);
  }

  ids(): bigint[] {
    return [...this.byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Members sorted by ID, as etcd lists them. */
  list(): Member[] {
    return this.ids().map((id) => this.byId.get(id)!);
  }

  /** The member that already uses one of these peer URLs, other than `except`. */
  peerUrlOwner(urls: readonly string[], except?: bigint): Member | undefined {
    for (const m of this.byId.values()) {
      if (m.id === except) continue;
      if (m.peerURLs.some((u) => urls.includes(u))) return m;
    }
    return undefined;
  }

  add(id: bigint, attrs: MemberAttributes): void {
    if (this.removedIds.has(id)) return;
    const existing = this.byId.get(id);
    if (existing) {
      existing.peerURLs = [...attrs.peerURLs];
      if (attrs.name !== '') existing.name = attrs.name;
      return;
    }
    this.byId.set(id, { id, name: attrs.name, peerURLs: [...attrs.peerURLs], clientURLs: [] });
  }

  updatePeerURLs(id: bigint, peerURLs: readonly string[]): void {
    const m = this.byId.get(id);
    if (m) m.peerURLs = [...peerURLs];
  }

  publish(id: bigint, name: string, clientURLs: readonly string[]): void {
    const m = this.byId.get(id);
    if (!m) return;
    m.name = name;
    m.clientURLs = [...clientURLs];
  }

  remove(id: bigint): void {
    this.byId.delete(id);
    this.removedIds.add(id);
  }

  info(): MemberInfo[] {
    return this.list().map((m) => ({ id: idToHex(m.id), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));
  }

  toJSON(): MembershipJSON {
    return {
      members: this.list().map((m) => ({ id: idToHex(m.id), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs })),
      removed: [...this.removedIds].map(idToHex),
    };
  }

  static fromJSON(json: MembershipJSON): Membership {
    const ms = new Membership();
    for (const m of json.members) {
      ms.byId.set(BigInt('0x' + m.id), { id: BigInt('0x' + m.id), name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] });
    }
    for (const r of json.removed) ms.removedIds.add(BigInt('0x' + r));
    return ms;
  }
}
