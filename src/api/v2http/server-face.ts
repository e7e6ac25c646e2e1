/**
 * What the client-port HTTP layer needs from the etcd server beneath it.
 *
 * The HTTP layer (this folder) declares the contract; `src/etcdserver/` fulfils it. A single node
 * and a Raft cluster answer through the same face.
 */
import type { Store } from '../../store/store.js';
import type { StoreEvent, StoreRequest } from '../../store/request.js';
import type { Registry } from 'prom-client';

export interface MemberInfo {
  /** Lower-case hex member ID without padding, as etcd prints it. */
  readonly id: string;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
}

export interface LeaderInfo {
  readonly leader: string;
  readonly uptime: string;
  readonly startTime: string;
}

/** The raw facts behind `GET /v2/stats/self` (the HTTP layer shapes the JSON). */
export interface SelfStatsFacts {
  readonly name: string;
  readonly id: string;
  readonly state: 'StateLeader' | 'StateFollower' | 'StateCandidate' | 'StatePreCandidate';
  /** RFC3339Nano start time of this member. */
  readonly startTime: string;
  readonly leaderInfo: LeaderInfo;
  readonly recvAppendRequestCnt: number;
  readonly sendAppendRequestCnt: number;
  readonly recvPkgRate?: number;
  readonly recvBandwidthRate?: number;
  readonly sendPkgRate?: number;
  readonly sendBandwidthRate?: number;
}

export interface FollowerStats {
  readonly latency: {
    readonly current: number;
    readonly average: number;
    readonly standardDeviation: number;
    readonly minimum: number;
    readonly maximum: number;
  };
  readonly counts: { readonly fail: number; readonly success: number };
}

export interface LeaderStatsFacts {
  readonly leader: string;
  readonly followers: Readonly<Record<string, FollowerStats>>;
}

export interface ServerFace {
  /** The applied v2 store. Default (serializable) reads and watches are served from it directly. */
  readonly store: Store;
  /**
   * Makes a write durable and applies it. Resolves with the store's event once applied, rejects with
   * the store's `EtcdError` when the store refuses it, or with an `EtcdError` of the server kind
   * (e.g. 300 raft internal / timeout) when it could not be committed in time.
   */
  propose(req: StoreRequest): Promise<StoreEvent>;
  /** Resolves once the local store holds every write committed before the call (`quorum=true`). */
  readBarrier(): Promise<void>;
  /** This member's ID (hex). */
  readonly memberId: string;
  /** Cluster ID (hex), for `X-Etcd-Cluster-Id`. */
  readonly clusterId: string;
  /** Raft facts for `X-Raft-Index` and `X-Raft-Term`. */
  raftIndex(): number;
  raftTerm(): number;
  /** The current leader's member ID, or null while there is none. */
  leaderId(): string | null;
  members(): readonly MemberInfo[];
  selfStats(): SelfStatsFacts;
  /** Null when this member is not the leader (the HTTP layer answers as etcd does then). */
  leaderStats(): LeaderStatsFacts | null;
  /** Membership changes, when the server offers them (see `MembershipFace`). */
  readonly membership?: MembershipFace;
  /** Metrics the server keeps itself (the disk, Raft, the peers), served with the handler's own on `/metrics`. */
  readonly metricsRegistry?: Registry;
}

/**
 * Why a membership change was refused; the HTTP layer answers `{"message": message}` with `status`
 * (404 no such member, 409 peer URL or ID clash, 410 member removed, 500 timeout/internal).
 */
export class MembershipError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'MembershipError';
    this.status = status;
  }
}

/**
 * Optional membership changes behind `POST/PUT/DELETE /v2/members`. A server that does not offer
 * them leaves them out and those requests are answered 500 `Internal Server Error`.
 */
export interface MembershipFace {
  /** Adds a member with these peer URLs (validated by the HTTP layer); resolves with the new member. */
  addMember(peerURLs: readonly string[]): Promise<MemberInfo>;
  /** Removes the member with this ID. */
  removeMember(id: string): Promise<void>;
  /** Replaces the peer URLs of the member with this ID. */
  updateMember(id: string, peerURLs: readonly string[]): Promise<void>;
}
