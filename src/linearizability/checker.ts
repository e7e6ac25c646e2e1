import type { Model, Operation } from './model.js';

export type CheckOutcome = 'ok' | 'illegal' | 'unknown';

export interface CheckOptions {
  /** Give up (outcome "unknown") after this many milliseconds for the whole history. */
  timeLimitMs?: number;
  /** Give up (outcome "unknown") after this many search steps per partition; deterministic. */
  maxSteps?: number;
  /** Clock for the time limit, in milliseconds (injected so the module stays pure). */
  now?: () => number;
}

export interface CheckResult {
  outcome: CheckOutcome;
  partitions: number;
  /** For an illegal history: the operations of the partition that has no linearization. */
  illegalPartition?: string[];
  steps: number;
}

interface EventNode {
  isCall: boolean;
  id: number;
  time: number;
  /** call: its return event (null when the outcome is unknown) */
  match: EventNode | null;
  prev: EventNode | null;
  next: EventNode | null;
}

class Bitset {
  readonly words: Uint32Array;
  constructor(n: number) {
    this.words = new Uint32Array((n + 31) >>> 5);
  }
  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  key(): string {
    let s = '';
    for (let i = 0; i < this.words.length; i++) s += this.words[i]!.toString(36) + ',';
    return s;
  }
}

/**
 * Decides whether a history is linearizable with respect to `model` (Wing & Gong's search with
 * Lowe's memoization, as in Porcupine). The history is split by `model.partition` and each part is
 * checked on its own. Operations whose outcome is unknown may be linearized anywhere after their
 * call, or not at all.
 */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const now = options.now ?? (() => 0);
  const deadline = options.timeLimitMs !== undefined ? now() + options.timeLimitMs : Infinity;
  const maxSteps = options.maxSteps ?? Infinity;
  const parts = model.partition(history);
  let steps = 0;
  let sawUnknown = false;
  for (const part of parts) {
    const r = checkPartition(model, part, deadline, maxSteps, now);
    steps += r.steps;
    if (r.outcome === 'illegal') {
      const describe = model.describe ?? ((op: Operation<I, O>) => JSON.stringify(op, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      return {
        outcome: 'illegal',
        partitions: parts.length,
        illegalPartition: [...part].sort((a, b) => a.call - b.call).map((op) => describe(op)),
        steps,
      };
    }
    if (r.outcome === 'unknown') sawUnknown = true;
  }
  return { outcome: sawUnknown ? 'unknown' : 'ok', partitions: parts.length, steps };
}

function checkPartition<S, I, O>(
  model: Model<S, I, O>,
  rawOps: Operation<I, O>[],
  deadline: number,
  maxSteps: number,
  now: () => number,
): { outcome: CheckOutcome; steps: number } {
  // An unknown read-only operation has no effect and no observed result: it can always be left out.
  const ops = rawOps.filter((op) => op.output !== undefined || !(model.readOnly?.(op.input) ?? false));
  const n = ops.length;
  if (n === 0) return { outcome: 'ok', steps: 0 };

  // Build the event list: calls and (known) returns ordered by time; calls first on ties.
  const events: EventNode[] = [];
  let known = 0;
  for (let id = 0; id < n; id++) {
    const op = ops[id]!;
    const call: EventNode = { isCall: true, id, time: op.call, match: null, prev: null, next: null };
    events.push(call);
    if (op.output !== undefined) {
      const ret: EventNode = { isCall: false, id, time: op.return, match: null, prev: null, next: null };
      call.match = ret;
      events.push(ret);
      known++;
    }
  }
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? -1 : 1));
  const head: EventNode = { isCall: false, id: -1, time: -Infinity, match: null, prev: null, next: null };
  let prev = head;
  for (const e of events) {
    e.prev = prev;
    prev.next = e;
    prev = e;
  }

  const lift = (call: EventNode): void => {
    call.prev!.next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match;
    if (ret) {
      ret.prev!.next = ret.next;
      if (ret.next) ret.next.prev = ret.prev;
    }
  };
  const unlift = (call: EventNode): void => {
    const ret = call.match;
    if (ret) {
      ret.prev!.next = ret;
      if (ret.next) ret.next.prev = ret;
    }
    call.prev!.next = call;
    if (call.next) call.next.prev = call;
  };

  const linearized = new Bitset(n);
  const cache = new Set<string>();
  const calls: { entry: EventNode; state: S }[] = [];
  let state = model.init();
  let remainingKnown = known;
  let entry = head.next;
  let steps = 0;

  while (remainingKnown > 0) {
    if (++steps > maxSteps) return { outcome: 'unknown', steps };
    if ((steps & 1023) === 0 && deadline !== Infinity && now() > deadline) return { outcome: 'unknown', steps };
    if (entry === null) {
      // Only unknown operations are left to try at this point: backtrack.
      if (calls.length === 0) return { outcome: 'illegal', steps };
      const top = calls.pop()!;
      state = top.state;
      linearized.clear(top.entry.id);
      if (top.entry.match) remainingKnown++;
      unlift(top.entry);
      entry = top.entry.next;
      continue;
    }
    if (entry.isCall) {
      const op = ops[entry.id]!;
      const r = model.step(state, op.input, op.output);
      if (r.ok) {
        linearized.set(entry.id);
        const key = linearized.key() + '|' + model.key(r.state);
        if (!cache.has(key)) {
          cache.add(key);
          calls.push({ entry, state });
          state = r.state;
          if (entry.match) remainingKnown--;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized.clear(entry.id);
      }
      entry = entry.next;
    } else {
      // Reached a return whose operation is not linearized yet: undo the last choice.
      if (calls.length === 0) return { outcome: 'illegal', steps };
      const top = calls.pop()!;
      state = top.state;
      linearized.clear(top.entry.id);
      if (top.entry.match) remainingKnown++;
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { outcome: 'ok', steps };
}
