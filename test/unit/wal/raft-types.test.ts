import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, HardState as RaftHardState } from '../../../src/raft/messages.js';
import { Wal } from '../../../src/wal/wal.js';
import type { HardState, WalEntry } from '../../../src/wal/types.js';
import { METADATA, freshWalDir } from './wal-helpers.js';

// The Raft core persists its entries and hard state through the log as they are; these assignments
// fail to compile if the two sets of types drift apart.
const raftEntries: Entry[] = [
  { term: 1, index: 1, type: 0, data: new Uint8Array() },
  { term: 1, index: 2, type: 1, data: new Uint8Array([1]) },
];
const raftState: RaftHardState = { term: 1, vote: 0x8e9e05c52164694dn, commit: 2 };
const asWalEntries: readonly WalEntry[] = raftEntries;
const asWalState: HardState = raftState;

test('Raft entries and hard state go through the log unchanged', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 8192 });
  await wal.save(asWalState, asWalEntries);
  await wal.close();
  const opened = await Wal.open(dir, { index: 0, term: 0 }, { segmentSize: 8192 });
  const replayed: Entry[] = opened.entries;
  assert.deepEqual(replayed, raftEntries);
  assert.deepEqual(opened.hardState, raftState);
  await opened.wal.close();
});
