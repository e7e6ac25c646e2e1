import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { RaftNode, type Ready } from '../../src/raft/node.js';
import type { PlantedBugs } from '../../src/raft/config.js';
import type { ConfState, Entry, HardState } from '../../src/raft/messages.js';
import { KvStateMachine } from './kv-state-machine.js';
import type { Prng } from './prng.js';

export interface NodeSettings {
  electionTick: number;
  heartbeatTick: number;
  preVote: boolean;
  checkQuorum: boolean;
  maxInflightMsgs: number;
  maxEntriesPerMsg: number;
  plantedBugs?: PlantedBugs;
}

/**
 * One simulated member: durable storage that survives crashes, and the volatile parts (Raft core,
 * state machine) that a crash throws away. Everything not yet written to `storage` is lost.
 */
export class SimNode {
  readonly storage: MemoryStorage;
  node: RaftNode | null = null;
  kv = new KvStateMachine();
  applied = 0;
  confState: ConfState = { voters: [] };
  /** This member learned it was removed and shut down for good. */
  removed = false;
  /**
   * Writes of a leader that persists asynchronously: handed out by a Ready, not yet on `storage`.
   * Completed in order; a crash loses them.
   */
  writing: { entries: Entry[]; hardState: HardState | null; stable: { index: number; term: number } | null }[] = [];
  incarnation = 0;

  constructor(
    readonly id: bigint,
    storage: MemoryStorage,
    private readonly settings: NodeSettings,
    private readonly rng: Prng,
  ) {
    this.storage = storage;
  }

  get up(): boolean {
    return this.node !== null;
  }

  start(): void {
    if (this.node || this.removed) return;
    const snap = this.storage.snapshot();
    // A leader applies (and may snapshot) entries whose commit index is still being written; the
    // snapshot proves them committed, so a restart takes the larger index, as the server's does.
    const hs = this.storage.getHardState();
    if (hs.commit < snap.metadata.index) this.storage.setHardState({ ...hs, commit: snap.metadata.index });
    this.kv = KvStateMachine.restore(snap.data);
    this.applied = snap.metadata.index;
    this.confState = snap.metadata.confState;
    this.incarnation++;
    this.node = new RaftNode({
      id: this.id,
      storage: this.storage,
      random: this.rng.fork(),
      electionTick: this.settings.electionTick,
      heartbeatTick: this.settings.heartbeatTick,
      preVote: this.settings.preVote,
      checkQuorum: this.settings.checkQuorum,
      maxInflightMsgs: this.settings.maxInflightMsgs,
      maxEntriesPerMsg: this.settings.maxEntriesPerMsg,
      maxSizePerMsg: 64 * 1024,
      plantedBugs: this.settings.plantedBugs,
    });
  }

  /** Loses everything volatile: the core with its unpersisted entries, and the state machine. */
  crash(): void {
    this.node = null;
    this.writing = [];
  }

  /** Writes a Ready's durable parts, in the order a real server must. */
  persist(rd: Ready): void {
    if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
  }

  /** Takes a snapshot of the state machine at the applied index and compacts the log behind it. */
  compact(keep: number): boolean {
    if (!this.node) return false;
    if (this.applied <= this.storage.snapshot().metadata.index) return false;
    if (this.applied > this.storage.lastIndex()) return false;
    this.storage.createSnapshot(this.applied, this.confState, this.kv.serialize());
    const upTo = this.applied - keep;
    if (upTo >= this.storage.firstIndex()) this.storage.compact(upTo);
    return true;
  }
}
