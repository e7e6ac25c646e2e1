import type { StoreNode } from './node.js';

/**
 * Min-heap of the nodes that carry a TTL, ordered by expiration time and then by path, so that the
 * expiry order is the same on every replica and after a snapshot restore. Each node records its own
 * heap position, so removal and re-keying are O(log n).
 */
export class TtlHeap {
  private readonly items: StoreNode[] = [];

  get size(): number {
    return this.items.length;
  }

  top(): StoreNode | null {
    return this.items.length > 0 ? this.items[0]! : null;
  }

  push(node: StoreNode): void {
    node.heapIndex = this.items.length;
    this.items.push(node);
    this.up(node.heapIndex);
  }

  pop(): StoreNode | null {
    const top = this.top();
    if (top !== null) this.remove(top);
    return top;
  }

  remove(node: StoreNode): void {
    const i = node.heapIndex;
    if (i < 0 || this.items[i] !== node) return;
    const last = this.items.pop()!;
    node.heapIndex = -1;
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapIndex = i;
      if (!this.down(i)) this.up(i);
    }
  }

  /** Restores the order after `node.expireTime` changed. */
  update(node: StoreNode): void {
    const i = node.heapIndex;
    if (i < 0 || this.items[i] !== node) {
      this.push(node);
      return;
    }
    if (!this.down(i)) this.up(i);
  }

  private less(a: StoreNode, b: StoreNode): boolean {
    if (a.expireTime !== b.expireTime) return a.expireTime < b.expireTime;
    return a.path < b.path;
  }

  private up(i: number): void {
    const items = this.items;
    const node = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.less(node, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = node;
    node.heapIndex = i;
  }

  /** Returns true when the node moved. */
  private down(start: number): boolean {
    const items = this.items;
    const n = items.length;
    const node = items[start]!;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!this.less(child, node)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = node;
    node.heapIndex = i;
    return i !== start;
  }
}
