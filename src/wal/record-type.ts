/** The kinds of records a log segment holds; the number is the type byte in each record's header. */
export const RecordType = {
  /** Opaque bytes given at creation (member ID, cluster ID); repeated at the start of every segment. */
  metadata: 1,
  /** One Raft log entry. */
  entry: 2,
  /** Raft's hard state (term, vote, commit). */
  hardState: 3,
  /** A snapshot marker: a snapshot up to { index, term } exists. */
  snapshot: 4,
  /** Carries the running checksum of everything before it; the first record of every segment. */
  crc: 5,
} as const;

export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export function isRecordType(value: number): value is RecordType {
  return value >= RecordType.metadata && value <= RecordType.crc;
}

export function recordTypeName(value: number): string {
  for (const [name, code] of Object.entries(RecordType)) if (code === value) return name;
  return `unknown(${value})`;
}
