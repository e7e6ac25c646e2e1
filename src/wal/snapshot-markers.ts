import path from 'node:path';
import { WalCorruptionError } from './errors.js';
import type { FileIo } from './file-io.js';
import { scanSegment } from './segment-scanner.js';
import type { SegmentName } from './segment-name.js';
import type { HardState, WalSnapshotMarker } from './types.js';

/**
 * The snapshot markers in every segment of a log that a restart may start from: those at or below
 * the last saved commit index (a snapshot beyond it was never known to be committed). Reads only;
 * a torn write at the end of the last segment is ignored, other damage throws. Newest last.
 */
export function readSnapshotMarkers(io: FileIo, dir: string, segments: readonly SegmentName[]): WalSnapshotMarker[] {
  const markers: WalSnapshotMarker[] = [];
  let hardState: HardState | null = null;
  let runningCrc: number | null = null;
  segments.forEach((segment, i) => {
    const scan = scanSegment(io.readWhole(path.join(dir, segment.name)), runningCrc, (record) => {
      if (record.kind === 'snapshot') markers.push(record.marker);
      else if (record.kind === 'hardState') hardState = record.state;
    }, undefined, true);
    if (scan.tail.kind === 'corrupt') throw new WalCorruptionError(segment.name, scan.tail.offset, scan.tail.reason);
    if (scan.tail.kind === 'torn' && i < segments.length - 1) {
      throw new WalCorruptionError(segment.name, scan.end, `torn record in a segment that is not the last: ${scan.tail.reason}`);
    }
    if (scan.runningCrc !== null) runningCrc = scan.runningCrc;
  });
  const commit = (hardState as HardState | null)?.commit ?? 0;
  return markers.filter((m) => m.index <= commit);
}
