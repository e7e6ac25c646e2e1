/** Single-server membership changes and their encoding as the data of a ConfChange log entry. */

export const ConfChangeType = { AddNode: 0, RemoveNode: 1, AddLearnerNode: 2 } as const;
export type ConfChangeType = (typeof ConfChangeType)[keyof typeof ConfChangeType];

export interface ConfChange {
  type: ConfChangeType;
  nodeId: bigint;
  /** Opaque to Raft; the server puts the member's attributes here. */
  context: Uint8Array;
}

const HEADER = 9;

/** Layout: 1 byte type, 8 bytes node ID (big-endian uint64), then the context bytes. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out = new Uint8Array(HEADER + cc.context.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, cc.type);
  view.setBigUint64(1, BigInt.asUintN(64, cc.nodeId));
  out.set(cc.context, HEADER);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length < HEADER) throw new Error(`conf change too short: ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = view.getUint8(0);
  if (type > 2) throw new Error(`unknown conf change type ${type}`);
  return {
    type: type as ConfChangeType,
    nodeId: view.getBigUint64(1),
    context: data.slice(HEADER),
  };
}
