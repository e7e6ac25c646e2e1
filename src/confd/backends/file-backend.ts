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

/** Paths, sizes and modification times of every file read: changes when any of them does. */
function signature(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${f}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${f}:gone`;
      }
    })
    .join('|');
}

export class FileBackend implements StoreClient {
  /**
   * Every distinct state of the files seen gets the next generation number; fetches report it as
   * their index, so a watch knows whether the files changed since that resource's last fetch.
   */
  private readonly generations = new Map<string, number>();
  private lastFiles: string[] = [];

  private generationOf(sig: string): number {
    let g = this.generations.get(sig);
    if (g === undefined) {
      g = this.generations.size + 1;
      this.generations.set(sig, g);
    }
    return g;
  }

  constructor(
    private readonly paths: readonly string[],
    private readonly filter: string,
  ) {}

  async getValues(keys: readonly string[]): Promise<FetchResult> {
    const all = new Map<string, string>();
    const files = this.paths.flatMap((p) => filesUnder(p, this.filter));
    this.lastFiles = files;
    const index = this.generationOf(signature(files));
    for (const file of files) {
      let doc: YamlValue;
      try {
        doc = parseYaml(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new BackendError((e as Error).message);
      }
      flatten(doc, '/', all);
    }
    const values = new Map<string, string>();
    for (const [k, v] of all) if (keys.some((key) => k.startsWith(key))) values.set(k, v);
    return { values, index };
  }

  /** Resolves on the next change to any of the files or folders. */
  watchPrefix(_prefix: string, _keys: readonly string[], afterIndex: number, signal: AbortSignal): Promise<WatchResult> {
    return new Promise((resolve, reject) => {
      const watchers: FSWatcher[] = [];
      const finish = (): void => {
        for (const w of watchers) w.close();
        signal.removeEventListener('abort', finish);
        resolve({ index: afterIndex });
      };
      if (signal.aborted) return resolve({ index: afterIndex });
      signal.addEventListener('abort', finish, { once: true });
      const changedSinceFetch = (): boolean => afterIndex > 0 && this.generationOf(signature(this.lastFiles)) !== afterIndex;
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
        // A change between the last fetch and now (watchers were not there yet) counts too.
        if (changedSinceFetch()) finish();
      } catch (e) {
        for (const w of watchers) w.close();
        signal.removeEventListener('abort', finish);
        reject(new BackendError((e as Error).message));
      }
    });
  }

  close(): void {}
}
