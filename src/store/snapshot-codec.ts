/**
 * Binary snapshot of the store tree.
 *
 * Layout (little-endian):
 *   bytes 0-3   magic "FLS1"
 *   bytes 4-7   u32 format version (1)
 *   bytes 8-15  f64 etcd index
 *   bytes 16-23 f64 node count N (the root included)
 *   bytes 24-31 f64 byte length S of the text section
 *   then N x 6 f64: childCount (-1 for a key), createdIndex, modifiedIndex, expireTime (0 = permanent),
 *                   name length, value length (both in UTF-16 code units)
 *   then S bytes: UTF-8 of every node's name followed by its value, in the same pre-order
 *
 * Numbers go through one Float64Array and all text through one TextEncoder/TextDecoder call, so both
 * directions are a couple of native bulk operations plus one pass over the nodes.
 */
import { StoreNode } from './node.js';
import { childPath } from './path.js';

const MAGIC = 0x31534c46; // "FLS1" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 32;
const FIELDS = 6;

export function encodeSnapshot(root: StoreNode, index: number): Uint8Array {
  const numbers: number[] = [];
  const text: string[] = [];
  const stack: StoreNode[] = [root];
  let count = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    count++;
    const children = n.children;
    numbers.push(children === null ? -1 : children.size, n.createdIndex, n.modifiedIndex, n.expireTime, n.name.length, n.value.length);
    text.push(n.name, n.value);
    if (children !== null) {
      // Push in reverse so that children come out in insertion order.
      const list = [...children.values()];
      for (let i = list.length - 1; i >= 0; i--) stack.push(list[i]!);
    }
  }
  const textBytes = new TextEncoder().encode(text.join(''));
  const out = new Uint8Array(HEADER_BYTES + numbers.length * 8 + textBytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setFloat64(8, index, true);
  view.setFloat64(16, count, true);
  view.setFloat64(24, textBytes.length, true);
  const nums = new Float64Array(out.buffer, HEADER_BYTES, numbers.length);
  if (isLittleEndian()) nums.set(numbers);
  else for (let i = 0; i < numbers.length; i++) view.setFloat64(HEADER_BYTES + i * 8, numbers[i]!, true);
  out.set(textBytes, HEADER_BYTES + numbers.length * 8);
  return out;
}

export function decodeSnapshot(data: Uint8Array): { root: StoreNode; index: number } {
  if (data.length < HEADER_BYTES) throw new Error('snapshot too short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a store snapshot');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`unsupported snapshot version ${version}`);
  const index = view.getFloat64(8, true);
  const count = view.getFloat64(16, true);
  const textLength = view.getFloat64(24, true);
  const numbersBytes = count * FIELDS * 8;
  if (!Number.isInteger(count) || count < 1 || HEADER_BYTES + numbersBytes + textLength !== data.length) {
    throw new Error('corrupt snapshot');
  }
  let nums: Float64Array;
  const offset = data.byteOffset + HEADER_BYTES;
  if (offset % 8 === 0 && isLittleEndian()) {
    nums = new Float64Array(data.buffer, offset, count * FIELDS);
  } else {
    nums = new Float64Array(count * FIELDS);
    for (let i = 0; i < nums.length; i++) nums[i] = view.getFloat64(HEADER_BYTES + i * 8, true);
  }
  const text = new TextDecoder().decode(data.subarray(HEADER_BYTES + numbersBytes));

  let pos = 0;
  let textPos = 0;
  const readNode = (parent: StoreNode | null): { node: StoreNode; children: number } => {
    const childCount = nums[pos]!;
    const createdIndex = nums[pos + 1]!;
    const modifiedIndex = nums[pos + 2]!;
    const expireTime = nums[pos + 3]!;
    const nameLength = nums[pos + 4]!;
    const valueLength = nums[pos + 5]!;
    pos += FIELDS;
    const name = text.slice(textPos, textPos + nameLength);
    textPos += nameLength;
    const value = text.slice(textPos, textPos + valueLength);
    textPos += valueLength;
    const path = parent === null ? '/' : childPath(parent.path, name);
    const node = new StoreNode(path, name, parent, createdIndex, modifiedIndex, value, childCount >= 0, expireTime);
    if (parent !== null) parent.children!.set(name, node);
    return { node, children: childCount };
  };

  const first = readNode(null);
  if (first.children < 0) throw new Error('corrupt snapshot: root is not a directory');
  // Iterative pre-order rebuild: a stack of directories with the number of children still to read.
  const dirs: StoreNode[] = [first.node];
  const left: number[] = [first.children];
  for (let i = 1; i < count; i++) {
    while (left.length > 0 && left[left.length - 1] === 0) {
      dirs.pop();
      left.pop();
    }
    if (dirs.length === 0) throw new Error('corrupt snapshot: stray node');
    left[left.length - 1] = left[left.length - 1]! - 1;
    const { node, children } = readNode(dirs[dirs.length - 1]!);
    if (children >= 0) {
      dirs.push(node);
      left.push(children);
    }
  }
  if (textPos !== text.length) throw new Error('corrupt snapshot: text length mismatch');
  return { root: first.node, index };
}

let littleEndian: boolean | null = null;
function isLittleEndian(): boolean {
  if (littleEndian === null) littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return littleEndian;
}
