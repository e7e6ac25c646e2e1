import type { Storage } from './storage.js';

/** Randomness injected into the core; `intn(n)` returns an integer in [0, n). */
export interface RandomSource {
  intn(n: number): number;
}

/**
 * Switches that deliberately break Raft. They exist only so the simulation can prove it detects
 * such bugs; never set them anywhere else.
 */
export interface PlantedBugs {
  /** Commit an index counted on a quorum even if its entry is from an older term (Figure 8). */
  commitOlderTermByCounting?: boolean;
  /** Grant a vote even after voting for someone else in the same term. */
  voteTwiceInOneTerm?: boolean;
}

export interface RaftConfig {
  id: bigint;
  /** Ticks without hearing from a leader before campaigning (randomized in [n, 2n)). */
  electionTick: number;
  /** Ticks between leader heartbeats; must be less than electionTick. */
  heartbeatTick: number;
  storage: Storage;
  random: RandomSource;
  /** Last index the application had applied at restart (entries after it are handed out again). */
  applied?: number;
  /** Upper bound in bytes of the entries carried by one append message. */
  maxSizePerMsg?: number;
  /** Upper bound on the number of entries carried by one append message. */
  maxEntriesPerMsg?: number;
  /** Upper bound in bytes of committed entries handed out in one Ready. */
  maxCommittedSizePerReady?: number;
  /** Append messages in flight per follower while replicating. */
  maxInflightMsgs?: number;
  /** The leader steps down when it has not heard from a quorum for an election timeout. */
  checkQuorum?: boolean;
  /** Run a pre-election that does not bump terms, so a partitioned node cannot disrupt a cluster. */
  preVote?: boolean;
  plantedBugs?: PlantedBugs;
}
