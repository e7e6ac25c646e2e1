/**
 * Usage text for a set of flags: Go's `flag.PrintDefaults` layout (go style) and pflag's
 * `FlagUsages` layout (pflag style, as cobra prints it under "Flags:").
 */
import { formatDefault, goQuote, isZeroDefault, zeroValue, type FlagKind, type FlagValue } from './flag-values.js';

/** What usage text needs to know about one flag. */
export interface UsageEntry {
  readonly name: string;
  readonly kind: FlagKind;
  readonly usage?: string;
  readonly default?: FlagValue;
  readonly defaultText?: string;
  readonly shorthand?: string;
  readonly hidden?: boolean;
  readonly aliases?: readonly string[];
}

const GO_TYPE_NAMES: Readonly<Record<FlagKind, string>> = {
  string: 'string', bool: '', int: 'int', uint: 'uint', float: 'float', duration: 'duration', list: 'value',
};
const PFLAG_TYPE_NAMES: Readonly<Record<FlagKind, string>> = {
  string: 'string', bool: '', int: 'int', uint: 'uint', float: 'float', duration: 'duration', list: 'strings',
};

/** flag.UnquoteUsage: a back-quoted word in the usage names the value; else the type's name. */
function unquoteUsage(entry: UsageEntry, typeNames: Readonly<Record<FlagKind, string>>): [string, string] {
  const usage = entry.usage ?? '';
  const open = usage.indexOf('`');
  if (open >= 0) {
    const close = usage.indexOf('`', open + 1);
    if (close > open) {
      const name = usage.slice(open + 1, close);
      return [name, usage.slice(0, open) + name + usage.slice(close + 1)];
    }
  }
  return [typeNames[entry.kind], usage];
}

function defaultSuffix(entry: UsageEntry, style: 'go' | 'pflag'): string {
  const value = entry.default ?? zeroValue(entry.kind);
  if (entry.defaultText !== undefined) return entry.defaultText === '' ? '' : ` (default ${entry.defaultText})`;
  if (isZeroDefault(entry.kind, value)) return '';
  const shown = formatDefault(entry.kind, value, style);
  return entry.kind === 'string' ? ` (default ${goQuote(shown)})` : ` (default ${shown})`;
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Go's PrintDefaults: every flag (aliases too, as Go registers each spelling as its own flag), sorted
 * by name: `  -name type` then the usage on the next line after four spaces and a tab.
 */
export function printDefaults(entries: readonly UsageEntry[]): string {
  const rows: UsageEntry[] = [];
  for (const e of entries) {
    if (e.hidden) continue;
    rows.push(e);
    for (const alias of e.aliases ?? []) rows.push({ ...e, name: alias });
  }
  rows.sort(byName);
  let out = '';
  for (const e of rows) {
    const [typeName, usage] = unquoteUsage(e, GO_TYPE_NAMES);
    let line = `  -${e.name}${typeName ? ` ${typeName}` : ''}`;
    line += line.length <= 4 ? '\t' : '\n    \t';
    line += usage.replace(/\n/g, '\n    \t');
    out += `${line}${defaultSuffix(e, 'go')}\n`;
  }
  return out;
}

/** pflag's FlagUsages: `  -l, --long type` or `      --long type`, usage aligned in one column. */
export function flagUsages(entries: readonly UsageEntry[]): string {
  const lines: [string, string][] = [];
  let width = 0;
  for (const e of [...entries].sort(byName)) {
    if (e.hidden) continue;
    const [typeName, usage] = unquoteUsage(e, PFLAG_TYPE_NAMES);
    let head = e.shorthand ? `  -${e.shorthand}, --${e.name}` : `      --${e.name}`;
    if (typeName) head += ` ${typeName}`;
    width = Math.max(width, head.length + 1);
    lines.push([head, usage + defaultSuffix(e, 'pflag')]);
  }
  return lines
    .map(([head, rest]) => `${head} ${' '.repeat(width - head.length)} ${rest.replace(/\n/g, `\n${' '.repeat(width + 2)}`)}\n`)
    .join('');
}
