/** Members taking part in consensus at the snapshot's index. IDs are uint64 member IDs. */
export interface ConfState {
  voters: bigint[];
  learners: bigint[];
}

/** A snapshot of the applied state machine (the v2 store) up to `index`, taken at `term`. */
export interface Snapshot {
  index: number;
  term: number;
  confState: ConfState;
  /** The serialized state machine; opaque to the snapshotter. */
  data: Uint8Array;
}

/**
 * What `Snapshotter.save` takes: confState may be left out (no members recorded), and so may its
 * learners, so Raft's own snapshot metadata can be passed as it is.
 */
export type SnapshotToSave = Omit<Snapshot, 'confState'> & { confState?: { voters: bigint[]; learners?: bigint[] } };
