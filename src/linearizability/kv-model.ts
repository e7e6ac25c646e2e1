import type { Model, Operation } from './model.js';

/**
 * Inputs of a key-value register history: the operations of etcd's v2 keys API on one key.
 * `cas` is compareAndSwap on the previous value (prevValue); `create` is a set with prevExist=false.
 */
export type KvInput =
  | { op: 'get'; key: string }
  | { op: 'put'; key: string; value: string }
  | { op: 'cas'; key: string; expected: string | null; value: string }
  | { op: 'create'; key: string; value: string }
  | { op: 'delete'; key: string };

/** `value` for get (null when absent); `ok` for cas, create and delete (put always succeeds). */
export interface KvOutput {
  value?: string | null;
  ok?: boolean;
}

export type KvOperation = Operation<KvInput, KvOutput>;

type Register = string | null;

export const kvModel: Model<Register, KvInput, KvOutput> = {
  partition(ops) {
    const byKey = new Map<string, KvOperation[]>();
    for (const op of ops) {
      let list = byKey.get(op.input.key);
      if (!list) byKey.set(op.input.key, (list = []));
      list.push(op);
    }
    return [...byKey.values()];
  },
  init() {
    return null;
  },
  step(state, input, output) {
    switch (input.op) {
      case 'get':
        return { ok: output === undefined || (output.value ?? null) === state, state };
      case 'put':
        return { ok: true, state: input.value };
      case 'cas': {
        const matches = state === input.expected;
        if (output === undefined) return { ok: true, state: matches ? input.value : state };
        if (output.ok) return { ok: matches, state: input.value };
        return { ok: !matches, state };
      }
      case 'create': {
        const absent = state === null;
        if (output === undefined) return { ok: true, state: absent ? input.value : state };
        if (output.ok) return { ok: absent, state: input.value };
        return { ok: !absent, state };
      }
      case 'delete': {
        const present = state !== null;
        if (output === undefined) return { ok: true, state: null };
        if (output.ok) return { ok: present, state: null };
        return { ok: !present, state };
      }
    }
  },
  readOnly(input) {
    return input.op === 'get';
  },
  key(state) {
    return state === null ? '\u0000' : `=${state}`;
  },
  describe(op) {
    const i = op.input;
    const out = op.output === undefined ? '?' : JSON.stringify(op.output);
    const args = i.op === 'cas' ? `${i.key} ${JSON.stringify(i.expected)}->${i.value}` : 'value' in i ? `${i.key}=${i.value}` : i.key;
    const ret = op.output === undefined ? 'unknown' : String(op.return);
    return `client ${op.clientId} ${i.op}(${args}) -> ${out} [${op.call}, ${ret}]`;
  },
};
