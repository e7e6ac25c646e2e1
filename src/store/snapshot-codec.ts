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
 * Numbers go through one Float64Array and all text through one UTF-8 encode/decode call, so both
 * directions are a couple of native bulk operations plus one pass over the nodes.
 */
import { StoreNode } from './node.js';

const MAGIC = 0x31534c46; // "FLS1" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 32;
const FIELDS = 6;

/** Growable list of numbers backed by a Float64Array. */
class NumberList {
  data = new Float64Array(6 * 1024);
  length = 0;

  push6(a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (this.length + 6 > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const d6 = this.data;
    const i = this.length;
    d6[i] = a;
    d6[i + 1] = b;
    d6[i + 2] = c;
    d6[i + 3] = d;
    d6[i + 4] = e;
    d6[i + 5] = f;
    this.length = i + 6;
  }
}

function encodeNode(n: StoreNode, numbers: NumberList, text: string[]): void {
  const children = n.children;
  numbers.push6(children === null ? -1 : children.size, n.createdIndex, n.modifiedIndex, n.expireTime, n.name.length, n.value.length);
  text.push(n.name, n.value);
  if (children !== null) for (const child of children.values()) encodeNode(child, numbers, text);
}

export function encodeSnapshot(root: StoreNode, index: number): Uint8Array {
  const numbers = new NumberList();
  const text: string[] = [];
  encodeNode(root, numbers, text);
  const count = numbers.length / FIELDS;
  const textBytes = Buffer.from(text.join(''), 'utf8');
  const out = new Uint8Array(HEADER_BYTES + numbers.length * 8 + textBytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setFloat64(8, index, true);
  view.setFloat64(16, count, true);
  view.setFloat64(24, textBytes.length, true);
  if (isLittleEndian()) {
    out.set(new Uint8Array(numbers.data.buffer, 0, numbers.length * 8), HEADER_BYTES);
  } else {
    for (let i = 0; i < numbers.length; i++) view.setFloat64(HEADER_BYTES + i * 8, numbers.data[i]!, true);
  }
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
  const text = Buffer.from(data.buffer, data.byteOffset + HEADER_BYTES + numbersBytes, textLength).toString('utf8');

  // Pre-order rebuild: a stack of directories with the number of children each still expects.
  const dirs: StoreNode[] = [];
  const left: number[] = [];
  let root: StoreNode | null = null;
  let textPos = 0;
  for (let i = 0, pos = 0; i < count; i++, pos += FIELDS) {
    const childCount = nums[pos]!;
    const nameEnd = textPos + nums[pos + 4]!;
    const valueEnd = nameEnd + nums[pos + 5]!;
    const name = text.slice(textPos, nameEnd);
    const value = text.slice(nameEnd, valueEnd);
    textPos = valueEnd;
    let parent: StoreNode | null = null;
    if (i > 0) {
      let top = left.length - 1;
      while (top >= 0 && left[top] === 0) {
        dirs.pop();
        left.pop();
        top--;
      }
      if (top < 0) throw new Error('corrupt snapshot: stray node');
      left[top] = left[top]! - 1;
      parent = dirs[top]!;
    }
    const path = parent === null ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
    const node = new StoreNode(path, name, parent, nums[pos + 1]!, nums[pos + 2]!, value, childCount >= 0, nums[pos + 3]!);
    if (parent === null) {
      if (childCount < 0) throw new Error('corrupt snapshot: root is not a directory');
      root = node;
    } else {
      parent.children!.set(name, node);
    }
    if (childCount > 0) {
      dirs.push(node);
      left.push(childCount);
    }
  }
  if (textPos !== text.length || root === null) throw new Error('corrupt snapshot: text length mismatch');
  return { root, index };
}

let littleEndian: boolean | null = null;
function isLittleEndian(): boolean {
  if (littleEndian === null) littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return littleEndian;
}
