/**
 * Concurrent writers for the crash test. Each writer does one request at a time from a seeded mix:
 * new keys (set and create), overwrites of its own key with increasing values, compare-and-swap on
 * its own counter, create/delete/re-create lifecycles (half of the deletes compare-and-delete),
 * and keys with a TTL. Every request is put in the key model before it is sent; answers acknowledge
 * or refuse it. A writer stops at its first request without an answer (that request's outcome
 * stays unknown) or when told to stop.
 */
import type { KeyModel, KnownState, UnknownWrite } from './key-model.js';
import type { SeededRandom } from './seeded-random.js';
import { observedNode, type V2Answer, type V2Client, type WriteParams } from './v2-client.js';

/** Shared by all writers of one round. */
export class WriteLedger {
  acked = 0;
  refused = 0;
  unknown = 0;
  /** Highest X-Etcd-Index in any answer before the crash. */
  highestEtcdIndex = 0;
  stopping = false;
  readonly violations: string[] = [];
  constructor(readonly model: KeyModel, readonly client: V2Client) {}

  noteAck(): void {
    this.acked++;
  }
}

type Expectation = 'ack' | 'ack-or-refuse';

function isSuccess(status: number): boolean {
  return status === 200 || status === 201;
}

/**
 * Sends one write with its outcome recorded in the model. Returns false when the outcome is unknown
 * (no answer, or a server error), true otherwise.
 */
export async function recordedWrite(
  ledger: WriteLedger,
  key: string,
  intent: UnknownWrite,
  send: () => Promise<V2Answer>,
  expectation: Expectation,
  lastIndex: { value: number },
): Promise<boolean> {
  ledger.model.begin(key, intent);
  let answer: V2Answer;
  try {
    answer = await send();
  } catch {
    ledger.unknown++;
    return false;
  }
  if (answer.etcdIndex !== null) {
    ledger.highestEtcdIndex = Math.max(ledger.highestEtcdIndex, answer.etcdIndex);
    if (answer.etcdIndex < lastIndex.value) {
      ledger.violations.push(`${key}: X-Etcd-Index went from ${lastIndex.value} back to ${answer.etcdIndex} between one writer's requests`);
    }
    lastIndex.value = Math.max(lastIndex.value, answer.etcdIndex);
  }
  if (answer.status >= 500) {
    ledger.unknown++;
    return false;
  }
  if (isSuccess(answer.status)) {
    let state: KnownState;
    if (intent.op === 'delete') {
      state = { exists: false };
    } else {
      const node = answer.body.node;
      if (!node || node.value !== intent.value) {
        ledger.violations.push(`${key}: set of ${JSON.stringify(intent.value)} answered ${answer.status} with ${JSON.stringify(node ?? null)}`);
      }
      state = { exists: true, node: observedNode(node ?? {}) };
    }
    ledger.model.acknowledge(key, state);
    ledger.noteAck();
    return true;
  }
  ledger.model.refuse(key);
  ledger.refused++;
  if (expectation === 'ack') {
    const before = ledger.model.acked(key);
    ledger.violations.push(`${key}: ${intent.op} refused with ${answer.status} ${JSON.stringify(answer.body)} although the key was ${before.exists ? JSON.stringify(before.node) : 'absent'}`);
  }
  return true;
}

export interface WriterPlan {
  readonly round: number;
  readonly writer: number;
  readonly random: SeededRandom;
}

const ttlChoices = [1, 2, 3, 30];

/** One writer's loop; ends when the ledger says stop or a request goes unanswered. */
export async function runWriter(ledger: WriteLedger, plan: WriterPlan): Promise<void> {
  const { round, writer, random } = plan;
  const { client, model } = ledger;
  const tag = `${round}-w${writer}`;
  const lastIndex = { value: 0 };
  const lifecycleKeys: string[] = [];
  let sequence = 0;
  const write = (key: string, intent: UnknownWrite, send: () => Promise<V2Answer>, expectation: Expectation = 'ack'): Promise<boolean> =>
    recordedWrite(ledger, key, intent, send, expectation, lastIndex);
  const set = (key: string, params: WriteParams): Promise<boolean> =>
    write(key, { op: 'set', value: String(params.value), ...(params.ttl !== undefined ? { ttl: Number(params.ttl) } : {}) }, () => client.put(key, params));

  while (!ledger.stopping) {
    sequence++;
    const roll = random.next();
    let answered: boolean;
    if (roll < 0.3) {
      answered = await set(`/crash/d/${tag}-${sequence}`, { value: `v${tag}-${sequence}` });
    } else if (roll < 0.4) {
      answered = await set(`/crash/d/${tag}-${sequence}`, { value: `c${tag}-${sequence}`, prevExist: false });
    } else if (roll < 0.55) {
      const key = `/crash/o/w${writer}`;
      const current = model.acked(key);
      answered = await set(key, { value: String(current.exists ? Number(current.node.value) + 1 : 0) });
    } else if (roll < 0.7) {
      const key = `/crash/c/w${writer}`;
      const current = model.acked(key);
      if (!current.exists) {
        answered = await set(key, { value: '0', prevExist: false });
      } else {
        const next = String(Number(current.node.value) + 1);
        const guard: WriteParams = random.chance(0.5) ? { prevValue: current.node.value } : { prevIndex: current.node.modifiedIndex };
        answered = await set(key, { value: next, ...guard });
      }
    } else if (roll < 0.88) {
      const present = lifecycleKeys.filter((k) => model.acked(k).exists);
      const gone = lifecycleKeys.filter((k) => !model.acked(k).exists);
      if (present.length > 0 && random.chance(0.55)) {
        const key = random.pick(present);
        const current = model.acked(key);
        // Half of the deletes are compare-and-delete, guarded by the acknowledged value or index.
        const guard: WriteParams = !current.exists || random.chance(0.5) ? {}
          : random.chance(0.5) ? { prevValue: current.node.value } : { prevIndex: current.node.modifiedIndex };
        answered = await write(key, { op: 'delete' }, () => client.delete(key, guard));
      } else if (gone.length > 0 && random.chance(0.4)) {
        const key = random.pick(gone);
        answered = await set(key, { value: `again-${tag}-${sequence}` });
      } else {
        const key = `/crash/x/${tag}-${lifecycleKeys.length}`;
        lifecycleKeys.push(key);
        answered = await set(key, { value: `first-${tag}-${sequence}` });
      }
    } else {
      answered = await set(`/crash/t/${tag}-${sequence}`, { value: `t${tag}-${sequence}`, ttl: random.pick(ttlChoices) });
    }
    if (!answered) return;
  }
}

/** A burst of writes in flight: `acknowledged` resolves once `acksWanted` of them were acknowledged. */
export interface Burst {
  readonly finished: Promise<void>;
  readonly acknowledged: Promise<void>;
}

/**
 * Many new keys at once, each its own request (so the server sees them together), recorded like
 * any other write.
 */
export function startBurst(ledger: WriteLedger, round: number, size: number, acksWanted: number): Burst {
  let acks = 0;
  let signal: () => void = () => undefined;
  const acknowledged = new Promise<void>((resolve) => { signal = resolve; });
  const finished = Promise.all(Array.from({ length: size }, async (_, i) => {
    const key = `/crash/b/${round}-${i}`;
    const value = `b${round}-${i}`;
    await recordedWrite(ledger, key, { op: 'set', value }, () => ledger.client.put(key, { value }), 'ack', { value: 0 });
    if (ledger.model.acked(key).exists && ++acks >= acksWanted) signal();
  })).then(() => undefined);
  return { finished, acknowledged };
}
