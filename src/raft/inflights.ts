/**
 * A bounded window of in-flight append messages to one follower, remembered by the last index each
 * carried. When the window is full the leader stops sending until acknowledgements free it.
 */
export class Inflights {
  private start = 0;
  private count = 0;
  private readonly buffer: number[];
  readonly size: number;

  constructor(size: number) {
    this.size = size;
    this.buffer = new Array<number>(size).fill(0);
  }

  add(last: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights window');
    let next = this.start + this.count;
    if (next >= this.size) next -= this.size;
    this.buffer[next] = last;
    this.count++;
  }

  /** Frees every message whose last index is <= `to`. */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.buffer[this.start]!) return;
    let idx = this.start;
    let i = 0;
    for (; i < this.count; i++) {
      if (to < this.buffer[idx]!) break;
      idx++;
      if (idx >= this.size) idx -= this.size;
    }
    this.count -= i;
    this.start = idx;
    if (this.count === 0) this.start = 0;
  }

  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.buffer[this.start]!);
  }

  full(): boolean {
    return this.count === this.size;
  }

  length(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
    this.start = 0;
  }
}
