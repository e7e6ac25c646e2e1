/**
 * The per-resource in-memory key store templates read from (confd's memkv): exact lookups, glob
 * queries sorted by key or by value, and the `ls` / `lsdir` directory views with their quirks.
 */
import { BadPatternError, clean, compilePattern, base as pathBase, dir as pathDir } from './go-path.js';
import { compareByBytes } from './gotemplate/byte-order.js';
import { GoError, GoStruct, goSlice, registerNamedSlice, stringSlice, type GoSlice } from './gotemplate/values.js';

export const KVPAIR_TYPE = 'memkv.KVPair';
export const KVPAIRS_TYPE = 'memkv.KVPairs';
registerNamedSlice(KVPAIRS_TYPE, KVPAIR_TYPE);

export function kvPair(key: string, value: string): GoStruct {
  return new GoStruct(KVPAIR_TYPE, { Key: key, Value: value });
}

export function keyOf(kv: GoStruct): string {
  return kv.fields['Key'] as string;
}

const byteCompare = compareByBytes;

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(byteCompare);
}

function splitClean(p: string): string[] {
  return clean(p).split('/');
}

function isPrefix(prefix: readonly string[], parts: readonly string[]): boolean {
  if (prefix.length > parts.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== parts[i]) return false;
  return true;
}

export class MemKV {
  private readonly pairs = new Map<string, GoStruct>();

  /** Replaces the whole content (confd empties and refills the store on every processing). */
  replaceAll(values: ReadonlyMap<string, string> | Iterable<readonly [string, string]>): void {
    this.pairs.clear();
    for (const [k, v] of values) this.pairs.set(k, kvPair(k, v));
  }

  set(key: string, value: string): void {
    this.pairs.set(key, kvPair(key, value));
  }

  get size(): number {
    return this.pairs.size;
  }

  get(key: string): GoStruct {
    const kv = this.pairs.get(key);
    if (kv === undefined) throw new GoError(`key does not exist: ${key}`);
    return kv;
  }

  exists(key: string): boolean {
    return this.pairs.has(key);
  }

  getValue(key: string, defaults: readonly string[]): string {
    const kv = this.pairs.get(key);
    if (kv === undefined) {
      if (defaults.length > 0) return defaults[0] as string;
      throw new GoError(`key does not exist: ${key}`);
    }
    return kv.fields['Value'] as string;
  }

  /** `gets`: pairs whose key matches the glob, sorted by key. */
  getAll(pattern: string): GoSlice {
    const found: GoStruct[] = [];
    if (this.pairs.size > 0) {
      let rx: RegExp;
      try {
        rx = compilePattern(pattern);
      } catch (e) {
        if (e instanceof BadPatternError) throw new GoError(e.message);
        throw e;
      }
      for (const [k, kv] of this.pairs) if (rx.test(k)) found.push(kv);
    }
    found.sort((a, b) => byteCompare(keyOf(a), keyOf(b)));
    return goSlice(KVPAIRS_TYPE, found);
  }

  /** `getvs`: values of the matching pairs, sorted by value. */
  getAllValues(pattern: string): GoSlice {
    const values = this.getAll(pattern).map((kv) => (kv as GoStruct).fields['Value'] as string);
    values.sort(byteCompare);
    return stringSlice(values);
  }

  /** `ls`: names of the direct children of `p` (memkv's algorithm, quirks included). */
  list(p: string): GoSlice {
    const prefix = splitClean(p);
    const names: string[] = [];
    for (const k of this.pairs.keys()) {
      if (k === p) {
        names.push(pathBase(k));
        continue;
      }
      const parts = splitClean(pathDir(k));
      if (isPrefix(prefix, parts)) {
        const rest = (k.startsWith(p) ? k.slice(p.length) : k).replace(/^\/+/, '');
        names.push(rest.split('/')[0] as string);
      }
    }
    return stringSlice(sortedUnique(names));
  }

  /** `lsdir`: names of the direct children of `p` that are directories. */
  listDir(p: string): GoSlice {
    const prefix = splitClean(p);
    const names: string[] = [];
    for (const k of this.pairs.keys()) {
      if (!k.startsWith(p)) continue;
      const parts = splitClean(pathDir(k));
      if (isPrefix(prefix, parts) && parts.length > prefix.length) names.push(parts[prefix.length] as string);
    }
    return stringSlice(sortedUnique(names));
  }
}
