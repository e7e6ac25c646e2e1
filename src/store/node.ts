/**
 * One node of the v2 tree: a key (holding a string value) or a directory (holding children).
 */
export class StoreNode {
  /** Full cleaned path, e.g. `/a/b` (the root is `/`). */
  readonly path: string;
  /** Last path component ('' for the root). */
  readonly name: string;
  parent: StoreNode | null;
  createdIndex: number;
  modifiedIndex: number;
  /** The value of a key; always '' for a directory. */
  value: string;
  /** Children by name for a directory, null for a key. */
  readonly children: Map<string, StoreNode> | null;
  /** Expiration time in ms since the epoch; 0 = permanent. */
  expireTime: number;
  /** Position in the TTL heap, -1 when not in it. */
  heapIndex = -1;
  /**
   * Number of the store save that has already taken this node's image (kept its earlier state, or
   * encoded it): later changes during that save need no copy.
   */
  saveEpoch = 0;

  constructor(
    path: string,
    name: string,
    parent: StoreNode | null,
    createdIndex: number,
    modifiedIndex: number,
    value: string,
    isDir: boolean,
    expireTime: number,
  ) {
    this.path = path;
    this.name = name;
    this.parent = parent;
    this.createdIndex = createdIndex;
    this.modifiedIndex = modifiedIndex;
    this.value = value;
    this.children = isDir ? new Map() : null;
    this.expireTime = expireTime;
  }

  get isDir(): boolean {
    return this.children !== null;
  }

  get isPermanent(): boolean {
    return this.expireTime === 0;
  }

  /** Hidden nodes (name starting with `_`) are left out of directory listings. */
  get isHidden(): boolean {
    return this.name.charCodeAt(0) === 95; /* '_' */
  }
}
