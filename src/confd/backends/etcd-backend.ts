/**
 * The `etcd` backend (v2 API) on top of Flotilla's client library: recursive, sorted, quorum GETs
 * flattened to leaves, and recursive watches that resume from the next index so no change is missed.
 */
import { EtcdClient, EtcdError, WatchIndexClearedError, type EtcdNode, type TlsOptions } from '../../client/index.js';
import { BackendError, type FetchResult, type StoreClient, type WatchResult } from '../store-client.js';

export interface EtcdBackendOptions {
  readonly nodes: readonly string[];
  readonly tls?: TlsOptions;
  readonly username?: string;
  readonly password?: string;
  /** Bound on each request up to its response headers (confd uses 3 s). */
  readonly requestTimeoutMs?: number;
}

function walk(node: EtcdNode, out: Map<string, string>): void {
  if (node.dir) {
    for (const child of node.nodes ?? []) walk(child, out);
    return;
  }
  out.set(node.key, node.value ?? '');
}

/** The text confd prints for a backend error (`100: Key not found (/x) [7]` for etcd's own errors). */
export function describeBackendError(err: unknown): string {
  if (err instanceof EtcdError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

export class EtcdBackend implements StoreClient {
  private readonly client: EtcdClient;

  constructor(options: EtcdBackendOptions) {
    this.client = new EtcdClient({
      endpoints: [...options.nodes],
      requestTimeoutMs: options.requestTimeoutMs ?? 3000,
      tls: options.tls,
      username: options.username,
      password: options.password,
    });
  }

  async getValues(keys: readonly string[]): Promise<FetchResult> {
    const values = new Map<string, string>();
    let index = 0;
    for (const key of keys) {
      try {
        const r = await this.client.get(key, { recursive: true, sorted: true, quorum: true });
        walk(r.node, values);
        index = index === 0 ? r.etcdIndex : Math.min(index, r.etcdIndex);
      } catch (e) {
        if (e instanceof EtcdError) throw new BackendError(e.describe(), e.index > 0 ? e.index : undefined);
        throw new BackendError(describeBackendError(e), undefined, true);
      }
    }
    return { values, index };
  }

  async watchPrefix(prefix: string, keys: readonly string[], afterIndex: number, signal: AbortSignal): Promise<WatchResult> {
    const watcher = this.client.watch(prefix, { recursive: true, afterIndex, signal });
    try {
      for (;;) {
        let r: IteratorResult<{ node: EtcdNode }>;
        try {
          r = await watcher.next();
        } catch (e) {
          // The start index left etcd's history: re-render, then watch from the fresh index.
          if (e instanceof WatchIndexClearedError) return { index: 0 };
          throw new BackendError(describeBackendError(e));
        }
        if (r.done) return { index: afterIndex };
        const key = r.value.node.key;
        if (keys.some((k) => key.startsWith(k))) return { index: r.value.node.modifiedIndex };
      }
    } finally {
      watcher.stop();
    }
  }

  close(): void {
    this.client.close();
  }
}
