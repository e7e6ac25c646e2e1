import type { PlantedBugs, RaftConfig, RandomSource } from './config.js';
import { ConfChangeType, type ConfChange } from './conf-change.js';
import { CompactedError, SnapshotTemporarilyUnavailableError } from './errors.js';
import { RaftLog } from './log.js';
import {
  EntryType,
  MessageType,
  newMessage,
  voteResponseType,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type ReadState,
  type Snapshot,
} from './messages.js';
import { ProgressState, type Progress } from './progress.js';
import { ProgressTracker, VoteResult } from './progress-tracker.js';
import { ReadOnly } from './read-only.js';

export const StateType = { Follower: 0, Candidate: 1, Leader: 2, PreCandidate: 3 } as const;
export type StateType = (typeof StateType)[keyof typeof StateType];
export const stateTypeNames = ['Follower', 'Candidate', 'Leader', 'PreCandidate'] as const;

const CampaignType = { PreElection: 0, Election: 1, Transfer: 2 } as const;
type CampaignType = (typeof CampaignType)[keyof typeof CampaignType];

/** Marks a Vote sent because of a leadership transfer: voters then ignore their leader lease. */
const transferMarker = new Uint8Array([0x74, 0x72, 0x61, 0x6e, 0x73, 0x66, 0x65, 0x72]); // "transfer"

function isTransferMarker(ctx: Uint8Array | null): boolean {
  if (!ctx || ctx.length !== transferMarker.length) return false;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== transferMarker[i]) return false;
  return true;
}

const emptyData = new Uint8Array(0);
/** Quick re-campaigns allowed after a split vote that followed a leader's death (see `retrySplitVoteSoon`). */
const maxQuickRetries = 2;
/** A quick re-campaign comes within this many ticks (1 to this, at random). */
const quickRetryTicks = 3;

/**
 * The Raft state machine of one member. Pure: it changes only through `tick()` and `step()`, and
 * its outputs (messages, entries to persist, committed entries, read states) are collected by the
 * Ready/advance face in node.ts.
 */
export class Raft {
  readonly id: bigint;
  term = 0;
  vote = 0n;
  state: StateType = StateType.Follower;
  /** The known leader of the current term, 0n if none. */
  lead = 0n;
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  readonly readOnly = new ReadOnly();
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Set while a leadership transfer to this member is in progress. */
  leadTransferee = 0n;
  /** Only one membership change may be pending: proposals wait until the applied index passes this. */
  pendingConfIndex = 0;
  /** ReadIndex requests that arrived before this leader committed an entry of its term. */
  private pendingReadIndexMessages: Message[] = [];
  /** Entries were appended by the leader and the followers have not been sent them yet. */
  private broadcastPending = false;

  private readonly maxMsgSize: number;
  private readonly maxEntriesPerMsg: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  private randomizedElectionTimeout = 0;
  electionElapsed = 0;
  private heartbeatElapsed = 0;
  /**
   * Elections left that may be retried within a few ticks after a split vote: set when the leader's
   * process is found gone (`leaderDown`), cleared once a leader is known again.
   */
  private quickRetries = 0;
  private readonly random: RandomSource;
  private readonly bugs: PlantedBugs;

  constructor(c: RaftConfig) {
    if (c.id === 0n) throw new Error('cannot use 0 as a member id');
    if (c.heartbeatTick <= 0) throw new Error('heartbeat tick must be greater than 0');
    if (c.electionTick <= c.heartbeatTick) throw new Error('election tick must be greater than heartbeat tick');
    this.id = c.id;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady ?? Infinity);
    this.trk = new ProgressTracker(c.maxInflightMsgs ?? 256);
    this.maxMsgSize = c.maxSizePerMsg ?? 1024 * 1024;
    this.maxEntriesPerMsg = c.maxEntriesPerMsg ?? Infinity;
    this.checkQuorum = c.checkQuorum ?? false;
    this.preVote = c.preVote ?? false;
    this.heartbeatTimeout = c.heartbeatTick;
    this.electionTimeout = c.electionTick;
    this.random = c.random;
    this.bugs = c.plantedBugs ?? {};

    const { hardState, confState } = c.storage.initialState();
    this.trk.reset(confState, this.raftLog.lastIndex() + 1);
    if (hardState.term !== 0 || hardState.vote !== 0n || hardState.commit !== 0) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, 0n);
  }

  // ---- state views ----

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  confState(): ConfState {
    return this.trk.confState();
  }

  /** Can this member become leader: it is a voter in its own configuration and holds no pending snapshot. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(`hard state commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- sending ----

  private send(m: Message): void {
    // A forwarded request keeps its originator (e.g. the transferee of a TransferLeader).
    if (m.from === 0n) m.from = this.id;
    if (
      m.type === MessageType.Vote ||
      m.type === MessageType.VoteResp ||
      m.type === MessageType.PreVote ||
      m.type === MessageType.PreVoteResp
    ) {
      if (m.term === 0) throw new Error(`term should be set when sending ${m.type}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${m.type} (was ${m.term})`);
      // Proposals and read requests forwarded to the leader act as local messages and carry no term.
      if (m.type !== MessageType.Prop && m.type !== MessageType.ReadIndex) m.term = this.term;
    }
    this.msgs.push(m);
  }

  /** Messages produced so far, including appends owed to followers for newly proposed entries. */
  takeMessages(): Message[] {
    this.flushBroadcast();
    const out = this.msgs;
    this.msgs = [];
    return out;
  }

  hasMessages(): boolean {
    return this.msgs.length > 0 || this.broadcastPending;
  }

  /** Sends appends for entries proposed since the last flush (one batch per follower). */
  flushBroadcast(): void {
    if (this.broadcastPending) {
      this.broadcastPending = false;
      if (this.state === StateType.Leader) this.bcastAppend();
    }
  }

  private sendAppend(to: bigint): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends an append (or a snapshot) to `to` if its progress allows. With `sendIfEmpty` false an
   * append without entries is not sent. Returns whether a message was sent.
   */
  private maybeSendAppend(to: bigint, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    let prevTerm: number;
    let ents: Entry[];
    const prevIndex = pr.next - 1;
    try {
      prevTerm = this.raftLog.term(prevIndex);
      ents = this.entriesToSend(pr.next);
    } catch (e) {
      if (e instanceof CompactedError) return this.sendSnapshot(to, pr);
      throw e;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    if (ents.length > 0) {
      const last = ents[ents.length - 1]!.index;
      if (pr.state === ProgressState.Replicate) {
        pr.optimisticUpdate(last);
        pr.inflights.add(last);
      } else if (pr.state === ProgressState.Probe) {
        pr.probeSent = true;
      }
    } else if (pr.state === ProgressState.Probe) {
      pr.probeSent = true;
    }
    this.send(
      newMessage({
        type: MessageType.App,
        to,
        index: prevIndex,
        logTerm: prevTerm,
        entries: ents,
        commit: this.raftLog.committed,
      }),
    );
    return true;
  }

  private entriesToSend(next: number): Entry[] {
    const last = this.raftLog.lastIndex();
    if (next > last) return [];
    const hi = Math.min(last + 1, next + this.maxEntriesPerMsg);
    return this.raftLog.slice(next, hi, this.maxMsgSize);
  }

  private sendSnapshot(to: bigint, pr: Progress): boolean {
    if (!pr.recentActive) return false;
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (e) {
      if (e instanceof SnapshotTemporarilyUnavailableError) return false;
      throw e;
    }
    if (snapshot.metadata.index === 0) throw new Error('need a non-empty snapshot to send');
    pr.becomeSnapshot(snapshot.metadata.index);
    this.send(newMessage({ type: MessageType.Snap, to, snapshot }));
    return true;
  }

  private sendHeartbeat(to: bigint, ctx: Uint8Array | null): void {
    const pr = this.trk.progress.get(to)!;
    // A follower may not have the entries the leader has committed, so commit is capped by its match.
    const commit = Math.min(pr.match, this.raftLog.committed);
    this.send(newMessage({ type: MessageType.Heartbeat, to, commit, context: ctx }));
  }

  /** Sends every follower what it lacks, as many messages as its inflight window allows. */
  bcastAppend(): void {
    for (const id of this.trk.progress.keys()) {
      if (id === this.id) continue;
      if (!this.maybeSendAppend(id, true)) continue;
      while (this.maybeSendAppend(id, false)) {
        /* fill the window */
      }
    }
  }

  private bcastHeartbeat(): void {
    this.bcastHeartbeatWithCtx(this.readOnly.lastPendingRequestCtx());
  }

  private bcastHeartbeatWithCtx(ctx: Uint8Array | null): void {
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendHeartbeat(id, ctx);
  }

  // ---- commit ----

  /** Advances the commit index to what a quorum stores, respecting the current-term rule. */
  maybeCommit(): boolean {
    const mci = this.trk.committed();
    if (this.bugs.commitOlderTermByCounting) {
      if (mci > this.raftLog.committed) {
        this.raftLog.commitTo(mci);
        return true;
      }
      return false;
    }
    return this.raftLog.maybeCommit(mci, this.term);
  }

  // ---- role changes ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = 0n;
    }
    this.lead = 0n;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = 0n;
    this.trk.resetVotes();
    const next = this.raftLog.lastIndex() + 1;
    for (const pr of this.trk.progress.values()) {
      pr.match = 0;
      pr.next = next;
      pr.state = ProgressState.Probe;
      pr.probeSent = false;
      pr.pendingSnapshot = 0;
      pr.recentActive = false;
      pr.inflights.reset();
    }
    this.pendingConfIndex = 0;
    this.readOnly.clear();
    this.pendingReadIndexMessages = [];
    this.broadcastPending = false;
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.random.intn(this.electionTimeout);
  }

  becomeFollower(term: number, lead: bigint): void {
    this.reset(term);
    this.lead = lead;
    if (lead !== 0n) this.quickRetries = 0;
    this.state = StateType.Follower;
  }

  becomeCandidate(): void {
    if (this.state === StateType.Leader) throw new Error('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
  }

  becomePreCandidate(): void {
    if (this.state === StateType.Leader) throw new Error('invalid transition [leader -> pre-candidate]');
    // A pre-candidate keeps its term and vote; it only asks whether it could win.
    this.trk.resetVotes();
    this.lead = 0n;
    this.state = StateType.PreCandidate;
  }

  becomeLeader(): void {
    if (this.state === StateType.Follower) throw new Error('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.quickRetries = 0;
    this.state = StateType.Leader;
    const self = this.trk.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conf changes may be proposed only after everything this leader inherited is applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The no-op of this term lets the leader commit (and answer ReadIndex) without a client write.
    this.appendEntries([{ term: 0, index: 0, type: EntryType.Normal, data: emptyData }]);
  }

  private appendEntries(es: Entry[]): void {
    const li = this.raftLog.lastIndex();
    for (let i = 0; i < es.length; i++) {
      es[i]!.term = this.term;
      es[i]!.index = li + 1 + i;
    }
    this.raftLog.append(es);
    // The leader's own copy counts toward a quorum only once it is persisted (see onStable).
  }

  /** Called when entries up to `index` of `term` have been persisted. */
  onStable(index: number, term: number): void {
    if (this.state !== StateType.Leader || term !== this.term) return;
    const self = this.trk.progress.get(this.id);
    if (self && self.maybeUpdate(index) && this.maybeCommit()) this.afterCommit();
  }

  private afterCommit(): void {
    this.releasePendingReadIndexMessages();
    this.bcastAppend();
  }

  // ---- ticks ----

  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(newMessage({ type: MessageType.Hup, from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(newMessage({ type: MessageType.CheckQuorum, from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === StateType.Leader && this.leadTransferee !== 0n) this.leadTransferee = 0n;
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(newMessage({ type: MessageType.Beat, from: this.id }));
    }
  }

  /**
   * The transport found nothing listening at a member's peer address: that process is gone. A
   * follower whose leader it was stops honouring the leader's lease and campaigns within the next
   * one or two ticks instead of waiting out the election timeout; the tick is random so that the
   * followers that lost the leader together rarely split the vote. Only the timing changes: the
   * election runs as any other (pre-vote first when enabled), and if the leader is in fact alive,
   * the members that still hear from it ignore the vote requests and its next heartbeat brings this
   * follower back.
   */
  leaderDown(id: bigint): void {
    if (this.state !== StateType.Follower || id === 0n || this.lead !== id) return;
    this.lead = 0n;
    this.quickRetries = maxQuickRetries;
    const soon = this.randomizedElectionTimeout - 1 - this.random.intn(2);
    if (this.electionElapsed < soon) this.electionElapsed = soon;
  }

  /**
   * Followers that lose their leader together may still campaign in the same instant: both win the
   * pre-vote, both vote for themselves, and neither can win that term. Waiting out a whole election
   * timeout would undo what `leaderDown` gained, so a candidate whose vote was refused in an election
   * that followed a leader's death campaigns again within one to three ticks (random, so the two
   * rarely meet again), at most `maxQuickRetries` times. The next pre-vote keeps this harmless: it
   * only turns into an election that a majority would join.
   */
  private retrySplitVoteSoon(): void {
    if (this.quickRetries === 0) return;
    if (this.electionElapsed >= this.randomizedElectionTimeout - quickRetryTicks) return; // already due (or retrying) this term
    this.quickRetries--;
    this.electionElapsed = this.randomizedElectionTimeout - 1 - this.random.intn(quickRetryTicks);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  // ---- elections ----

  /** Committed membership changes not yet applied would change who may vote; wait for them. */
  private hasUnappliedConfChanges(): boolean {
    const log = this.raftLog;
    if (log.applied >= log.committed) return false;
    const lo = Math.max(log.applied + 1, log.firstIndex());
    const ents = log.slice(lo, log.committed + 1, Infinity);
    for (let i = 0; i < ents.length; i++) if (ents[i]!.type === EntryType.ConfChange) return true;
    return false;
  }

  private hup(t: CampaignType): void {
    if (this.state === StateType.Leader) return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(t);
  }

  private campaign(t: CampaignType): void {
    let term: number;
    let voteMsg: MessageType;
    if (t === CampaignType.PreElection) {
      this.becomePreCandidate();
      voteMsg = MessageType.PreVote;
      term = this.term + 1; // the term a real election would use
    } else {
      this.becomeCandidate();
      voteMsg = MessageType.Vote;
      term = this.term;
    }
    if (this.poll(this.id, voteResponseType(voteMsg), true) === VoteResult.Won) {
      // A single-voter cluster wins at once.
      if (t === CampaignType.PreElection) this.campaign(CampaignType.Election);
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.trk.voters) {
      if (id === this.id) continue;
      this.send(
        newMessage({
          type: voteMsg,
          to: id,
          term,
          index: lastIndex,
          logTerm: lastTerm,
          context: t === CampaignType.Transfer ? transferMarker : null,
        }),
      );
    }
  }

  private poll(id: bigint, _t: MessageType, granted: boolean): VoteResult {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- stepping ----

  step(m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const force = isTransferMarker(m.context);
        const inLease = this.checkQuorum && this.lead !== 0n && this.electionElapsed < this.electionTimeout;
        // While a leader is known and heard from recently, a vote request is ignored (it comes from
        // a member that was cut off and would only disrupt the cluster).
        if (!force && inLease) return;
      }
      if (m.type === MessageType.PreVote) {
        // A pre-vote never changes our term.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // Our term is bumped only when the real election starts.
      } else if (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap) {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, 0n);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === MessageType.Heartbeat || m.type === MessageType.App)) {
        // A stale leader (cut off while we moved on) learns the newer term from this answer and steps
        // down; without it, it could keep a partition from ever electing with pre-vote.
        this.send(newMessage({ type: MessageType.AppResp, to: m.from }));
      } else if (m.type === MessageType.PreVote) {
        this.send(newMessage({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true }));
      } else if (m.type === MessageType.Vote) {
        // Tell a candidate that is behind about our term (as the Raft paper does). Otherwise a member
        // whose term ran ahead while it could not win (e.g. its configuration is stale and names a
        // removed member) ignores the real candidate forever, which never learns it must jump ahead.
        this.send(newMessage({ type: MessageType.VoteResp, to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.preVote ? CampaignType.PreElection : CampaignType.Election);
        return;
      case MessageType.Vote:
      case MessageType.PreVote: {
        const canVote =
          this.vote === m.from ||
          (this.vote === 0n && this.lead === 0n) ||
          (m.type === MessageType.PreVote && m.term > this.term) ||
          (m.type === MessageType.Vote && this.bugs.voteTwiceInOneTerm === true);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          // The response carries the request's term: for a pre-vote that is a term we have not entered.
          this.send(newMessage({ type: voteResponseType(m.type), to: m.from, term: m.term }));
          if (m.type === MessageType.Vote) {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(newMessage({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        break;
    }
    switch (this.state) {
      case StateType.Leader:
        this.stepLeader(m);
        return;
      case StateType.Candidate:
      case StateType.PreCandidate:
        this.stepCandidate(m);
        return;
      default:
        this.stepFollower(m);
    }
  }

  /** Returns false if a proposal was dropped. */
  private stepLeader(m: Message): boolean {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat();
        return true;
      case MessageType.CheckQuorum:
        if (!this.trk.quorumActive(this.id)) this.becomeFollower(this.term, 0n);
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
        return true;
      case MessageType.Prop:
        return this.leaderPropose(m, false);
      case MessageType.ReadIndex:
        if (!this.committedEntryInCurrentTerm()) {
          this.pendingReadIndexMessages.push(m);
          return true;
        }
        this.sendMsgReadIndexResponse(m);
        return true;
      default:
        break;
    }
    const pr = this.trk.progress.get(m.from);
    if (!pr) return true;
    switch (m.type) {
      case MessageType.AppResp:
        this.leaderHandleAppResp(m, pr);
        break;
      case MessageType.HeartbeatResp: {
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state === ProgressState.Replicate && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.raftLog.lastIndex()) this.sendAppend(m.from);
        if (!m.context || m.context.length === 0) break;
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (!acks || this.trk.countVoters(acks) < this.trk.quorum()) break;
        for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.req, rs.index);
        break;
      }
      case MessageType.SnapStatus:
        if (pr.state !== ProgressState.Snapshot) break;
        if (m.reject) pr.pendingSnapshot = 0;
        // Either way, wait for the next heartbeat answer before sending more.
        pr.becomeProbe();
        pr.probeSent = true;
        break;
      case MessageType.Unreachable:
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        break;
      case MessageType.TransferLeader: {
        if (pr.isLearner) break;
        const transferee = m.from;
        if (this.leadTransferee !== 0n) {
          if (this.leadTransferee === transferee) break;
          this.leadTransferee = 0n;
        }
        if (transferee === this.id) break;
        this.electionElapsed = 0;
        this.leadTransferee = transferee;
        if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
        else this.sendAppend(transferee);
        break;
      }
      default:
        break;
    }
    return true;
  }

  /**
   * Appends a proposal on the leader. Entries are stamped with term and index in place, so unless
   * the caller hands over fresh objects (`owned`), they are copied first: a proposal that travelled
   * through the network may be delivered more than once, and must not alter entries already logged.
   */
  private leaderPropose(m: Message, owned: boolean): boolean {
    if (m.entries.length === 0) throw new Error('stepped empty proposal');
    const self = this.trk.progress.get(this.id);
    if (!self || self.isLearner) return false; // removed from the cluster
    if (this.leadTransferee !== 0n) return false; // a transfer is in progress
    const src = m.entries;
    const ents: Entry[] = owned ? src : new Array<Entry>(src.length);
    if (!owned) for (let i = 0; i < src.length; i++) ents[i] = { term: 0, index: 0, type: src[i]!.type, data: src[i]!.data };
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i]!;
      if (e.type !== EntryType.ConfChange) continue;
      if (this.pendingConfIndex > this.raftLog.applied) {
        // Only one membership change at a time: this one becomes a no-op.
        ents[i] = { term: 0, index: 0, type: EntryType.Normal, data: emptyData };
      } else {
        this.pendingConfIndex = this.raftLog.lastIndex() + i + 1;
      }
    }
    this.appendEntries(ents);
    this.broadcastPending = true;
    return true;
  }

  /**
   * Proposes entries created by the caller for this call only (the RaftNode face does so). On a
   * leader they are appended as they are; elsewhere they are forwarded like any proposal.
   */
  proposeOwned(entries: Entry[]): boolean {
    if (this.state === StateType.Leader) return this.leaderPropose(newMessage({ type: MessageType.Prop, from: this.id, entries }), true);
    if (this.state !== StateType.Follower || this.lead === 0n) return false;
    this.forward(newMessage({ type: MessageType.Prop, from: this.id, entries }));
    return true;
  }

  /** Sends a request on to the leader; received messages are never modified (they may be duplicates). */
  private forward(m: Message): void {
    this.send({ ...m, to: this.lead });
  }

  private leaderHandleAppResp(m: Message, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      let nextProbeIdx = m.rejectHint;
      if (m.logTerm > 0) nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm);
      if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const oldPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) {
      if (oldPaused && !pr.isPaused()) this.sendAppend(m.from);
      return;
    }
    if (pr.state === ProgressState.Probe) {
      pr.becomeReplicate();
    } else if (pr.state === ProgressState.Snapshot && pr.match + 1 >= this.raftLog.firstIndex()) {
      // The follower has (by the snapshot or otherwise) everything up to where the log is kept:
      // plain appends can take over, even if the snapshot's own report never arrives.
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === ProgressState.Replicate) {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) {
      this.afterCommit();
    } else if (oldPaused) {
      this.sendAppend(m.from);
    }
    // Fill the window with whatever is left to send.
    while (this.maybeSendAppend(m.from, false)) {
      /* keep sending */
    }
    if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private sendTimeoutNow(to: bigint): void {
    this.send(newMessage({ type: MessageType.TimeoutNow, to }));
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.zeroTermOnCompacted(this.raftLog.committed) === this.term;
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) this.sendMsgReadIndexResponse(m);
  }

  private sendMsgReadIndexResponse(m: Message): void {
    if (this.trk.voters.length === 1 && this.trk.voters[0] === this.id) {
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    this.readOnly.addRequest(this.raftLog.committed, m);
    this.readOnly.recvAck(this.id, m.context ?? emptyData);
    this.bcastHeartbeatWithCtx(m.context);
  }

  private respondToReadIndex(req: Message, index: number): void {
    const ctx = req.context ?? emptyData;
    if (req.from === 0n || req.from === this.id) {
      this.readStates.push({ index, requestCtx: ctx });
    } else {
      this.send(newMessage({ type: MessageType.ReadIndexResp, to: req.from, index, context: ctx }));
    }
  }

  private stepCandidate(m: Message): boolean {
    const myVoteRespType = this.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
    switch (m.type) {
      case MessageType.Prop:
        return false;
      case MessageType.App:
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return true;
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return true;
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return true;
      case myVoteRespType: {
        const res = this.poll(m.from, m.type, !m.reject);
        if (res === VoteResult.Won) {
          if (this.state === StateType.PreCandidate) {
            this.campaign(CampaignType.Election);
          } else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (res === VoteResult.Lost) {
          this.becomeFollower(this.term, 0n);
        } else if (m.reject && this.state === StateType.Candidate) {
          this.retrySplitVoteSoon();
        }
        return true;
      }
      default:
        return true;
    }
  }

  private heardFromLeader(lead: bigint): void {
    this.electionElapsed = 0;
    this.lead = lead;
    this.quickRetries = 0;
  }

  private stepFollower(m: Message): boolean {
    switch (m.type) {
      case MessageType.Prop:
        if (this.lead === 0n) return false;
        this.forward(m);
        return true;
      case MessageType.App:
        this.heardFromLeader(m.from);
        this.handleAppendEntries(m);
        return true;
      case MessageType.Heartbeat:
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        return true;
      case MessageType.Snap:
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        return true;
      case MessageType.TransferLeader:
        if (this.lead === 0n) return false;
        this.forward(m);
        return true;
      case MessageType.TimeoutNow:
        // Transfers skip the pre-vote: the leader asked for this election.
        this.hup(CampaignType.Transfer);
        return true;
      case MessageType.ReadIndex:
        if (this.lead === 0n) return false;
        this.forward(m);
        return true;
      case MessageType.ReadIndexResp:
        this.readStates.push({ index: m.index, requestCtx: m.context ?? emptyData });
        return true;
      default:
        return true;
    }
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew >= 0) {
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: lastNew }));
      return;
    }
    // Tell the leader where our log might agree with its: the last index <= m.index whose term is
    // <= m.logTerm, and that entry's term, so it can skip whole terms at once.
    let hintIndex = Math.min(m.index, this.raftLog.lastIndex());
    hintIndex = this.raftLog.findConflictByTerm(hintIndex, m.logTerm);
    const hintTerm = this.raftLog.zeroTermOnCompacted(hintIndex);
    this.send(
      newMessage({
        type: MessageType.AppResp,
        to: m.from,
        index: m.index,
        reject: true,
        rejectHint: hintIndex,
        logTerm: hintTerm,
      }),
    );
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(newMessage({ type: MessageType.HeartbeatResp, to: m.from, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot!;
    if (this.restore(s)) {
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.send(newMessage({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Installs a snapshot sent by the leader; false if it was ignored (old, or already covered). */
  restore(s: Snapshot): boolean {
    const meta = s.metadata;
    if (meta.index <= this.raftLog.committed) return false;
    if (this.state !== StateType.Follower) {
      // Only a follower installs snapshots; anything else is a bug in the caller.
      this.becomeFollower(this.term + 1, 0n);
      return false;
    }
    // A snapshot taken before this member was added does not list it; it is still installed: the
    // member learns of itself from the AddNode entry that follows, and cannot campaign until then.
    const cs = meta.confState;
    if (this.raftLog.matchTerm(meta.index, meta.term)) {
      // We already hold the snapshot's last entry; just move the commit index.
      this.raftLog.commitTo(meta.index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk.reset(cs, this.raftLog.lastIndex() + 1);
    const self = this.trk.progress.get(this.id);
    if (self) self.match = 0;
    return true;
  }

  // ---- membership ----

  /** Applies a committed membership change (called by the application when it applies the entry). */
  applyConfChange(cc: ConfChange): ConfState {
    const next = this.raftLog.lastIndex() + 1;
    switch (cc.type) {
      case ConfChangeType.AddNode:
        this.trk.addVoter(cc.nodeId, next);
        break;
      case ConfChangeType.AddLearnerNode:
        this.trk.addLearner(cc.nodeId, next);
        break;
      case ConfChangeType.RemoveNode:
        this.trk.remove(cc.nodeId);
        if (this.leadTransferee === cc.nodeId) this.leadTransferee = 0n;
        break;
    }
    if (this.state === StateType.Leader && this.trk.voters.length > 0) {
      // The quorum changed: something may be committed now, and new members need appends.
      if (this.maybeCommit()) this.afterCommit();
      else for (const id of this.trk.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, false);
    }
    return this.trk.confState();
  }
}
