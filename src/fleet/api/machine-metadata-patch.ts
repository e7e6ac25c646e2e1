/**
 * `PATCH /machines`: a list of metadata operations
 * `[{"op":"add"|"replace"|"remove","path":"/<machineID>/metadata/<key>","value":{"value":"x"}}]`,
 * decoded as fleet's Go server decodes it (into `[]api.machineMetadataOp`, whose `Value` is a
 * `map[string]string` read at "value"), then validated as a whole before anything is written.
 * As an addition, the flat form `"value":"x"` that fleet's documentation shows is accepted too.
 */
import { decodeGoJson } from './go-json-decode.js';
import { GoUnmarshal } from './go-json-unmarshal.js';

/** One write: remove is a write of ''. */
export interface MetadataWrite {
  machineId: string;
  key: string;
  value: string;
}

export type MetadataPatchPlan = { readonly ok: true; readonly writes: MetadataWrite[] } | { readonly ok: false; readonly error: string };

const METADATA_PATH = /^\/([^/]+)\/metadata\/([A-Za-z0-9_.-]+)$/;

interface MetadataOp {
  op: string;
  path: string;
  /** The value at "value", or null when the op carries no value (no map, or an empty one). */
  value: string | null;
}

function decodeOps(body: Uint8Array): { ok: true; ops: MetadataOp[] } | { ok: false; error: string } {
  const decoded = decodeGoJson(body);
  if (!decoded.ok) return decoded;
  let ops: MetadataOp[] = [];
  const error = GoUnmarshal.run((u) => {
    const items = u.slice(decoded.value, '[]api.machineMetadataOp', (item) => {
      const op: MetadataOp = { op: '', path: '', value: null };
      u.struct(item, 'api.machineMetadataOp', (key, v) => {
        if (key === 'op') op.op = u.string(v, op.op);
        else if (key === 'path') op.path = u.string(v, op.path);
        else if (key === 'value') {
          if (v.kind === 'string') {
            op.value = v.value;
          } else {
            const map = u.stringMap(v, 'map[string]string');
            op.value = map === null || map.size === 0 ? null : (map.get('value') ?? '');
          }
        }
      });
      return op;
    });
    ops = items ?? [];
  });
  return error === null ? { ok: true, ops } : { ok: false, error };
}

/** The writes a PATCH body asks for, or the error text fleet answers 400 with. */
export function planMetadataPatch(body: Uint8Array): MetadataPatchPlan {
  const decoded = decodeOps(body);
  if (!decoded.ok) return decoded;
  const writes: MetadataWrite[] = [];
  for (const op of decoded.ops) {
    if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') {
      return { ok: false, error: 'invalid op: expect add, remove, or replace' };
    }
    const m = METADATA_PATH.exec(op.path);
    if (m === null) return { ok: false, error: 'machine metadata path invalid' };
    if (op.op !== 'remove' && op.value === null) {
      return { ok: false, error: 'invalid value: add and replace require a value' };
    }
    writes.push({ machineId: m[1]!, key: m[2]!, value: op.op === 'remove' ? '' : op.value! });
  }
  return { ok: true, writes };
}
