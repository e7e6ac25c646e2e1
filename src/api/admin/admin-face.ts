/**
 * What the 0.4 admin API (`/v2/admin/*` on the peer port) needs from the server beneath it.
 * `createServerAdminFace` (server-admin-face.ts) builds one from the etcd server; tests use fakes.
 */
import type { AdminConfig, AdminConfigUpdate } from '../../etcdserver/admin-config.js';
import type { ClusterMachine } from '../../etcdserver/standby-machines.js';

export interface AdminFace {
  /** The configuration as this member has applied it. */
  config(): AdminConfig;
  /** Commits the update through the log; resolves with the configuration after it was applied. */
  setConfig(update: AdminConfigUpdate): Promise<AdminConfig>;
  /** The peers, sorted by name. */
  machines(): readonly ClusterMachine[];
  /** Removes the peer with this name through the log; resolves with the commit index after it. */
  removeMachine(name: string): Promise<number>;
  isLeader(): boolean;
  /** The leader's peer URL, or null while no leader is known. */
  leaderPeerURL(): string | null;
}

/** A refusal the handler answers as Go's `http.Error` does: `status`, text `message` + newline. */
export class AdminError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'AdminError';
    this.status = status;
  }
}
