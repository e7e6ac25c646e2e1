/**
 * What the crash test knows about each key it wrote: the state after the last acknowledged write,
 * and at most one write whose outcome is unknown (in flight when the server died, or cut off).
 * Every key is written by one writer at a time, so after a restart the key must be in exactly one
 * of those two states. Pure: the caller supplies the time.
 */

/** A key as the server shows it. */
export interface ObservedNode {
  readonly value: string;
  readonly modifiedIndex: number;
  readonly expiration?: string;
  readonly ttl?: number;
}

export type KnownState =
  | { readonly exists: false }
  | { readonly exists: true; readonly node: ObservedNode };

export type UnknownWrite =
  | { readonly op: 'set'; readonly value: string; readonly ttl?: number }
  | { readonly op: 'delete' };

interface KeyRecord {
  acked: KnownState;
  unknown: UnknownWrite | null;
}

export interface KeyProblem {
  readonly key: string;
  readonly problem: string;
}

/** How much earlier than its expiration a TTL key may already be gone (clock reading slack). */
export const expirySlackMs = 1000;

function describe(node: ObservedNode | undefined): string {
  if (!node) return 'absent';
  return `value ${JSON.stringify(node.value)} at index ${node.modifiedIndex}${node.expiration ? `, expires ${node.expiration}` : ''}`;
}

function describeKnown(state: KnownState): string {
  return state.exists ? describe(state.node) : 'absent';
}

export class KeyModel {
  private readonly keys = new Map<string, KeyRecord>();

  private record(key: string): KeyRecord {
    let rec = this.keys.get(key);
    if (!rec) {
      rec = { acked: { exists: false }, unknown: null };
      this.keys.set(key, rec);
    }
    return rec;
  }

  /** The last acknowledged state (absent for a key never written). */
  acked(key: string): KnownState {
    return this.keys.get(key)?.acked ?? { exists: false };
  }

  /** Called before a write is sent: until it is answered its outcome is unknown. */
  begin(key: string, write: UnknownWrite): void {
    const rec = this.record(key);
    if (rec.unknown) throw new Error(`${key} already has a write of unknown outcome; one write per key at a time`);
    rec.unknown = write;
  }

  /** The write was acknowledged: the key is now in this state. */
  acknowledge(key: string, state: KnownState): void {
    const rec = this.record(key);
    rec.acked = state;
    rec.unknown = null;
  }

  /** The write was answered with a refusal (e.g. compare failed): nothing changed. */
  refuse(key: string): void {
    this.record(key).unknown = null;
  }

  /** Keys whose last acknowledged state is present. */
  keysAckedPresent(): string[] {
    return [...this.keys].filter(([, rec]) => rec.acked.exists).map(([key]) => key);
  }

  size(): number {
    return this.keys.size;
  }

  highestAckedIndex(): number {
    let highest = 0;
    for (const rec of this.keys.values()) {
      if (rec.acked.exists) highest = Math.max(highest, rec.acked.node.modifiedIndex);
    }
    return highest;
  }

  private matchesAcked(acked: KnownState, seen: ObservedNode | undefined, nowMs: number): boolean {
    if (!acked.exists) return seen === undefined;
    const want = acked.node;
    if (seen === undefined) {
      // A TTL key may have expired; it must not vanish before its time.
      return want.expiration !== undefined && nowMs >= Date.parse(want.expiration) - expirySlackMs;
    }
    if (seen.value !== want.value || seen.modifiedIndex !== want.modifiedIndex) return false;
    if (want.expiration !== seen.expiration) return false;
    if (want.ttl !== undefined && seen.ttl !== undefined && seen.ttl > want.ttl) return false;
    return true;
  }

  private matchesUnknown(rec: KeyRecord, seen: ObservedNode | undefined): boolean {
    const write = rec.unknown;
    if (!write) return false;
    if (write.op === 'delete') return seen === undefined;
    if (seen === undefined) return write.ttl !== undefined; // applied, then expired
    const floor = rec.acked.exists ? rec.acked.node.modifiedIndex : 0;
    return seen.value === write.value && seen.modifiedIndex > floor && (write.ttl === undefined) === (seen.expiration === undefined);
  }

  /**
   * Compares the server's keys after a restart with the model. `observed` holds every key under the
   * tested prefix. Returns the problems found; afterwards the model takes the observed state as acked.
   */
  checkAndAdopt(observed: ReadonlyMap<string, ObservedNode>, nowMs: number): KeyProblem[] {
    const problems: KeyProblem[] = [];
    for (const [key, rec] of this.keys) {
      const seen = observed.get(key);
      if (!this.matchesAcked(rec.acked, seen, nowMs) && !this.matchesUnknown(rec, seen)) {
        const unknown = rec.unknown ? `; or after the unanswered ${rec.unknown.op}${rec.unknown.op === 'set' ? ` of ${JSON.stringify(rec.unknown.value)}` : ''}` : '';
        problems.push({ key, problem: `expected ${describeKnown(rec.acked)} (last acknowledged${unknown}), found ${describe(seen)}` });
      }
      rec.acked = seen ? { exists: true, node: seen } : { exists: false };
      rec.unknown = null;
    }
    for (const [key, node] of observed) {
      if (!this.keys.has(key)) {
        problems.push({ key, problem: `present (${describe(node)}) but never written` });
        this.keys.set(key, { acked: { exists: true, node }, unknown: null });
      }
    }
    return problems;
  }
}
