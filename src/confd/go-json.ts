/**
 * Decodes JSON into template values the way Go's `encoding/json` fills an `interface{}`: objects
 * become `map[string]interface {}`, arrays `[]interface {}`, numbers float64, null nil; syntax
 * errors carry Go's messages (`invalid character 'o' in literal null (expecting 'u')`).
 */
import { goQuote } from './gotemplate/escapers.js';
import { GoError, goMap, goSlice, INTERFACE_MAP, INTERFACE_SLICE, type GoValue } from './gotemplate/values.js';

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

class JsonScanner {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(context: string): never {
    if (this.i >= this.s.length) throw new GoError('unexpected end of JSON input');
    const c = String.fromCodePoint(this.s.codePointAt(this.i) ?? 0);
    throw new GoError(`invalid character ${quoteChar(c)} ${context}`);
  }

  private skipSpace(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else break;
    }
  }

  parseTop(): GoValue {
    this.skipSpace();
    const v = this.value();
    this.skipSpace();
    if (this.i < this.s.length) this.fail('after top-level value');
    return v;
  }

  private value(): GoValue {
    this.skipSpace();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail('looking for beginning of value');
  }

  private literal(word: string, v: GoValue): GoValue {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k] as string)})`);
    }
    return v;
  }

  private number(): number {
    const start = this.i;
    const digit = (): boolean => {
      const c = this.s[this.i];
      return c !== undefined && c >= '0' && c <= '9';
    };
    if (this.s[this.i] === '-') {
      this.i++;
      if (!digit()) this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (digit()) this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.i++;
    }
    const text = this.s.slice(start, this.i);
    const n = Number(text);
    if (!Number.isFinite(n)) throw new GoError(`json: cannot unmarshal number ${text} into Go value of type float64`);
    return n;
  }

  private string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('in string literal');
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c < ' ') this.fail('in string literal');
      if (c === '\\') {
        this.i++;
        const e = this.s[this.i];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.i++;
          continue;
        }
        if (e === 'u') {
          this.i++;
          let code = 0;
          for (let k = 0; k < 4; k++) {
            const h = this.s[this.i];
            if (h === undefined || !/[0-9a-fA-F]/.test(h)) this.fail('in \\u hexadecimal character escape');
            code = code * 16 + parseInt(h, 16);
            this.i++;
          }
          out += String.fromCharCode(code);
          continue;
        }
        this.fail('in string escape code');
      }
      out += c;
      this.i++;
    }
  }

  private object(): GoValue {
    this.i++;
    const m = new Map<string, GoValue>();
    this.skipSpace();
    if (this.s[this.i] === '}') {
      this.i++;
      return goMap(INTERFACE_MAP, m);
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      m.set(key, this.value());
      this.skipSpace();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return goMap(INTERFACE_MAP, m);
      }
      this.fail('after object key:value pair');
    }
  }

  private array(): GoValue {
    this.i++;
    const items: GoValue[] = [];
    this.skipSpace();
    if (this.s[this.i] === ']') {
      this.i++;
      return goSlice(INTERFACE_SLICE, items);
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return goSlice(INTERFACE_SLICE, items);
      }
      this.fail('after array element');
    }
  }
}

function kindName(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** `json.Unmarshal` into `map[string]interface{}` (confd's `json`). */
export function decodeJsonObject(text: string): GoValue {
  const v = new JsonScanner(text).parseTop();
  if (v === null) return goMap(INTERFACE_MAP, new Map());
  if (!(v instanceof Map)) {
    throw new GoError(`json: cannot unmarshal ${kindName(v)} into Go value of type map[string]interface {}`);
  }
  return v;
}

/** `json.Unmarshal` into `[]interface{}` (confd's `jsonArray`). */
export function decodeJsonArray(text: string): GoValue {
  const v = new JsonScanner(text).parseTop();
  if (v === null) return goSlice(INTERFACE_SLICE, []);
  if (!Array.isArray(v)) {
    throw new GoError(`json: cannot unmarshal ${kindName(v)} into Go value of type []interface {}`);
  }
  return v;
}
