/**
 * The data Raft exchanges and persists: log entries, hard state, snapshots and messages.
 * Field names match the write-ahead log's records (src/wal/), which persist them unchanged.
 */

export const EntryType = { Normal: 0, ConfChange: 1 } as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

/** One log entry. A normal entry with empty data is a leader's no-op. */
export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  term: number;
  /** Member voted for in `term`; 0n for none. */
  vote: bigint;
  commit: number;
}

export interface ConfState {
  voters: bigint[];
  learners?: bigint[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  data: Uint8Array;
  metadata: SnapshotMetadata;
}

/** A read whose index is known: the read may be served once the applied index reaches `index`. */
export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

export const MessageType = {
  /** local: start an election */
  Hup: 0,
  /** local: leader heartbeat broadcast */
  Beat: 1,
  /** propose entries (local, or forwarded to the leader) */
  Prop: 2,
  App: 3,
  AppResp: 4,
  Vote: 5,
  VoteResp: 6,
  Snap: 7,
  Heartbeat: 8,
  HeartbeatResp: 9,
  /** local: the transport could not reach `from` */
  Unreachable: 10,
  /** local: outcome of sending a snapshot to `from` */
  SnapStatus: 11,
  /** local: leader checks that a quorum is still active */
  CheckQuorum: 12,
  /** ask the leader to hand leadership to `from` */
  TransferLeader: 13,
  /** leader tells the transferee to start an election at once */
  TimeoutNow: 14,
  ReadIndex: 15,
  ReadIndexResp: 16,
  PreVote: 17,
  PreVoteResp: 18,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

const messageTypeNames: string[] = [];
for (const [name, value] of Object.entries(MessageType)) messageTypeNames[value] = name;
export function messageTypeName(t: MessageType): string {
  return messageTypeNames[t] ?? `Unknown(${t})`;
}

/** Every field is always present so that all messages share one shape. */
export interface Message {
  type: MessageType;
  to: bigint;
  from: bigint;
  term: number;
  /** term of the entry at `index` (App), or the last log term (Vote), or the hint's term (AppResp reject) */
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot: Snapshot | null;
  reject: boolean;
  rejectHint: number;
  /** ReadIndex request context, or the transfer marker on a Vote */
  context: Uint8Array | null;
}

const noEntries: Entry[] = [];

export function newMessage(fields: Partial<Message> & { type: MessageType }): Message {
  return {
    type: fields.type,
    to: fields.to ?? 0n,
    from: fields.from ?? 0n,
    term: fields.term ?? 0,
    logTerm: fields.logTerm ?? 0,
    index: fields.index ?? 0,
    entries: fields.entries ?? noEntries,
    commit: fields.commit ?? 0,
    snapshot: fields.snapshot ?? null,
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? 0,
    context: fields.context ?? null,
  };
}

/** Messages that only a node gives itself; they never travel over the network. */
export function isLocalMessage(t: MessageType): boolean {
  return (
    t === MessageType.Hup ||
    t === MessageType.Beat ||
    t === MessageType.Unreachable ||
    t === MessageType.SnapStatus ||
    t === MessageType.CheckQuorum
  );
}

export function isResponseMessage(t: MessageType): boolean {
  return (
    t === MessageType.AppResp ||
    t === MessageType.VoteResp ||
    t === MessageType.HeartbeatResp ||
    t === MessageType.Unreachable ||
    t === MessageType.PreVoteResp
  );
}

export function voteResponseType(t: MessageType): MessageType {
  return t === MessageType.PreVote ? MessageType.PreVoteResp : MessageType.VoteResp;
}

export const emptySnapshot: Snapshot = Object.freeze({
  data: new Uint8Array(0),
  metadata: Object.freeze({ index: 0, term: 0, confState: Object.freeze({ voters: [] as bigint[] }) }),
}) as Snapshot;

export function isEmptySnapshot(s: Snapshot | null | undefined): boolean {
  return !s || s.metadata.index === 0;
}

export function isEmptyHardState(h: HardState): boolean {
  return h.term === 0 && h.vote === 0n && h.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Approximate encoded size, used for message size limits. */
export function entrySize(e: Entry): number {
  return e.data.length + 24;
}
