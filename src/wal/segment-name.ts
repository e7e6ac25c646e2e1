import { WalError } from './errors.js';

/** A segment file: `%016x-%016x.wal` from its sequence number and the index of its first entry. */
export interface SegmentName {
  seq: number;
  firstIndex: number;
  name: string;
}

const SEGMENT_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function formatSegmentName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

export function parseSegmentName(name: string): SegmentName | null {
  const match = SEGMENT_PATTERN.exec(name);
  if (!match) return null;
  const seq = Number.parseInt(match[1]!, 16);
  const firstIndex = Number.parseInt(match[2]!, 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex)) return null;
  return { seq, firstIndex, name };
}

/** The segments among `names`, ordered by sequence; the sequence numbers must be consecutive. */
export function sortSegments(names: readonly string[]): SegmentName[] {
  const segments = names.map(parseSegmentName).filter((s): s is SegmentName => s !== null);
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    if (segments[i]!.seq !== segments[i - 1]!.seq + 1) {
      throw new WalError('WAL_CORRUPT', `wal segments are not consecutive: ${segments[i - 1]!.name} then ${segments[i]!.name}`);
    }
  }
  return segments;
}

/** Position of the segment a reader must start at to see everything after `index`, or -1. */
export function segmentHoldingIndex(segments: readonly SegmentName[], index: number): number {
  for (let i = segments.length - 1; i >= 0; i--) if (segments[i]!.firstIndex <= index) return i;
  return -1;
}

function hex16(value: number): string {
  return value.toString(16).padStart(16, '0');
}
