/**
 * The admin face of an etcd server: the machine list from its membership, configuration changes
 * through its log, machine removal through its membership changes (by name, as 0.4 names machines).
 */
import type { AdminConfig, AdminConfigUpdate } from '../../etcdserver/admin-config.js';
import { machinesFromMembers } from '../../etcdserver/standby-machines.js';
import type { MemberInfo, MembershipFace } from '../v2http/server-face.js';
import { AdminError, type AdminFace } from './admin-face.js';

/** What the server offers for the admin API (the etcd server plus two admin-config methods). */
export interface AdminServer {
  members(): readonly MemberInfo[];
  leaderId(): string | null;
  isLeader(): boolean;
  /** Commit index, for the answer to a removal. */
  raftIndex(): number;
  readonly membership?: MembershipFace;
  /** The applied cluster configuration. */
  adminConfig(): AdminConfig;
  /** Proposes an admin-config entry; resolves with the configuration once it is applied. */
  updateAdminConfig(update: AdminConfigUpdate): Promise<AdminConfig>;
}

export function createServerAdminFace(server: AdminServer): AdminFace {
  return {
    config: () => server.adminConfig(),
    setConfig: (update) => server.updateAdminConfig(update),
    machines: () => machinesFromMembers(server.members(), server.leaderId()),
    isLeader: () => server.isLeader(),
    leaderPeerURL: () => {
      const leader = server.leaderId();
      if (leader === null) return null;
      return server.members().find((m) => m.id === leader)?.peerURLs[0] ?? null;
    },
    removeMachine: async (name) => {
      const named = server.members().filter((m) => m.name === name);
      if (named.length === 0) throw new AdminError(404, `No such machine: ${name}`);
      if (named.length > 1) throw new AdminError(409, `More than one machine is named ${name}`);
      if (server.membership === undefined) throw new AdminError(500, 'Internal Server Error');
      await server.membership.removeMember(named[0]!.id);
      return server.raftIndex();
    },
  };
}
