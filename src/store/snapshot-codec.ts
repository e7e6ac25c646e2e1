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
 * Numbers go through one Float64Array and the text through a few large UTF-8 encode calls (one decode
 * call on the way back), so both directions are bulk native operations plus one pass over the nodes.
 *
 * A save is cut into chunks: runs of consecutive nodes in pre-order, each ending at a node whose
 * created index is a multiple of CHUNK_BOUNDARY (or at a size limit). Where the boundaries depend
 * only on the nodes themselves, a write in one place changes one chunk and leaves the others where
 * they were. The next save checks each chunk of the previous one against the tree (same nodes, same
 * values, same numbers) and copies the rows and UTF-8 text of those that still match instead of
 * encoding them again: the bytes are the same either way, at a fraction of the cost.
 */
import { StoreNode } from './node.js';

const MAGIC = 0x31534c46; // "FLS1" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 32;
const FIELDS = 6;

/** Growable list of numbers backed by a Float64Array. */
class NumberList {
  data: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(6 * 1024, capacity));
  }

  clear(): void {
    this.length = 0;
  }

  /** Appends rows taken from an earlier save. */
  pushRows(rows: Float64Array): void {
    if (this.length + rows.length > this.data.length) {
      const bigger = new Float64Array(Math.max(this.data.length * 2, this.length + rows.length));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    this.data.set(rows, this.length);
    this.length += rows.length;
  }

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

/** What the writer needs of a node: its fields, and the children it had when the save began. */
export interface NodeImage {
  readonly createdIndex: number;
  readonly modifiedIndex: number;
  readonly expireTime: number;
  readonly value: string;
  /** Children in map order, or null for a key. */
  readonly children: readonly StoreNode[] | null;
}

/**
 * Where the writer gets the image of a node the store changed after the save began (copy on write):
 * null means the node is unchanged and is read as it is.
 */
export interface NodeImageSource {
  image(n: StoreNode): NodeImage | null;
}

/** A chunk ends after a node whose created index is a multiple of this... */
const CHUNK_BOUNDARY = 128;
/** ...or once it holds this many nodes... */
const CHUNK_MAX_NODES = 1024;
/** ...or this many UTF-16 units of text. */
const CHUNK_MAX_UNITS = 1 << 18;

/** A run of consecutive nodes as one save encoded it. */
interface Chunk {
  readonly nodes: readonly StoreNode[];
  /** The value each node had (a node's name never changes). */
  readonly values: readonly string[];
  /** FIELDS numbers per node, as written. */
  readonly rows: Float64Array;
  /** The same numbers as the bytes of the file (little-endian). */
  readonly rowBytes: Uint8Array;
  /** UTF-8 of the nodes' names and values. */
  readonly text: Buffer;
}

/** The chunks of a finished save, by their first node: what the next save may reuse. */
export type SnapshotChunks = ReadonlyMap<StoreNode, Chunk>;

/**
 * Encodes a store tree a slice at a time (pre-order, an explicit stack instead of recursion), so a
 * large store is saved without holding the event loop for the whole walk. The tree may change
 * between slices: the image source answers for every node as it was when the save began.
 */
export class SnapshotWriter {
  /** Rows of the open chunk (the one being encoded). */
  private readonly numbers = new NumberList(FIELDS * CHUNK_MAX_NODES);
  /** Text of the open chunk, not yet encoded. */
  private readonly text: string[] = [];
  private textUnits = 0;
  /** Nodes and values of the open chunk. */
  private openNodes: StoreNode[] = [];
  private openValues: string[] = [];
  /** Nodes in finished chunks. */
  private finishedNodes = 0;
  /** The number section and the text section, chunk by chunk, in file order. */
  private readonly rowParts: Uint8Array[] = [];
  /** A chunk of the previous save being checked against the tree, and how far it matched. */
  private matching: Chunk | null = null;
  private matched = 0;
  private readonly chunksOut = new Map<StoreNode, Chunk>();
  private readonly pieces: Buffer[] = [];
  private piecesBytes = 0;
  /** Children lists being walked, and the next position in each. */
  private readonly lists: (readonly StoreNode[])[] = [];
  private readonly positions: number[] = [];
  private started = false;
  private partsOut: Uint8Array[] | null = null;
  private output: Uint8Array | null = null;

  /**
   * `previous` holds the chunks of the last finished save of the same tree, reused where they still
   * match.
   */
  constructor(
    private readonly root: StoreNode,
    private readonly index: number,
    private readonly source: NodeImageSource,
    private readonly previous: SnapshotChunks | null = null,
  ) {}

  /** Nodes encoded so far. */
  get nodeCount(): number {
    return this.finishedNodes + this.openNodes.length;
  }

  /** Encodes up to `budget` more nodes; true once the whole tree is encoded. */
  step(budget: number): boolean {
    if (this.partsOut !== null) return true;
    let left = budget;
    if (!this.started) {
      this.started = true;
      this.visit(this.root);
      left--;
    }
    const lists = this.lists;
    const positions = this.positions;
    while (lists.length > 0) {
      if (left <= 0) return false;
      const top = lists.length - 1;
      const list = lists[top]!;
      const pos = positions[top]!;
      if (pos === list.length) {
        lists.pop();
        positions.pop();
        continue;
      }
      positions[top] = pos + 1;
      this.visit(list[pos]!);
      left--;
    }
    this.partsOut = this.assemble();
    return true;
  }

  /** The encoded snapshot; only after `step` returned true. */
  result(): Uint8Array {
    if (this.output === null) {
      if (this.partsOut === null) throw new Error('snapshot not finished');
      this.output = concatParts(this.partsOut);
    }
    return this.output;
  }

  /**
   * The encoded snapshot as consecutive parts (no copy into one buffer); only after `step` returned
   * true. Parts taken over from the previous save are the same objects as in its parts.
   */
  parts(): readonly Uint8Array[] {
    if (this.partsOut === null) throw new Error('snapshot not finished');
    return this.partsOut;
  }

  /** This save's chunks, for the next save of the same tree; only after `step` returned true. */
  chunks(): SnapshotChunks {
    if (this.partsOut === null) throw new Error('snapshot not finished');
    return this.chunksOut;
  }

  private visit(n: StoreNode): void {
    const img = this.source.image(n) ?? n;
    const children = img === n ? (n.children === null ? null : [...n.children.values()]) : (img as NodeImage).children;
    const childCount = children === null ? -1 : children.length;
    const value = img.value;
    if (this.matching === null && this.openNodes.length === 0 && this.previous !== null) {
      const chunk = this.previous.get(n);
      if (chunk !== undefined) {
        this.matching = chunk;
        this.matched = 0;
      }
    }
    const chunk = this.matching;
    if (chunk !== null) {
      const i = this.matched;
      const r = i * FIELDS;
      const rows = chunk.rows;
      if (chunk.nodes[i] === n && chunk.values[i] === value && rows[r] === childCount && rows[r + 1] === img.createdIndex
        && rows[r + 2] === img.modifiedIndex && rows[r + 3] === img.expireTime) {
        this.matched = i + 1;
        if (i + 1 === chunk.nodes.length) this.reuse(chunk);
      } else {
        this.unmatch();
        this.encode(n, value, childCount, img);
      }
    } else {
      this.encode(n, value, childCount, img);
    }
    if (children !== null && children.length > 0) {
      this.lists.push(children);
      this.positions.push(0);
    }
  }

  private encode(n: StoreNode, value: string, childCount: number, img: NodeImage | StoreNode): void {
    this.numbers.push6(childCount, img.createdIndex, img.modifiedIndex, img.expireTime, n.name.length, value.length);
    this.text.push(n.name, value);
    this.textUnits += n.name.length + value.length;
    this.openNodes.push(n);
    this.openValues.push(value);
    if (img.createdIndex % CHUNK_BOUNDARY === 0 || this.openNodes.length >= CHUNK_MAX_NODES || this.textUnits >= CHUNK_MAX_UNITS) {
      this.closeChunk();
    }
  }

  /** A chunk of the previous save matched to its end: its rows and text are taken as they are. */
  private reuse(chunk: Chunk): void {
    this.matching = null;
    this.finishedNodes += chunk.nodes.length;
    this.chunksOut.set(chunk.nodes[0]!, chunk);
    this.rowParts.push(chunk.rowBytes);
    this.pieces.push(chunk.text);
    this.piecesBytes += chunk.text.length;
  }

  /**
   * The chunk being checked differs from here on: the part that matched becomes the start of a new
   * chunk (none of its nodes ended a chunk before, so none ends one now).
   */
  private unmatch(): void {
    const chunk = this.matching;
    if (chunk === null) return;
    this.matching = null;
    const count = this.matched;
    if (count === 0) return;
    this.numbers.pushRows(chunk.rows.subarray(0, count * FIELDS));
    for (let i = 0; i < count; i++) {
      const node = chunk.nodes[i]!;
      const value = chunk.values[i]!;
      this.text.push(node.name, value);
      this.textUnits += node.name.length + value.length;
      this.openNodes.push(node);
      this.openValues.push(value);
    }
  }

  private closeChunk(): void {
    if (this.openNodes.length === 0) return;
    const text = Buffer.from(this.text.join(''), 'utf8');
    const rows = this.numbers.data.slice(0, this.numbers.length);
    const chunk: Chunk = { nodes: this.openNodes, values: this.openValues, rows, rowBytes: littleEndianBytes(rows), text };
    this.chunksOut.set(chunk.nodes[0]!, chunk);
    this.rowParts.push(chunk.rowBytes);
    this.pieces.push(text);
    this.piecesBytes += text.length;
    this.finishedNodes += this.openNodes.length;
    this.openNodes = [];
    this.openValues = [];
    this.numbers.clear();
    this.text.length = 0;
    this.textUnits = 0;
  }

  private assemble(): Uint8Array[] {
    this.unmatch();
    this.closeChunk();
    const header = new Uint8Array(HEADER_BYTES);
    const view = new DataView(header.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, VERSION, true);
    view.setFloat64(8, this.index, true);
    view.setFloat64(16, this.finishedNodes, true);
    view.setFloat64(24, this.piecesBytes, true);
    return [header, ...this.rowParts, ...this.pieces];
  }
}

/** The file's bytes of a row table: the table's own memory where the machine is little-endian. */
function littleEndianBytes(rows: Float64Array): Uint8Array {
  if (isLittleEndian()) return new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  const out = new Uint8Array(rows.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < rows.length; i++) view.setFloat64(i * 8, rows[i]!, true);
  return out;
}

function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
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
