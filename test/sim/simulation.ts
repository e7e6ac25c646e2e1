import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { initialClusterLog } from '../../src/raft/initial-cluster.js';
import { ConfChangeType, decodeConfChange } from '../../src/raft/conf-change.js';
import { EntryType, MessageType, messageTypeName, type Message } from '../../src/raft/messages.js';
import { StateType, stateTypeNames, type Raft } from '../../src/raft/raft.js';
import type { PlantedBugs } from '../../src/raft/config.js';
import { checkOperations, kvModel, type KvInput, type KvOperation, type KvOutput } from '../../src/linearizability/index.js';
import { KvStateMachine, decodeCommand, encodeCommand, type KvCommand } from './kv-state-machine.js';
import { SimNetwork, reliableNetwork, type NetworkConditions } from './network.js';
import { Prng } from './prng.js';
import { SafetyChecker } from './invariants.js';
import { SimNode, type NodeSettings } from './sim-node.js';

export interface SimOptions {
  seed: number;
  nodes: 3 | 5;
  /** Steps of the faulty phase; each step is one tick of every member's clock. */
  steps: number;
  plantedBugs?: PlantedBugs;
  /** Receives a readable line per event (used when replaying one seed). */
  trace?: (line: string) => void;
  /** Search budget of the linearizability check per key. */
  checkerMaxSteps?: number;
}

export interface SimResult {
  seed: number;
  nodes: number;
  safety: string[];
  linearizability: 'ok' | 'illegal' | 'unknown';
  linearizabilityDetail: string[];
  liveness: string | null;
  stats: {
    operations: number;
    unknownOutcomes: number;
    committed: number;
    leaders: number;
    crashes: number;
    partitions: number;
    confChanges: number;
    snapshotsSent: number;
    transfers: number;
    delivered: number;
    dropped: number;
    settings: string;
  };
}

interface PendingOp {
  opId: string;
  clientId: number;
  node: bigint;
  input: KvInput;
  call: number;
  deadline: number;
  /** ReadIndex result once known */
  readIndex: number;
  ctx: string;
}

const KEYS = ['x', 'y', 'z'];
const OP_TIMEOUT = 60;
const LIVENESS_BOUND = 400;

export class Simulation {
  private readonly rng: Prng;
  private readonly net: SimNetwork;
  private readonly checker: SafetyChecker;
  private readonly nodes = new Map<bigint, SimNode>();
  private readonly spares: bigint[] = [];
  private readonly settings: NodeSettings;
  private now = 0;
  /** Event clock for the client history: every call and return gets its own instant. */
  private clock = 0;
  private readonly history: KvOperation[] = [];
  private readonly pending = new Map<string, PendingOp>();
  private readonly clientBusy: (PendingOp | null)[];
  private readonly lastSeen = new Map<string, string | null>();
  private opCounter = 0;
  private healAt = -1;
  private readonly restartAt = new Map<bigint, number>();
  private readonly trace: (line: string) => void;
  private readonly stats: SimResult['stats'];
  private finalMarker: { id: string; leader: bigint; term: number } | null = null;
  /** How often crashes and partitions happen in this run (a multiplier drawn per seed). */
  private readonly faultRate: number;
  private faulty = true;
  /** Chance that a leader crashes right after persisting a new commit index, before sending. */
  private readonly crashAtCommit: number;
  /**
   * Leaders persist their entries asynchronously (as a server that does not hold Raft during a
   * leader's fsync): Raft goes on, and the leader's own copy counts once the write completes.
   * Odd seeds run so; drawn from the seed so the rest of a seed's run stays as it was.
   */
  private readonly asyncLeaderWrites: boolean;

  constructor(private readonly opts: SimOptions) {
    this.rng = new Prng(opts.seed * 2654435761 + opts.nodes);
    // A snapshot that never arrives is reported to its sender, as a real transport would.
    this.net = new SimNetwork(this.rng.fork(), (m) => {
      if (m.type === MessageType.Snap) this.nodes.get(m.from)?.node?.reportSnapshot(m.to, false);
    });
    this.trace = opts.trace ?? (() => {});
    this.checker = new SafetyChecker((what) => this.trace(`!! VIOLATION ${what}`));
    const r = this.rng;
    this.settings = {
      electionTick: 10,
      heartbeatTick: r.pick([1, 2, 3]),
      preVote: r.chance(0.7),
      checkQuorum: r.chance(0.7),
      maxInflightMsgs: r.pick([1, 4, 64]),
      maxEntriesPerMsg: r.pick([1, 1, 2, 8, Infinity]),
      plantedBugs: opts.plantedBugs,
    };
    this.faultRate = r.pick([0.5, 1, 2, 4]);
    this.crashAtCommit = r.pick([0, 0.05, 0.2, 0.5]);
    this.asyncLeaderWrites = opts.seed % 2 === 1;
    const members: bigint[] = [];
    for (let i = 1; i <= opts.nodes; i++) members.push(BigInt(i));
    for (let i = opts.nodes + 1; i <= opts.nodes + 3; i++) this.spares.push(BigInt(i));
    const boot = initialClusterLog(members);
    for (const id of members) {
      const storage = new MemoryStorage();
      storage.append(boot.entries);
      storage.setHardState(boot.hardState);
      const sn = new SimNode(id, storage, this.settings, this.rng.fork());
      sn.start();
      this.nodes.set(id, sn);
    }
    this.clientBusy = [null, null, null];
    this.stats = {
      operations: 0,
      unknownOutcomes: 0,
      committed: 0,
      leaders: 0,
      crashes: 0,
      partitions: 0,
      confChanges: 0,
      snapshotsSent: 0,
      transfers: 0,
      delivered: 0,
      dropped: 0,
      settings: `faults=x${this.faultRate} crashAtCommit=${this.crashAtCommit} asyncLeaderWrites=${this.asyncLeaderWrites} heartbeat=${this.settings.heartbeatTick} preVote=${this.settings.preVote} checkQuorum=${this.settings.checkQuorum} inflight=${this.settings.maxInflightMsgs} entriesPerMsg=${this.settings.maxEntriesPerMsg}`,
    };
    this.trace(`seed ${opts.seed}: ${opts.nodes} nodes, ${this.stats.settings}`);
  }

  // ---- helpers ----

  private upNodes(): SimNode[] {
    const out: SimNode[] = [];
    for (const sn of this.nodes.values()) if (sn.up) out.push(sn);
    return out;
  }

  private rafts(): Raft[] {
    return this.upNodes().map((sn) => sn.node!.raft);
  }

  /** The live leader with the highest term, if any. */
  private leader(): SimNode | null {
    let best: SimNode | null = null;
    for (const sn of this.upNodes()) {
      const r = sn.node!.raft;
      if (r.state === StateType.Leader && (!best || r.term > best.node!.raft.term)) best = sn;
    }
    return best;
  }

  private t(line: string): void {
    this.trace(`[${this.now}] ${line}`);
  }

  // ---- message flow ----

  private send(m: Message): void {
    const target = this.nodes.get(m.to);
    if (m.type === MessageType.Snap) this.stats.snapshotsSent++;
    if (!target || target.removed || !this.net.send(m, this.now)) {
      if (m.type === MessageType.Snap) this.nodes.get(m.from)?.node?.reportSnapshot(m.to, false);
    }
  }

  private deliver(m: Message): void {
    const target = this.nodes.get(m.to);
    const sender = this.nodes.get(m.from);
    if (!target || !target.node) {
      if (m.type === MessageType.Snap) sender?.node?.reportSnapshot(m.to, false);
      else if (sender?.node && m.type === MessageType.App) sender.node.reportUnreachable(m.to);
      return;
    }
    target.node.step(m);
    if (m.type === MessageType.Snap) {
      this.t(`${m.to} receives snapshot at ${m.snapshot!.metadata.index} from ${m.from}`);
      sender?.node?.reportSnapshot(m.to, true);
    }
  }

  private handleReady(sn: SimNode): void {
    const node = sn.node!;
    if (!node.hasReady()) return;
    const r = node.raft;
    const rd = node.ready();
    if (rd.softState) {
      this.t(`${sn.id} is ${stateTypeNames[rd.softState.state]} in term ${r.term} (leader ${rd.softState.lead})`);
      if (rd.softState.state === StateType.Leader) {
        this.stats.leaders++;
        this.checker.leaderElected(r);
      }
    }
    this.checker.entriesAppended(r, rd.entries);
    // A leader's term and vote were persisted while it was a candidate, so its Readies hold only
    // entries and commit indexes: those may be written while Raft goes on.
    const writeLater = this.asyncLeaderWrites && rd.snapshot === null && r.state === StateType.Leader
      && (rd.softState === null || rd.softState.state === StateType.Leader);
    if (writeLater) {
      sn.writing.push({ entries: rd.entries, hardState: rd.hardState, stable: null });
      if (rd.hardState) this.checker.commitAdvanced(r, rd.hardState.commit);
    } else {
      // One log on disk: earlier writes still under way complete before this one.
      while (sn.writing.length > 0) this.finishDiskWrite(sn);
      sn.persist(rd);
      if (rd.hardState) {
        this.checker.hardStatePersisted(sn.id, rd.hardState);
        this.checker.commitAdvanced(r, rd.hardState.commit);
      }
    }
    if (this.faulty && (rd.hardState || rd.softState) && r.state === StateType.Leader && this.rng.chance(this.crashAtCommit)) {
      // Dying between the disk write and the network send is the hardest moment for safety: a new
      // leader's no-op, or its new commit index, is durable but no follower has heard of it.
      this.crashNode(sn, 'after persisting, before sending');
      return;
    }
    for (const m of rd.messages) this.send(m);
    if (rd.snapshot) {
      this.checker.snapshotApplied(sn.id, rd.snapshot);
      sn.kv = KvStateMachine.restore(rd.snapshot.data);
      sn.applied = rd.snapshot.metadata.index;
      sn.confState = rd.snapshot.metadata.confState;
      this.t(`${sn.id} installs snapshot at ${sn.applied}, voters ${sn.confState.voters.join(',')}`);
    }
    if (rd.committedEntries.length > 0) this.checker.entriesApplied(sn.id, rd.committedEntries);
    let removedSelf = false;
    for (const e of rd.committedEntries) {
      if (e.index <= sn.applied) continue;
      sn.applied = e.index;
      if (e.type === EntryType.ConfChange) {
        const cc = decodeConfChange(e.data);
        sn.confState = node.applyConfChange(cc);
        if (cc.type === ConfChangeType.RemoveNode) {
          if (cc.nodeId === sn.id) removedSelf = true;
          else this.stopRemoved(cc.nodeId);
        }
        continue;
      }
      if (e.data.length === 0) continue;
      const cmd = decodeCommand(e.data);
      const res = sn.kv.apply(cmd);
      this.completeWrite(sn.id, cmd, res.ok);
    }
    for (const rs of rd.readStates) {
      const key = new TextDecoder().decode(rs.requestCtx);
      const op = this.pending.get(key);
      if (op && op.node === sn.id) op.readIndex = rs.index;
    }
    if (writeLater) sn.writing[sn.writing.length - 1]!.stable = node.advanceWriting();
    else node.advance();
    this.serveReads(sn);
    if (removedSelf) this.stopRemoved(sn.id);
  }

  /** Completes a member's oldest asynchronous write: on storage, and reported to Raft. */
  private finishDiskWrite(sn: SimNode): void {
    const w = sn.writing.shift();
    if (!w || !sn.node) return;
    if (w.entries.length > 0) sn.storage.append(w.entries);
    if (w.hardState) {
      sn.storage.setHardState(w.hardState);
      this.checker.hardStatePersisted(sn.id, w.hardState);
    }
    if (w.stable) sn.node.markStable(w.stable.index, w.stable.term);
  }

  private crashNode(sn: SimNode, why: string): void {
    this.stats.crashes++;
    this.t(`${sn.id} crashes ${why} (unpersisted: ${sn.node!.raft.raftLog.unstableEntries().length} entries)`);
    sn.crash();
    this.failPendingAt(sn.id);
    this.restartAt.set(sn.id, this.now + this.rng.between(2, 60));
    this.reportDown(sn.id);
  }

  /**
   * A process that dies closes its port, and the members whose transport then finds nothing
   * listening there report it (most of them at once; a partition would hide it from the others).
   */
  private reportDown(id: bigint): void {
    for (const other of this.upNodes()) {
      if (this.rng.chance(0.7)) {
        this.t(`${other.id} finds ${id}'s port closed`);
        other.node!.reportPeerDown(id);
      }
    }
  }

  private stopRemoved(id: bigint): void {
    const sn = this.nodes.get(id);
    if (!sn || sn.removed) return;
    this.t(`${id} is removed from the cluster and stops`);
    sn.crash();
    sn.removed = true;
    this.failPendingAt(id);
    this.reportDown(id);
  }

  // ---- clients ----

  private startClientOps(): void {
    for (let c = 0; c < this.clientBusy.length; c++) {
      if (this.clientBusy[c] || !this.rng.chance(0.3)) continue;
      const candidates = this.upNodes();
      if (candidates.length === 0) return;
      const leader = this.leader();
      const sn = leader && this.rng.chance(0.6) ? leader : this.rng.pick(candidates);
      const key = this.rng.pick(KEYS);
      const opId = `c${c}-${++this.opCounter}`;
      const roll = this.rng.next();
      let input: KvInput;
      if (roll < 0.4) input = { op: 'put', key, value: opId };
      else if (roll < 0.65) {
        const seen = this.lastSeen.get(key) ?? null;
        input = { op: 'cas', key, expected: this.rng.chance(0.8) ? seen : null, value: opId };
      } else input = { op: 'get', key };
      const op: PendingOp = {
        opId,
        clientId: c,
        node: sn.id,
        input,
        call: ++this.clock,
        deadline: this.now + OP_TIMEOUT,
        readIndex: -1,
        ctx: opId,
      };
      const node = sn.node!;
      let accepted: boolean;
      if (input.op === 'get') {
        node.readIndex(new TextEncoder().encode(opId));
        accepted = true;
      } else {
        const cmd: KvCommand =
          input.op === 'put'
            ? { op: 'put', id: opId, key, value: input.value }
            : { op: 'cas', id: opId, key, expected: (input as { expected: string | null }).expected, value: input.value };
        accepted = node.propose(encodeCommand(cmd));
      }
      this.t(`client ${c} ${input.op} ${JSON.stringify(input)} at ${sn.id}${accepted ? '' : ' (dropped at once)'}`);
      if (!accepted) continue; // definitely not applied: not part of the history
      this.pending.set(opId, op);
      this.clientBusy[c] = op;
      this.stats.operations++;
    }
  }

  private finish(op: PendingOp, output: KvOutput | undefined): void {
    this.pending.delete(op.opId);
    if (this.clientBusy[op.clientId] === op) this.clientBusy[op.clientId] = null;
    const ret = output === undefined ? Infinity : ++this.clock;
    if (output === undefined) this.stats.unknownOutcomes++;
    this.history.push({ clientId: op.clientId, input: op.input, output, call: op.call, return: ret });
    this.t(`client ${op.clientId} ${op.input.op} ${op.opId} -> ${output === undefined ? 'unknown' : JSON.stringify(output)}`);
  }

  private completeWrite(nodeId: bigint, cmd: KvCommand, ok: boolean): void {
    if (cmd.id === this.finalMarker?.id) return;
    const op = this.pending.get(cmd.id);
    if (!op || op.node !== nodeId) return;
    if (cmd.op === 'put') this.lastSeen.set(cmd.key, cmd.value);
    this.finish(op, cmd.op === 'cas' ? { ok } : {});
  }

  private serveReads(sn: SimNode): void {
    for (const op of this.pending.values()) {
      if (op.node !== sn.id || op.input.op !== 'get' || op.readIndex < 0 || op.readIndex > sn.applied) continue;
      const value = sn.kv.get(op.input.key);
      this.lastSeen.set(op.input.key, value);
      this.finish(op, { value });
    }
  }

  private failPendingAt(id: bigint): void {
    for (const op of [...this.pending.values()]) if (op.node === id) this.finish(op, undefined);
  }

  private expireOps(): void {
    for (const op of [...this.pending.values()]) if (op.deadline <= this.now) this.finish(op, undefined);
  }

  // ---- faults ----

  private injectFaults(): void {
    const r = this.rng;
    const ids = [...this.nodes.values()].filter((sn) => !sn.removed).map((sn) => sn.id);
    // partitions
    if (this.net.hasPartition() && this.now >= this.healAt) {
      this.net.heal();
      this.t('network heals');
    } else if (!this.net.hasPartition() && r.chance(0.01 * this.faultRate)) {
      this.stats.partitions++;
      this.healAt = this.now + r.between(10, 150);
      if (r.chance(0.6)) {
        // Often the leader alone: its new entries stay on it while the rest elect another leader.
        const leader = this.leader();
        const side = leader && r.chance(0.5) ? [leader.id] : ids.filter(() => r.chance(0.5));
        for (const a of side) for (const b of ids) if (!side.includes(b)) (this.net.block(a, b), this.net.block(b, a));
        this.t(`partition {${side.join(',')}} | rest`);
      } else {
        const links = r.between(1, 3);
        const desc: string[] = [];
        for (let i = 0; i < links; i++) {
          const a = r.pick(ids);
          const b = r.pick(ids);
          if (a !== b) (this.net.block(a, b), desc.push(`${a}->${b}`));
        }
        this.t(`one-way partition ${desc.join(' ')}`);
      }
    }
    // a wrong report that a live leader is down (a stale peer URL refusing connections)
    if (r.chance(0.002 * this.faultRate)) {
      const up = this.upNodes();
      const leader = this.leader();
      if (leader && up.length > 0) {
        const sn = r.pick(up);
        this.t(`${sn.id} wrongly finds leader ${leader.id}'s port closed`);
        sn.node!.reportPeerDown(leader.id);
      }
    }
    // network quality
    if (r.chance(0.01)) {
      const c: NetworkConditions = {
        dropRate: r.pick([0, 0, 0.01, 0.05, 0.2]),
        duplicateRate: r.pick([0, 0.02, 0.1]),
        maxDelay: r.pick([0, 1, 2, 4, 8]),
      };
      this.net.conditions = c;
      this.t(`network drop=${c.dropRate} dup=${c.duplicateRate} delay<=${c.maxDelay}`);
    }
    // crashes and restarts
    for (const [id, at] of this.restartAt) {
      if (at > this.now) continue;
      this.restartAt.delete(id);
      const sn = this.nodes.get(id)!;
      if (sn.removed) continue;
      sn.start();
      this.checker.memberRestarted(id);
      this.t(`${id} restarts (term ${sn.node!.raft.term}, commit ${sn.node!.raft.raftLog.committed}, last ${sn.node!.raft.raftLog.lastIndex()})`);
    }
    if (r.chance(0.006 * this.faultRate)) {
      const up = this.upNodes();
      if (up.length > 0) {
        const sn = r.chance(0.6) && this.leader() ? this.leader()! : r.pick(up);
        this.crashNode(sn, '');
      }
    }
    const leader = this.leader();
    // membership changes
    if (leader && r.chance(0.005)) {
      const voters = leader.node!.raft.trk.voters;
      const min = this.opts.nodes === 3 ? 2 : 3;
      if ((voters.length <= min || r.chance(0.5)) && this.spares.length > 0) {
        const id = this.spares.shift()!;
        const sn = new SimNode(id, new MemoryStorage(), this.settings, r.fork());
        sn.start();
        this.nodes.set(id, sn);
        const ok = leader.node!.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: id, context: new Uint8Array() });
        this.stats.confChanges++;
        this.t(`propose add ${id} at ${leader.id}${ok ? '' : ' (dropped)'}`);
      } else if (voters.length > min) {
        const id = r.pick(voters);
        const ok = leader.node!.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: id, context: new Uint8Array() });
        this.stats.confChanges++;
        this.t(`propose remove ${id} at ${leader.id}${ok ? '' : ' (dropped)'}`);
      }
    }
    // leadership transfer
    if (leader && r.chance(0.004)) {
      const others = leader.node!.raft.trk.voters.filter((v) => v !== leader.id);
      if (others.length > 0) {
        const to = r.pick(others);
        this.stats.transfers++;
        this.t(`transfer leadership ${leader.id} -> ${to}`);
        leader.node!.transferLeadership(to);
      }
    }
    // snapshots and compaction
    if (r.chance(0.03)) {
      const up = this.upNodes();
      if (up.length > 0) {
        const sn = r.pick(up);
        if (sn.compact(r.between(0, 4))) this.t(`${sn.id} snapshots at ${sn.applied} and compacts`);
      }
    }
  }

  // ---- the step ----

  private step(faulty: boolean): void {
    this.now++;
    this.faulty = faulty;
    if (faulty) {
      this.injectFaults();
      this.startClientOps();
    }
    const handleProb = faulty ? 0.8 : 1;
    for (let round = 0; round < 3; round++) {
      for (const m of this.net.takeDue(this.now)) {
        this.deliver(m);
      }
      for (const sn of this.upNodes()) if (sn.node && this.rng.chance(handleProb)) this.handleReady(sn);
      if (this.asyncLeaderWrites) {
        for (const sn of this.upNodes()) if (sn.writing.length > 0 && (!faulty || this.rng.chance(0.6))) this.finishDiskWrite(sn);
      }
    }
    for (const sn of this.upNodes()) {
      if (faulty && this.rng.chance(0.03)) continue; // a slow clock
      sn.node!.tick();
    }
    // Some members leave their Ready for later, so a crash can catch unpersisted state.
    for (const sn of this.upNodes()) if (sn.node && (!faulty || this.rng.chance(0.5))) this.handleReady(sn);
    this.expireOps();
    this.checker.afterStep(this.rafts());
  }

  /** Heals everything and waits for a leader that commits a fresh entry on every live voter. */
  private checkLiveness(): string | null {
    this.net.heal();
    this.net.conditions = reliableNetwork;
    for (const sn of this.nodes.values()) {
      if (!sn.removed && !sn.up) {
        sn.start();
        this.checker.memberRestarted(sn.id);
      }
    }
    this.restartAt.clear();
    this.t('--- healed: network reliable, every member up ---');
    let attempt = 0;
    for (let i = 0; i < LIVENESS_BOUND; i++) {
      this.step(false);
      const leader = this.leader();
      if (!leader) continue;
      const r = leader.node!.raft;
      if (!this.finalMarker || this.finalMarker.leader !== leader.id || this.finalMarker.term !== r.term) {
        const id = `final-${++attempt}`;
        if (leader.node!.propose(encodeCommand({ op: 'put', id, key: '__final', value: id }))) {
          this.finalMarker = { id, leader: leader.id, term: r.term };
          this.t(`liveness marker ${id} proposed at ${leader.id}`);
        }
        continue;
      }
      const voters = r.trk.voters;
      const done = voters.every((v) => {
        const sn = this.nodes.get(v);
        return sn !== undefined && sn.up && sn.kv.get('__final') === this.finalMarker!.id;
      });
      if (done) {
        this.t(`liveness: marker applied on voters ${voters.join(',')} after ${i + 1} steps`);
        return null;
      }
    }
    const leader = this.leader();
    const states = this.upNodes()
      .map((sn) => `${sn.id}:${stateTypeNames[sn.node!.raft.state]}/t${sn.node!.raft.term}/c${sn.node!.raft.raftLog.committed}`)
      .join(' ');
    return leader
      ? `leader ${leader.id} could not commit a new entry on all voters within ${LIVENESS_BOUND} steps (${states})`
      : `no leader within ${LIVENESS_BOUND} steps after healing (${states})`;
  }

  run(): SimResult {
    let liveness: string | null = null;
    try {
      for (let i = 0; i < this.opts.steps; i++) this.step(true);
      liveness = this.checkLiveness();
    } catch (e) {
      // The core refuses impossible states by throwing (e.g. a conflict with a committed entry).
      this.checker.fail(`a member stopped with an error at step ${this.now}: ${(e as Error).message}`);
    }
    for (const op of [...this.pending.values()]) this.finish(op, undefined);
    const check = checkOperations(kvModel, this.history, { maxSteps: this.opts.checkerMaxSteps ?? 2_000_000 });
    this.stats.committed = this.checker.committedIndex();
    this.stats.delivered = this.net.delivered;
    this.stats.dropped = this.net.dropped;
    return {
      seed: this.opts.seed,
      nodes: this.opts.nodes,
      safety: this.checker.violations,
      linearizability: check.outcome,
      linearizabilityDetail: check.illegalPartition ?? [],
      liveness,
      stats: this.stats,
    };
  }
}

export function runSimulation(opts: SimOptions): SimResult {
  return new Simulation(opts).run();
}

export function describeMessage(m: Message): string {
  return `${messageTypeName(m.type)} ${m.from}->${m.to} t${m.term} i${m.index} n${m.entries.length}`;
}
