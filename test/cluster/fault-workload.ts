/**
 * The clients of the fault test: each one loops over writes, compare-and-swaps (on prevValue and
 * on prevIndex) and quorum reads of a few register keys, plus appends to a log directory, each
 * sent to a random member. Every register operation goes into a history for the linearizability
 * checker with its call and return times; every acknowledged append is remembered so the test can
 * check afterwards that none was lost.
 *
 * Outcomes: an answer that settles the operation (success, "compare failed", "key not found", a
 * read's value) is recorded as such. A refused connection means the request never reached a
 * server, so the operation did not happen and is left out. Anything else (a timeout, a reset
 * connection, a 5xx such as a timed-out proposal) is unknown: it may yet take effect.
 */
import { httpRequest, type HttpAnswer } from '../support/cluster.js';
import type { KvInput, KvOperation, KvOutput } from '../../src/linearizability/index.js';
import { SeededRandom } from '../crash/seeded-random.js';

export interface WorkloadOptions {
  seed: number;
  clients: number;
  keys: number;
  /** Bound on each request. */
  requestTimeoutMs: number;
  /** The client URLs to pick from (read each time, so members added later count). */
  targets: () => readonly string[];
  /**
   * Send the clients' reads without quorum=true (local, possibly stale reads). Only for showing that
   * the test notices: such a history is expected to fail the check under partitions.
   */
  staleReads?: boolean;
  /** Time source for the history, in ms. */
  now: () => number;
}

export interface AckedAppend {
  key: string;
  value: string;
}

export interface WorkloadCounts {
  ops: number;
  unknown: number;
  refused: number;
  appendsAcked: number;
  appendsUnknown: number;
}

interface NodeBody {
  node?: { key?: string; value?: string; modifiedIndex?: number };
  errorCode?: number;
}

const registerDir = '/fault/reg';
export const appendDir = '/fault/log';

export function registerKey(i: number): string {
  return `${registerDir}/r${i}`;
}

type Outcome = { kind: 'answer'; answer: HttpAnswer } | { kind: 'refused' } | { kind: 'unknown' };

async function send(method: string, url: string, body: string | undefined, timeoutMs: number): Promise<Outcome> {
  try {
    const answer = await httpRequest(method, url, body === undefined ? { timeoutMs } : { body, timeoutMs });
    return { kind: 'answer', answer };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return { kind: 'refused' };
    return { kind: 'unknown' };
  }
}

function errorCode(a: HttpAnswer): number | undefined {
  return (a.json as NodeBody | undefined)?.errorCode;
}

export class FaultWorkload {
  readonly history: KvOperation[] = [];
  readonly acked: AckedAppend[] = [];
  readonly counts: WorkloadCounts = { ops: 0, unknown: 0, refused: 0, appendsAcked: 0, appendsUnknown: 0 };
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: WorkloadOptions) {}

  start(): void {
    this.running = true;
    for (let c = 0; c < this.options.clients; c++) this.loops.push(this.clientLoop(c));
  }

  /** Stops issuing operations; resolves when every one in flight has settled (each is bounded). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private record(clientId: number, input: KvInput, call: number, outcome: KvOutput | 'unknown' | 'refused'): void {
    this.counts.ops++;
    if (outcome === 'refused') {
      this.counts.refused++;
      return;
    }
    if (outcome === 'unknown') this.counts.unknown++;
    this.history.push({
      clientId,
      input,
      output: outcome === 'unknown' ? undefined : outcome,
      call,
      return: outcome === 'unknown' ? 0 : this.options.now(),
    });
  }

  /** A quorum read of a register, recorded; returns what was read (value and index) when known. */
  async quorumRead(clientId: number, target: string, key: string, stale = false): Promise<{ value: string | null; index: number } | null> {
    const call = this.options.now();
    const o = await send('GET', `${target}/v2/keys${key}${stale ? '' : '?quorum=true'}`, undefined, this.options.requestTimeoutMs);
    const input: KvInput = { op: 'get', key };
    if (o.kind !== 'answer') {
      this.record(clientId, input, call, o.kind);
      return null;
    }
    const a = o.answer;
    if (a.status === 200) {
      const node = (a.json as NodeBody).node;
      const value = node?.value ?? null;
      this.record(clientId, input, call, { value });
      return { value, index: node?.modifiedIndex ?? -1 };
    }
    if (a.status === 404 && errorCode(a) === 100) {
      this.record(clientId, input, call, { value: null });
      return { value: null, index: -1 };
    }
    this.record(clientId, input, call, 'unknown');
    return null;
  }

  private async clientLoop(clientId: number): Promise<void> {
    const rng = SeededRandom.derive(this.options.seed, 7, clientId);
    const timeout = this.options.requestTimeoutMs;
    let n = 0;
    /** The last value this client saw or wrote per key: what its compare-and-swaps expect. */
    const seen = new Map<string, string>();
    while (this.running) {
      const targets = this.options.targets();
      const target = rng.pick(targets);
      const key = registerKey(rng.int(0, this.options.keys - 1));
      const value = `s${this.options.seed}c${clientId}n${n++}`;
      const roll = rng.next();
      if (roll < 0.3) {
        const r = await this.quorumRead(clientId, target, key, this.options.staleReads ?? false);
        if (r?.value != null) seen.set(key, r.value);
      } else if (roll < 0.5) {
        const call = this.options.now();
        const o = await send('PUT', `${target}/v2/keys${key}`, `value=${value}`, timeout);
        const input: KvInput = { op: 'put', key, value };
        if (o.kind === 'answer' && (o.answer.status === 200 || o.answer.status === 201)) {
          this.record(clientId, input, call, {});
          seen.set(key, value);
        } else {
          this.record(clientId, input, call, o.kind === 'refused' ? 'refused' : 'unknown');
        }
      } else if (roll < 0.7) {
        const expected = seen.get(key);
        if (expected === undefined) continue;
        const call = this.options.now();
        const o = await send('PUT', `${target}/v2/keys${key}`, `value=${value}&prevValue=${expected}`, timeout);
        this.recordCas(clientId, { op: 'cas', key, expected, value }, call, o);
        if (o.kind === 'answer' && (o.answer.status === 200 || o.answer.status === 201)) seen.set(key, value);
      } else if (roll < 0.85) {
        // Read, then swap on the index read. Every value is written once, so "the key's index is
        // still the one read" is the same as "the key still holds the value read": a prevIndex
        // compare-and-swap is checked as a prevValue one on that value.
        const r = await this.quorumRead(clientId, target, key);
        if (!r || r.value === null) continue;
        seen.set(key, r.value);
        const call = this.options.now();
        const o = await send('PUT', `${target}/v2/keys${key}`, `value=${value}&prevIndex=${r.index}`, timeout);
        this.recordCas(clientId, { op: 'cas', key, expected: r.value, value }, call, o);
        if (o.kind === 'answer' && (o.answer.status === 200 || o.answer.status === 201)) seen.set(key, value);
      } else {
        const o = await send('POST', `${target}/v2/keys${appendDir}`, `value=${value}`, timeout);
        this.counts.ops++;
        if (o.kind === 'answer' && o.answer.status === 201) {
          const k = (o.answer.json as NodeBody).node?.key;
          if (k !== undefined) this.acked.push({ key: k, value });
          this.counts.appendsAcked++;
        } else if (o.kind === 'refused') {
          this.counts.refused++;
        } else {
          this.counts.appendsUnknown++;
        }
      }
    }
  }

  private recordCas(clientId: number, input: KvInput, call: number, o: Outcome): void {
    if (o.kind !== 'answer') {
      this.record(clientId, input, call, o.kind);
      return;
    }
    const a = o.answer;
    if (a.status === 200 || a.status === 201) this.record(clientId, input, call, { ok: true });
    else if ((a.status === 412 && errorCode(a) === 101) || (a.status === 404 && errorCode(a) === 100)) this.record(clientId, input, call, { ok: false });
    else this.record(clientId, input, call, 'unknown');
  }
}
