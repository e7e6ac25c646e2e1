/**
 * Whether a 0.4 machine runs as a peer or a standby. A machine the membership already lists (by peer
 * URL, or by its non-empty name) is a peer. Any other machine may join while the cluster has fewer
 * peers than `activeSize`; once it has that many, the machine runs as a standby.
 */
import type { AdminConfig } from './admin-config.js';

/** `peer`: already a member; `join`: ask to be added, then run as a peer; `standby`: the cluster is full. */
export type MachineRole = 'peer' | 'join' | 'standby';

/** Who this machine is. */
export interface MachineIdentity {
  readonly name: string;
  readonly peerURLs: readonly string[];
}

/** What the decision needs to know of each member (member list entries and machine list entries both fit). */
export interface RoleMember {
  readonly name: string;
  readonly peerURLs?: readonly string[];
  readonly peerURL?: string;
}

function peerURLsOf(m: RoleMember): readonly string[] {
  if (m.peerURLs !== undefined) return m.peerURLs;
  return m.peerURL !== undefined && m.peerURL !== '' ? [m.peerURL] : [];
}

/** Whether the membership lists this machine. */
export function isListed(members: readonly RoleMember[], self: MachineIdentity): boolean {
  const mine = new Set(self.peerURLs.map(trimSlash));
  return members.some((m) => peerURLsOf(m).some((u) => mine.has(trimSlash(u))) || (self.name !== '' && m.name === self.name));
}

function trimSlash(u: string): string {
  return u.endsWith('/') ? u.slice(0, -1) : u;
}

export function decideMachineRole(members: readonly RoleMember[], config: AdminConfig, self: MachineIdentity): MachineRole {
  if (isListed(members, self)) return 'peer';
  return members.length < config.activeSize ? 'join' : 'standby';
}
