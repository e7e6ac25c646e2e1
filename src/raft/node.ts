import type { RaftConfig } from './config.js';
import { encodeConfChange, type ConfChange } from './conf-change.js';
import {
  EntryType,
  MessageType,
  hardStateEqual,
  isLocalMessage,
  isResponseMessage,
  newMessage,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type ReadState,
  type Snapshot,
} from './messages.js';
import { Raft, StateType } from './raft.js';

export interface SoftState {
  lead: bigint;
  state: StateType;
}

/**
 * Everything the application must do after the core changed. Handle it in this order:
 * 1. persist `snapshot` (if any), `entries` and `hardState` (fsync when `mustSync`);
 * 2. send `messages` (a leader's appends may go out before step 1 finishes: its own copy of the
 *    entries counts toward the quorum only after `advance()`; every other message must wait);
 * 3. apply `snapshot`, then `committedEntries`, to the state machine (calling `applyConfChange`
 *    for membership entries) and serve `readStates` once their index is applied;
 * 4. call `advance()`. No `step`/`tick`/`propose` call may happen between `ready()` and `advance()`.
 */
export interface Ready {
  softState: SoftState | null;
  hardState: HardState | null;
  readStates: ReadState[];
  entries: Entry[];
  snapshot: Snapshot | null;
  committedEntries: Entry[];
  messages: Message[];
  mustSync: boolean;
}

export interface NodeStatus {
  id: bigint;
  term: number;
  vote: bigint;
  commit: number;
  applied: number;
  lead: bigint;
  state: StateType;
  lastIndex: number;
}

const noEntries: Entry[] = [];
const noMessages: Message[] = [];
const noReadStates: ReadState[] = [];

/** The face of the Raft core: drive it with tick/step/propose, drain it with ready/advance. */
export class RaftNode {
  readonly raft: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;
  private pendingStable: { index: number; term: number } | null = null;
  private pendingApplied = 0;
  private pendingSnapIndex = 0;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoft = { lead: this.raft.lead, state: this.raft.state };
    this.prevHard = this.raft.hardState();
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (for tests and for a single-member bootstrap). */
  campaign(): void {
    this.raft.step(newMessage({ type: MessageType.Hup, from: this.raft.id }));
  }

  /** Proposes one normal entry; false if it was dropped (no leader known, or a transfer running). */
  propose(data: Uint8Array): boolean {
    return this.proposeEntries([{ term: 0, index: 0, type: EntryType.Normal, data }]);
  }

  /** Proposes many normal entries as one batch: one append message per follower carries them all. */
  proposeMany(datas: Uint8Array[]): boolean {
    const ents: Entry[] = new Array<Entry>(datas.length);
    for (let i = 0; i < datas.length; i++) ents[i] = { term: 0, index: 0, type: EntryType.Normal, data: datas[i]! };
    return this.proposeEntries(ents);
  }

  proposeConfChange(cc: ConfChange): boolean {
    return this.proposeEntries([{ term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(cc) }]);
  }

  private proposeEntries(entries: Entry[]): boolean {
    return this.raft.proposeOwned(entries);
  }

  /**
   * Asks for a linearizable read point. A ReadState with the same `ctx` appears in a later Ready
   * (or never, if leadership changes meanwhile: the caller retries after a timeout).
   */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(newMessage({ type: MessageType.ReadIndex, from: this.raft.id, context: ctx }));
  }

  /** Asks the leader to hand leadership to `transferee`. */
  transferLeadership(transferee: bigint): void {
    this.raft.step(newMessage({ type: MessageType.TransferLeader, from: transferee, to: this.raft.lead }));
  }

  /** Feeds a message received from a peer. Local-only and unexpected messages are ignored. */
  step(m: Message): boolean {
    if (isLocalMessage(m.type)) return false;
    if (isResponseMessage(m.type) && !this.raft.trk.progress.has(m.from)) return false;
    this.raft.step(m);
    return true;
  }

  /** Applies a committed membership change; returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  reportUnreachable(id: bigint): void {
    this.raft.step(newMessage({ type: MessageType.Unreachable, from: id }));
  }

  /** Nothing listens at this member's peer address any more (see `Raft.leaderDown`). */
  reportPeerDown(id: bigint): void {
    this.raft.leaderDown(id);
  }

  reportSnapshot(id: bigint, ok: boolean): void {
    this.raft.step(newMessage({ type: MessageType.SnapStatus, from: id, reject: !ok }));
  }

  hasReady(): boolean {
    const r = this.raft;
    if (r.lead !== this.prevSoft.lead || r.state !== this.prevSoft.state) return true;
    if (r.term !== this.prevHard.term || r.vote !== this.prevHard.vote || r.raftLog.committed !== this.prevHard.commit) {
      return true;
    }
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.hasMessages() || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  ready(): Ready {
    const r = this.raft;
    const log = r.raftLog;
    const unstable = log.unstableEntries();
    const entries = unstable.length > 0 ? unstable.slice() : noEntries;
    const committedEntries = log.hasNextEnts() ? log.nextEnts() : noEntries;
    const messages = r.hasMessages() ? r.takeMessages() : noMessages;
    let softState: SoftState | null = null;
    if (r.lead !== this.prevSoft.lead || r.state !== this.prevSoft.state) {
      softState = { lead: r.lead, state: r.state };
      this.prevSoft = softState;
    }
    const hs = r.hardState();
    const hardState = hardStateEqual(hs, this.prevHard) ? null : hs;
    const snapshot = log.unstable.snapshot;
    const readStates = r.readStates.length > 0 ? r.readStates : noReadStates;
    if (readStates.length > 0) r.readStates = [];
    const mustSync =
      entries.length > 0 || (hardState !== null && (hs.term !== this.prevHard.term || hs.vote !== this.prevHard.vote));
    if (hardState) this.prevHard = hardState;
    this.pendingStable = entries.length > 0 ? { index: entries[entries.length - 1]!.index, term: entries[entries.length - 1]!.term } : null;
    this.pendingApplied = committedEntries.length > 0 ? committedEntries[committedEntries.length - 1]!.index : 0;
    this.pendingSnapIndex = snapshot ? snapshot.metadata.index : 0;
    return { softState, hardState, readStates, entries, snapshot, committedEntries, messages, mustSync };
  }

  /** The last Ready has been handled: its entries are durable and its committed entries applied. */
  advance(): void {
    const r = this.raft;
    const log = r.raftLog;
    if (this.pendingSnapIndex > 0) {
      log.stableSnapTo(this.pendingSnapIndex);
      if (log.applied < this.pendingSnapIndex) log.applied = this.pendingSnapIndex;
      this.pendingSnapIndex = 0;
    }
    if (this.pendingApplied > 0) {
      if (this.pendingApplied > log.applied) log.appliedTo(this.pendingApplied);
      this.pendingApplied = 0;
    }
    if (this.pendingStable) {
      const { index, term } = this.pendingStable;
      this.pendingStable = null;
      log.stableTo(index, term);
      r.onStable(index, term);
    }
  }

  /**
   * Like `advance`, for an application that persists the last Ready's entries asynchronously: they
   * are not handed out again, and they count as persisted (for a leader: toward its own quorum) only
   * once `markStable` is called with the position returned here. Positions must be reported in the
   * order the entries were handed out. Returns null when the Ready had no entries.
   */
  advanceWriting(): { index: number; term: number } | null {
    const pending = this.pendingStable;
    this.pendingStable = null;
    if (pending) this.raft.raftLog.unstable.acceptInProgress(pending.index);
    this.advance();
    return pending;
  }

  /** Entries up to `index` of `term`, handed out by a Ready before `advanceWriting`, are now on disk. */
  markStable(index: number, term: number): void {
    this.raft.raftLog.stableTo(index, term);
    this.raft.onStable(index, term);
  }

  status(): NodeStatus {
    const r = this.raft;
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.raftLog.committed,
      applied: r.raftLog.applied,
      lead: r.lead,
      state: r.state,
      lastIndex: r.raftLog.lastIndex(),
    };
  }
}
