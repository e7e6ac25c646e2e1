/**
 * The `env` backend: keys map to environment variable name prefixes (`/myapp/db` → `MYAPP_DB*`),
 * and variables map back to lower-case slash paths (`MYAPP_DB_URL` → `/myapp/db/url`).
 */
import type { FetchResult, StoreClient, WatchResult } from '../store-client.js';

function toVariablePrefix(key: string): string {
  return key.replace(/^\//, '').replace(/\//g, '_').toUpperCase();
}

function toKey(name: string): string {
  return ('/' + name).toLowerCase().replace(/_/g, '/');
}

export class EnvBackend implements StoreClient {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  async getValues(keys: readonly string[]): Promise<FetchResult> {
    const values = new Map<string, string>();
    for (const key of keys) {
      const prefix = toVariablePrefix(key);
      for (const [name, value] of Object.entries(this.env)) {
        if (value !== undefined && name.startsWith(prefix)) values.set(toKey(name), value);
      }
    }
    return { values, index: 0 };
  }

  /** The environment never changes: waits until stopped. */
  watchPrefix(_prefix: string, _keys: readonly string[], afterIndex: number, signal: AbortSignal): Promise<WatchResult> {
    return new Promise((resolve) => {
      if (signal.aborted) resolve({ index: afterIndex });
      else signal.addEventListener('abort', () => resolve({ index: afterIndex }), { once: true });
    });
  }

  close(): void {}
}
