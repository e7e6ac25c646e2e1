/**
 * The `file` backend: YAML files (or folders of them, filtered by a glob on the base name) flattened
 * into `/a/b` keys; sequences use indexes; keys outside the fetched prefixes are dropped.
 */
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { join as pathJoin, match } from '../go-path.js';
import { formatFloat } from '../gotemplate/float-format.js';
import { BackendError, type FetchResult, type StoreClient, type WatchResult } from '../store-client.js';
import { parseYaml, type YamlValue } from '../yaml-document.js';

function flatten(node: YamlValue, key: string, out: Map<string, string>): void {
  if (node === null) return;
  if (Array.isArray(node)) {
    node.forEach((v, i) => flatten(v, pathJoin(key, String(i)), out));
    return;
  }
  if (node instanceof Map) {
    for (const [k, v] of node) flatten(v, pathJoin(key, k), out);
    return;
  }
  switch (typeof node) {
    case 'string':
      out.set(key, node);
      return;
    case 'boolean':
      out.set(key, node ? 'true' : 'false');
      return;
    case 'number':
      out.set(key, Number.isInteger(node) && Math.abs(node) < 2 ** 63 ? String(BigInt(node)) : formatFloat(node, 'f', -1));
      return;
  }
}

function filesUnder(root: string, filter: string): string[] {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new BackendError(`stat ${root}: no such file or directory`);
  }
  if (!st.isDirectory()) return [root];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (match(filter, name)) out.push(p);
    }
  };
  walk(root);
  return out;
}

export class FileBackend implements StoreClient {
  constructor(
    private readonly paths: readonly string[],
    private readonly filter: string,
  ) {}

  async getValues(keys: readonly string[]): Promise<FetchResult> {
    const all = new Map<string, string>();
    for (const p of this.paths) {
      for (const file of filesUnder(p, this.filter)) {
        let doc: YamlValue;
        try {
          doc = parseYaml(readFileSync(file, 'utf8'));
        } catch (e) {
          throw new BackendError((e as Error).message);
        }
        flatten(doc, '/', all);
      }
    }
    const values = new Map<string, string>();
    for (const [k, v] of all) if (keys.some((key) => k.startsWith(key))) values.set(k, v);
    return { values, index: 0 };
  }

  /** Resolves on the next change to any of the files or folders. */
  watchPrefix(_prefix: string, _keys: readonly string[], afterIndex: number, signal: AbortSignal): Promise<WatchResult> {
    return new Promise((resolve, reject) => {
      const watchers: FSWatcher[] = [];
      const finish = (): void => {
        for (const w of watchers) w.close();
        signal.removeEventListener('abort', finish);
        resolve({ index: afterIndex + 1 });
      };
      if (signal.aborted) return resolve({ index: afterIndex });
      signal.addEventListener('abort', finish, { once: true });
      try {
        const targets = new Set<string>();
        for (const p of this.paths) {
          targets.add(p);
          if (statSync(p).isDirectory()) {
            const walk = (dir: string): void => {
              for (const name of readdirSync(dir)) {
                const child = join(dir, name);
                targets.add(child);
                if (statSync(child).isDirectory()) walk(child);
              }
            };
            walk(p);
          }
        }
        for (const t of targets) watchers.push(watch(t, () => finish()));
      } catch (e) {
        for (const w of watchers) w.close();
        signal.removeEventListener('abort', finish);
        reject(new BackendError((e as Error).message));
      }
    });
  }

  close(): void {}
}
