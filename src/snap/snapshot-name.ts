/** Snapshot files are named `%016x-%016x.snap` from their term and index, so names sort by age. */

const SNAPSHOT_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

export function formatSnapshotName(term: number, index: number): string {
  return `${term.toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.snap`;
}

export function parseSnapshotName(name: string): { term: number; index: number } | null {
  const match = SNAPSHOT_PATTERN.exec(name);
  if (!match) return null;
  const term = Number.parseInt(match[1]!, 16);
  const index = Number.parseInt(match[2]!, 16);
  if (!Number.isSafeInteger(term) || !Number.isSafeInteger(index)) return null;
  return { term, index };
}

/** The snapshot files among `names`, newest (highest term, then index) first. */
export function snapshotNamesNewestFirst(names: readonly string[]): string[] {
  return names.filter((n) => parseSnapshotName(n) !== null).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}
