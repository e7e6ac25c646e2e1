/**
 * Reading a request body the way Go's `json.NewDecoder(body).Decode(&v)` reads it: the first JSON
 * value only (whatever follows it is left unread), over bytes, with Go's syntax error texts
 * (`invalid character 'x' looking for beginning of value`, `unexpected EOF`, `EOF`). The result is
 * an untyped tree; go-json-unmarshal.ts maps it onto Go types with Go's type error texts.
 */

export type GoJsonValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly GoJsonValue[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, GoJsonValue])[] };

export type GoJsonDecoded = { readonly ok: true; readonly value: GoJsonValue } | { readonly ok: false; readonly error: string };

/** Thrown inside the parser; carries Go's message. */
class GoSyntaxError extends Error {}

const UNEXPECTED_EOF = 'unexpected EOF';
const utf8 = new TextDecoder('utf-8');

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's `quoteChar`: the offending byte as the scanner names it (`'x'`, `'\n'`, `'\''`, `'"'`). */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  // strconv.Quote(string(rune(c))): a byte above 0x7f is taken as the Latin-1 rune of that value.
  if (c === 0x07) return "'\\a'";
  if (c === 0x08) return "'\\b'";
  if (c === 0x0c) return "'\\f'";
  if (c === 0x0a) return "'\\n'";
  if (c === 0x0d) return "'\\r'";
  if (c === 0x09) return "'\\t'";
  if (c === 0x0b) return "'\\v'";
  if (c === 0x5c) return "'\\\\'";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // U+0080..U+009F are controls, U+00A0 is a non-ASCII space and U+00AD a format character: not printable in Go.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Parser {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private fail(c: number, context: string): never {
    throw new GoSyntaxError(`invalid character ${goQuoteChar(c)} ${context}`);
  }

  /** The next byte; running out in the middle of a value is `unexpected EOF`. */
  private peek(): number {
    if (this.pos >= this.bytes.length) throw new GoSyntaxError(UNEXPECTED_EOF);
    return this.bytes[this.pos]!;
  }

  private skipSpace(): void {
    while (this.pos < this.bytes.length && isSpace(this.bytes[this.pos]!)) this.pos++;
  }

  /** Whether the top level holds anything but white space. */
  hasValue(): boolean {
    this.skipSpace();
    return this.pos < this.bytes.length;
  }

  value(): GoJsonValue {
    this.skipSpace();
    const c = this.peek();
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return { kind: 'string', value: this.string() };
      case 0x74:
        this.literal('true');
        return { kind: 'bool', value: true };
      case 0x66:
        this.literal('false');
        return { kind: 'bool', value: false };
      case 0x6e:
        this.literal('null');
        return { kind: 'null' };
      default:
        if (c === 0x2d || isDigit(c)) return { kind: 'number', text: this.number() };
        return this.fail(c, 'looking for beginning of value');
    }
  }

  private object(): GoJsonValue {
    this.pos++;
    const entries: (readonly [string, GoJsonValue])[] = [];
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      const q = this.peek();
      if (q !== 0x22) this.fail(q, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      const colon = this.peek();
      if (colon !== 0x3a) this.fail(colon, 'after object key');
      this.pos++;
      entries.push([key, this.value()]);
      this.skipSpace();
      const next = this.peek();
      this.pos++;
      if (next === 0x7d) return { kind: 'object', entries };
      if (next !== 0x2c) {
        this.pos--;
        this.fail(next, 'after object key:value pair');
      }
    }
  }

  private array(): GoJsonValue {
    this.pos++;
    const items: GoJsonValue[] = [];
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const next = this.peek();
      this.pos++;
      if (next === 0x5d) return { kind: 'array', items };
      if (next !== 0x2c) {
        this.pos--;
        this.fail(next, 'after array element');
      }
    }
  }

  private literal(word: string): void {
    this.pos++;
    for (let i = 1; i < word.length; i++) {
      const c = this.peek();
      if (c !== word.charCodeAt(i)) this.fail(c, `in literal ${word} (expecting '${word[i]}')`);
      this.pos++;
    }
  }

  /** A number ends at the first byte that cannot continue it (or at the end of the input). */
  private number(): string {
    const start = this.pos;
    const at = (): number => (this.pos < this.bytes.length ? this.bytes[this.pos]! : -1);
    if (at() === 0x2d) {
      this.pos++;
      const c = this.peek();
      if (!isDigit(c)) this.fail(c, 'in numeric literal');
    }
    if (at() === 0x30) this.pos++;
    else while (isDigit(at())) this.pos++;
    if (at() === 0x2e) {
      this.pos++;
      const c = this.peek();
      if (!isDigit(c)) this.fail(c, 'after decimal point in numeric literal');
      while (isDigit(at())) this.pos++;
    }
    if (at() === 0x65 || at() === 0x45) {
      this.pos++;
      if (at() === 0x2b || at() === 0x2d) this.pos++;
      const c = this.peek();
      if (!isDigit(c)) this.fail(c, 'in exponent of numeric literal');
      while (isDigit(at())) this.pos++;
    }
    return Buffer.from(this.bytes.subarray(start, this.pos)).toString('latin1');
  }

  /** A string literal, unquoted as Go does (bad UTF-8 and lone surrogates become U+FFFD). */
  private string(): string {
    this.pos++;
    let out = '';
    let runStart = this.pos;
    const flush = (): void => {
      if (this.pos > runStart) out += utf8.decode(this.bytes.subarray(runStart, this.pos));
    };
    for (;;) {
      const c = this.peek();
      if (c === 0x22) {
        flush();
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail(c, 'in string literal');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      flush();
      this.pos++;
      const e = this.peek();
      this.pos++;
      switch (e) {
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x75: out += this.unicodeEscape(); break;
        default:
          this.pos--;
          this.fail(e, 'in string escape code');
      }
      runStart = this.pos;
    }
  }

  private hex4(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.peek();
      if (!isHex(c)) this.fail(c, 'in \\u hexadecimal character escape');
      v = v * 16 + parseInt(String.fromCharCode(c), 16);
      this.pos++;
    }
    return v;
  }

  /** After `\u`: a code unit, joined with a following `\uXXXX` low surrogate when it makes a pair. */
  private unicodeEscape(): string {
    const hi = this.hex4();
    if (hi < 0xd800 || hi > 0xdfff) return String.fromCharCode(hi);
    if (hi <= 0xdbff && this.bytes[this.pos] === 0x5c && this.bytes[this.pos + 1] === 0x75) {
      const save = this.pos;
      this.pos += 2;
      let lo = -1;
      try {
        lo = this.hex4();
      } catch {
        // The scanner reports a bad escape when it reaches it; here it is left for the main loop.
      }
      if (lo >= 0xdc00 && lo <= 0xdfff) return String.fromCharCode(hi, lo);
      this.pos = save;
    }
    return '\ufffd';
  }
}

/** Decodes the first JSON value of a body as Go's json.Decoder does. */
export function decodeGoJson(bytes: Uint8Array): GoJsonDecoded {
  const parser = new Parser(bytes);
  if (!parser.hasValue()) return { ok: false, error: 'EOF' };
  try {
    return { ok: true, value: parser.value() };
  } catch (e) {
    if (e instanceof GoSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}
