/**
 * Opt-in narrowing of a watch (Flotilla's own; etcd v2 has none): a recursive watch on a directory
 * that only wants its children coming and going, say, need not be woken by every change deeper
 * down, and a long poll is not used up by such a change.
 */
/** What filtering reads of an event: the store's events and the client library's replies alike. */
export interface FilteredEvent {
  readonly action: string;
  readonly node: { readonly key?: string };
}

export interface WatchFilter {
  /**
   * Only events on keys at most this many levels below the watched key (1: its children). Events
   * on the watched key itself, or on a directory above it that was removed, always pass.
   */
  readonly maxDepth: number | null;
  /** Only events with one of these actions. */
  readonly actions: ReadonlySet<string> | null;
}

/** The actions a watch can see. */
export const watchableActions: ReadonlySet<string> = new Set([
  'set',
  'create',
  'update',
  'delete',
  'expire',
  'compareAndSwap',
  'compareAndDelete',
]);

/** How many levels below `watched` the event's key is: 0 for the key itself or a key above it. */
function depthBelow(watched: string, key: string): number {
  if (key === watched) return 0;
  const base = watched === '/' ? 0 : watched.length;
  if (key.length <= base || (base > 0 && (!key.startsWith(watched) || key.charCodeAt(base) !== 47))) return 0;
  let depth = 0;
  for (let i = base; i < key.length; i++) if (key.charCodeAt(i) === 47) depth++;
  return depth;
}

export function passesFilter(filter: WatchFilter, watched: string, event: FilteredEvent): boolean {
  if (filter.actions !== null && !filter.actions.has(event.action)) return false;
  return filter.maxDepth === null || depthBelow(watched, event.node.key ?? '/') <= filter.maxDepth;
}
