/**
 * The simulation's replicated state machine: a tiny key-value store with put and compare-and-set.
 * Commands carry the client operation ID; an ID applied twice (a duplicated proposal) has no effect
 * the second time, so every operation takes effect at most once.
 */

export type KvCommand =
  | { op: 'put'; id: string; key: string; value: string }
  | { op: 'cas'; id: string; key: string; expected: string | null; value: string };

export interface KvResult {
  ok: boolean;
  duplicate: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(c: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(c));
}

export function decodeCommand(data: Uint8Array): KvCommand {
  return JSON.parse(decoder.decode(data)) as KvCommand;
}

export class KvStateMachine {
  private readonly values = new Map<string, string>();
  private readonly results = new Map<string, boolean>();

  apply(c: KvCommand): KvResult {
    const prior = this.results.get(c.id);
    if (prior !== undefined) return { ok: prior, duplicate: true };
    let ok = true;
    if (c.op === 'put') {
      this.values.set(c.key, c.value);
    } else {
      const cur = this.values.get(c.key) ?? null;
      ok = cur === c.expected;
      if (ok) this.values.set(c.key, c.value);
    }
    this.results.set(c.id, ok);
    return { ok, duplicate: false };
  }

  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  serialize(): Uint8Array {
    return encoder.encode(JSON.stringify({ values: [...this.values], results: [...this.results] }));
  }

  static restore(data: Uint8Array): KvStateMachine {
    const kv = new KvStateMachine();
    if (data.length === 0) return kv;
    const parsed = JSON.parse(decoder.decode(data)) as { values: [string, string][]; results: [string, boolean][] };
    for (const [k, v] of parsed.values) kv.values.set(k, v);
    for (const [k, v] of parsed.results) kv.results.set(k, v);
    return kv;
  }

  /** A digest of the visible state, to compare replicas. */
  digest(): string {
    return JSON.stringify([...this.values].sort());
  }
}
