import { ConfChangeType, encodeConfChange } from './conf-change.js';
import { EntryType, type Entry, type HardState } from './messages.js';

/**
 * The log a brand-new cluster starts from: one AddNode entry per initial member at term 1, already
 * committed. Every member of a new cluster writes the same entries, so members added later learn
 * the initial membership by replicating them like any other entry.
 */
export function initialClusterLog(members: bigint[]): { entries: Entry[]; hardState: HardState } {
  const entries: Entry[] = members.map((id, i) => ({
    term: 1,
    index: i + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange({ type: ConfChangeType.AddNode, nodeId: id, context: new Uint8Array(0) }),
  }));
  return { entries, hardState: { term: 1, vote: 0n, commit: entries.length } };
}
