/**
 * Flotilla's Raft core: pure (no timers, I/O, clock or global randomness), shaped like etcd's raft.
 *
 * Driving it from a server:
 * - Storage: keep a MemoryStorage as the core's view of the log. At start, load the WAL into it
 *   (`applySnapshot` for the newest snapshot, then `setHardState` and `append` of the WAL's entries);
 *   after each Ready, write to the WAL and to the MemoryStorage. A new cluster's members all start
 *   from `initialClusterLog(memberIds)`; a member joining an existing cluster starts empty.
 * - Clock: call `tick()` every heartbeat interval / heartbeatTick (etcd: 100 ms, heartbeatTick 1,
 *   electionTick 10). Randomness: pass a RandomSource (e.g. one built on Math.random).
 * - Loop: `step()` what peers send, `propose`/`proposeMany`/`proposeConfChange`/`readIndex` for
 *   clients; then, while `hasReady()`: `ready()`, persist, send, apply, `advance()` (see Ready).
 */
export * from './messages.js';
export * from './errors.js';
export * from './conf-change.js';
export type { Storage } from './storage.js';
export { MemoryStorage } from './memory-storage.js';
export type { RaftConfig, RandomSource } from './config.js';
export { RaftLog } from './log.js';
export { Progress, ProgressState } from './progress.js';
export { Raft, StateType, stateTypeNames } from './raft.js';
export { RaftNode, type Ready, type SoftState, type NodeStatus } from './node.js';
export { initialClusterLog } from './initial-cluster.js';
