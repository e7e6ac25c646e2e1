/**
 * Template resources: finding `conf.d/**` files whose name matches `*toml`, decoding their
 * `[template]` table (keys matched case-insensitively), and the prefix/key algorithm of confd.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join as joinFs } from 'node:path';
import { parseTomlLikeGo } from './go-toml.js';
import { join as pathJoin } from './go-path.js';

export interface TemplateResource {
  /** The resource file it came from. */
  readonly file: string;
  /** Absolute template path (`<confdir>/templates/<src>`). */
  readonly src: string;
  readonly dest: string;
  readonly keys: readonly string[];
  /** Effective prefix, always starting with `/`. */
  readonly prefix: string;
  /** The `mode` string as written ('' when absent). */
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly checkCmd: string;
  readonly reloadCmd: string;
}

export class ResourceLoadError extends Error {
  override readonly name = 'ResourceLoadError';
}

interface FieldSpec {
  readonly go: string;
  readonly tag?: string;
  readonly kind: 'string' | 'int' | 'list';
}

const FIELDS: Record<string, FieldSpec> = {
  checkCmd: { go: 'CheckCmd', tag: 'check_cmd', kind: 'string' },
  dest: { go: 'Dest', kind: 'string' },
  gid: { go: 'Gid', kind: 'int' },
  keys: { go: 'Keys', kind: 'list' },
  mode: { go: 'Mode', kind: 'string' },
  prefix: { go: 'Prefix', kind: 'string' },
  reloadCmd: { go: 'ReloadCmd', tag: 'reload_cmd', kind: 'string' },
  src: { go: 'Src', kind: 'string' },
  uid: { go: 'Uid', kind: 'int' },
  // Extensions (not read by confd 0.16.0): user and group names, used only when uid/gid are absent.
  owner: { go: 'Owner', kind: 'string' },
  group: { go: 'Group', kind: 'string' },
};

function tomlTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return 'int64';
  if (typeof v === 'number') return 'float64';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'datetime';
  return 'table';
}

function fieldFor(key: string): [string, FieldSpec] | undefined {
  for (const [name, spec] of Object.entries(FIELDS)) if (spec.tag === key) return [name, spec];
  const lower = key.toLowerCase();
  for (const [name, spec] of Object.entries(FIELDS)) if (spec.go.toLowerCase() === lower) return [name, spec];
  return undefined;
}

export interface ResourceDefaults {
  readonly templateDir: string;
  /** Global prefix; replaces the resource's own when non-empty. */
  readonly globalPrefix: string;
  readonly uid: number;
  readonly gid: number;
  /** Resolves a user or group name (extension fields `owner` / `group`). */
  readonly lookupUser?: (name: string) => number | undefined;
  readonly lookupGroup?: (name: string) => number | undefined;
}

/** Decodes one resource file's text (pure apart from the name lookups in `defaults`). */
export function decodeTemplateResource(file: string, text: string, defaults: ResourceDefaults): TemplateResource {
  let doc: Record<string, unknown>;
  try {
    doc = parseTomlLikeGo(text);
  } catch (e) {
    throw new ResourceLoadError(`Cannot process template resource ${file} - ${(e as Error).message.split('\n')[0]}`);
  }
  const values: Record<string, unknown> = {};
  let table: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(doc)) {
    if (k.toLowerCase() === 'template' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      table = v as Record<string, unknown>;
    }
  }
  for (const [key, value] of Object.entries(table ?? {})) {
    const f = fieldFor(key);
    if (!f) continue;
    const [name, spec] = f;
    const fail = (goType: string): never => {
      throw new ResourceLoadError(
        `Cannot process template resource ${file} - toml: cannot load TOML value of type ${tomlTypeName(value)} into a Go ${goType}`,
      );
    };
    if (spec.kind === 'string' && typeof value !== 'string') fail('string');
    if (spec.kind === 'int' && !(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) fail('int');
    if (spec.kind === 'list') {
      if (!Array.isArray(value)) fail('slice');
      if (!(value as unknown[]).every((x) => typeof x === 'string')) fail('string');
    }
    values[name] = spec.kind === 'int' ? Number(value) : value;
  }
  const src = (values['src'] as string | undefined) ?? '';
  let prefix = (values['prefix'] as string | undefined) ?? '';
  if (defaults.globalPrefix !== '') prefix = defaults.globalPrefix;
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (src === '') throw new ResourceLoadError('empty src template');
  let uid = values['uid'] as number | undefined;
  let gid = values['gid'] as number | undefined;
  if (uid === undefined && typeof values['owner'] === 'string') uid = defaults.lookupUser?.(values['owner']);
  if (gid === undefined && typeof values['group'] === 'string') gid = defaults.lookupGroup?.(values['group']);
  return {
    file,
    src: joinFs(defaults.templateDir, src),
    dest: (values['dest'] as string | undefined) ?? '',
    keys: (values['keys'] as string[] | undefined) ?? [],
    prefix,
    mode: (values['mode'] as string | undefined) ?? '',
    uid: uid ?? defaults.uid,
    gid: gid ?? defaults.gid,
    checkCmd: (values['checkCmd'] as string | undefined) ?? '',
    reloadCmd: (values['reloadCmd'] as string | undefined) ?? '',
  };
}

/** The keys to fetch: each `keys` entry joined onto the prefix (`path.Join`). */
export function fetchKeys(resource: Pick<TemplateResource, 'prefix' | 'keys'>): string[] {
  return resource.keys.map((k) => pathJoin(resource.prefix, k));
}

/** Where a fetched absolute key lives in the template's store: prefix cut off, re-rooted at `/`. */
export function storeKey(prefix: string, absoluteKey: string): string {
  const rest = absoluteKey.startsWith(prefix) ? absoluteKey.slice(prefix.length) : absoluteKey;
  return pathJoin('/', rest);
}

/** Go `filepath.Match("*toml", name)`: any name ending in `toml`. */
function isResourceName(name: string): boolean {
  return name.endsWith('toml');
}

/** Resource files under `confDir` in `filepath.Walk` order (lexical, descending into folders in place). */
export function findResourceFiles(confDir: string): string[] {
  const out: string[] = [];
  try {
    if (!statSync(confDir).isDirectory()) return [confDir];
  } catch {
    throw new ResourceLoadError(`stat ${confDir}: no such file or directory`);
  }
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch {
      return;
    }
    for (const name of names) {
      const p = joinFs(dir, name);
      let isDir = false;
      let isFile = false;
      try {
        isDir = lstatSync(p).isDirectory();
        isFile = !isDir && !statSync(p).isDirectory();
      } catch {
        continue;
      }
      if (isDir) walk(p);
      else if (isFile && isResourceName(name)) out.push(p);
    }
  };
  walk(confDir);
  return out;
}

export function readTemplateResource(file: string, defaults: ResourceDefaults): TemplateResource {
  return decodeTemplateResource(file, readFileSync(file, 'utf8'), defaults);
}
