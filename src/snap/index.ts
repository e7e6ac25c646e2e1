export { Snapshotter } from './snapshotter.js';
export type { BrokenSnapshot, LoadedSnapshot, SnapshotterOptions } from './snapshotter.js';
export type { ConfState, Snapshot, SnapshotToSave } from './snapshot.js';
export { formatSnapshotName, parseSnapshotName } from './snapshot-name.js';
