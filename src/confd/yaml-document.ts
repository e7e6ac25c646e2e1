/**
 * A YAML reader for the configuration files the `file` backend loads: block mappings and
 * sequences, flow collections, plain/quoted/block scalars, comments, and YAML 1.1 scalar types
 * (`yes`/`no`/`on`/`off` are booleans), which is what confd's YAML library resolves.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | Map<string, YamlValue>;

export class YamlSyntaxError extends Error {}

interface Line {
  indent: number;
  text: string;
  num: number;
}

/** Strips a trailing comment (a `#` preceded by whitespace, outside quotes). */
function stripComment(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(s[i - 1] as string)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1] as string))) {
      return s.slice(0, i).trimEnd();
    }
  }
  return s.trimEnd();
}

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** Resolves a plain scalar to its YAML 1.1 type. */
export function resolvePlain(s: string): YamlValue {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (YAML11_TRUE.has(s) && s !== 'y' && s !== 'Y' && s !== 'n' && s !== 'N') return true;
  if (YAML11_FALSE.has(s) && s !== 'y' && s !== 'Y' && s !== 'n' && s !== 'N') return false;
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(s)) return Number(s.replace(/_/g, ''));
  if (/^[-+]?0x[0-9a-fA-F_]+$/.test(s)) return Number.parseInt(s.replace(/_/g, ''), 16);
  if (/^[-+]?0[0-7_]+$/.test(s)) return Number.parseInt(s.replace(/_/g, ''), 8);
  if (/^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s.replace(/_/g, ''));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

function unquoteDouble(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '0': return '\0';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'e': return '\x1b';
      case 'f': return '\f';
      case 'v': return '\v';
      case ' ': return ' ';
      case '/': return '/';
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      default: return e;
    }
  });
}

/** Parses a flow value (`[a, {b: c}]`, quoted or plain scalars) starting at `i`. */
function parseFlow(s: string, start: number, inFlow: boolean): [YamlValue, number] {
  let i = start;
  const skip = (): void => {
    while (i < s.length && /\s/.test(s[i] as string)) i++;
  };
  skip();
  const c = s[i];
  if (c === '[') {
    i++;
    const items: YamlValue[] = [];
    for (;;) {
      skip();
      if (s[i] === ']') return [items, i + 1];
      const [v, next] = parseFlow(s, i, true);
      items.push(v);
      i = next;
      skip();
      if (s[i] === ',') i++;
      else if (s[i] === ']') return [items, i + 1];
      else throw new YamlSyntaxError('did not find expected \',\' or \']\'');
    }
  }
  if (c === '{') {
    i++;
    const m = new Map<string, YamlValue>();
    for (;;) {
      skip();
      if (s[i] === '}') return [m, i + 1];
      const [k, afterKey] = parseFlow(s, i, true);
      i = afterKey;
      skip();
      let v: YamlValue = null;
      if (s[i] === ':') {
        [v, i] = parseFlow(s, i + 1, true);
      }
      m.set(scalarKey(k), v);
      skip();
      if (s[i] === ',') i++;
      else if (s[i] === '}') return [m, i + 1];
      else throw new YamlSyntaxError('did not find expected \',\' or \'}\'');
    }
  }
  if (c === '"') {
    let j = i + 1;
    while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
    if (j >= s.length) throw new YamlSyntaxError('found unexpected end of stream');
    return [unquoteDouble(s.slice(i + 1, j)), j + 1];
  }
  if (c === "'") {
    let j = i + 1;
    let out = '';
    for (;;) {
      if (j >= s.length) throw new YamlSyntaxError('found unexpected end of stream');
      if (s[j] === "'") {
        if (s[j + 1] === "'") {
          out += "'";
          j += 2;
          continue;
        }
        break;
      }
      out += s[j];
      j++;
    }
    return [out, j + 1];
  }
  let j = i;
  while (j < s.length) {
    const d = s[j] as string;
    if (inFlow && (d === ',' || d === ']' || d === '}')) break;
    if (d === ':' && (j + 1 >= s.length || /[\s,\]}]/.test(s[j + 1] as string)) && inFlow) break;
    j++;
  }
  return [resolvePlain(s.slice(i, j).trim()), j];
}

function scalarKey(k: YamlValue): string {
  if (k === null) return 'null';
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'boolean') return String(k);
  throw new YamlSyntaxError('invalid map key');
}

/** Index of the `: ` separating a block mapping key from its value, or -1. */
function mappingColon(text: string): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,]/.test(text[i - 1] as string))) quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ':' && depth === 0 && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t')) return i;
  }
  return -1;
}

class BlockParser {
  private pos = 0;
  constructor(private readonly lines: Line[], private readonly raw: string[]) {}

  parseDocument(): YamlValue {
    if (this.lines.length === 0) return null;
    const v = this.parseNode();
    if (this.pos < this.lines.length) {
      throw new YamlSyntaxError(`yaml: line ${(this.lines[this.pos] as Line).num}: did not find expected key`);
    }
    return v;
  }

  private parseNode(): YamlValue {
    const line = this.lines[this.pos] as Line;
    if (line.text.startsWith('- ') || line.text === '-') return this.parseSequence(line.indent);
    if (mappingColon(line.text) >= 0) return this.parseMapping(line.indent);
    this.pos++;
    return this.scalarValue(line.text, line);
  }

  private scalarValue(text: string, line: Line): YamlValue {
    if (text === '|' || text === '>' || /^[|>][-+0-9]*$/.test(text)) return this.blockScalar(text, line);
    const [v, end] = parseFlow(text, 0, false);
    if (text.slice(end).trim() !== '') throw new YamlSyntaxError(`yaml: line ${line.num}: did not find expected key`);
    return v;
  }

  private blockScalar(header: string, line: Line): YamlValue {
    const folded = header.startsWith('>');
    const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
    // Block scalar content comes from the raw lines after the header.
    const startRaw = line.num; // 1-based line number of the header = index of next raw line
    let i = startRaw;
    let blockIndent = -1;
    const content: string[] = [];
    while (i < this.raw.length) {
      const r = this.raw[i] as string;
      if (r.trim() === '') {
        content.push('');
        i++;
        continue;
      }
      const ind = r.length - r.trimStart().length;
      if (blockIndent < 0) {
        if (ind <= line.indent) break;
        blockIndent = ind;
      }
      if (ind < blockIndent) break;
      content.push(r.slice(blockIndent));
      i++;
    }
    // Skip the parsed lines that belong to the block.
    while (this.pos < this.lines.length && (this.lines[this.pos] as Line).num <= i) this.pos++;
    while (content.length > 0 && content[content.length - 1] === '' && chomp !== 'keep') content.pop();
    let text: string;
    if (folded) {
      text = '';
      content.forEach((l, k) => {
        if (k === 0) text = l;
        else if (l === '' || content[k - 1] === '') text += '\n' + l;
        else text += ' ' + l;
      });
    } else {
      text = content.join('\n');
    }
    if (chomp !== 'strip' && content.length > 0) text += '\n';
    return text;
  }

  private parseSequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent) throw new YamlSyntaxError(`yaml: line ${line.num}: did not find expected '-' indicator`);
      if (!(line.text.startsWith('- ') || line.text === '-')) break;
      const rest = line.text === '-' ? '' : line.text.slice(2).trimStart();
      const restIndent = line.indent + (line.text.length - rest.length);
      if (rest === '') {
        this.pos++;
        const next = this.lines[this.pos];
        if (next && next.indent > indent) items.push(this.parseNode());
        else items.push(null);
        continue;
      }
      // The item's content continues as if it were a line of its own at restIndent.
      this.lines[this.pos] = { indent: restIndent, text: rest, num: line.num };
      items.push(this.parseNode());
    }
    return items;
  }

  private parseMapping(indent: number): Map<string, YamlValue> {
    const m = new Map<string, YamlValue>();
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent) throw new YamlSyntaxError(`yaml: line ${line.num}: mapping values are not allowed in this context`);
      const colon = mappingColon(line.text);
      if (colon < 0) throw new YamlSyntaxError(`yaml: line ${line.num}: could not find expected ':'`);
      const rawKey = line.text.slice(0, colon).trim();
      // Plain keys keep their text (`on:` names a key "on", not a boolean).
      const key = rawKey.startsWith('"') || rawKey.startsWith("'") ? scalarKey(parseFlow(rawKey, 0, false)[0]) : rawKey;
      const rest = line.text.slice(colon + 1).trim();
      this.pos++;
      if (rest === '') {
        const next = this.lines[this.pos];
        if (next && (next.indent > indent || (next.indent === indent && (next.text.startsWith('- ') || next.text === '-')))) {
          m.set(key, this.parseNode());
        } else {
          m.set(key, null);
        }
      } else {
        m.set(key, this.scalarValue(rest, line));
      }
    }
    return m;
  }
}

/** Parses a single-document YAML text. */
export function parseYaml(text: string): YamlValue {
  const raw = text.replace(/\r\n/g, '\n').split('\n');
  const lines: Line[] = [];
  raw.forEach((r, k) => {
    if (r.trim() === '---' || r.trim() === '...') return;
    if (r.includes('\t') && /^\s*\t/.test(r)) throw new YamlSyntaxError(`yaml: line ${k + 1}: found character that cannot start any token`);
    const t = stripComment(r);
    if (t.trim() === '') return;
    lines.push({ indent: t.length - t.trimStart().length, text: t.trim(), num: k + 1 });
  });
  return new BlockParser(lines, raw).parseDocument();
}
