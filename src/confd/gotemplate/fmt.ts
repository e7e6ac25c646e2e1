/**
 * Go's fmt for template values: `Sprint`, `Sprintln`, `Sprintf` with the verbs, flags, widths and
 * precisions templates use, and Go's inline complaints (`%!d(string=x)`, `%!s(MISSING)`, ...).
 */
import { compareByBytes } from './byte-order.js';
import { canBackquote, goQuote } from './escapers.js';
import { formatFloat, type FloatFormat } from './float-format.js';
import { GoFunc, GoStruct, goTypeName, type GoValue } from './values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function newFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A fixed fake address for pointers printed inside composites (Go prints a real one). */
const FAKE_ADDRESS = '0xc000010000';

class Printer {
  out = '';
  f: Flags = newFlags();
  private erroring = false;

  private pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.out += s;
      return;
    }
    const n = this.f.wid - runeCount(s);
    if (n <= 0) {
      this.out += s;
      return;
    }
    if (this.f.minus) this.out += s + ' '.repeat(n);
    else this.out += (this.f.zero ? '0' : ' ').repeat(n) + s;
  }

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
      case 's': {
        let t = s;
        if (this.f.precPresent) t = [...s].slice(0, this.f.prec).join('');
        this.pad(t);
        return;
      }
      case 'q': {
        let t = s;
        if (this.f.precPresent) t = [...s].slice(0, this.f.prec).join('');
        if (this.f.sharp && canBackquote(t)) this.pad('`' + t + '`');
        else this.pad(goQuote(t, this.f.plus));
        return;
      }
      case 'x':
      case 'X': {
        const bytes = Buffer.from(s, 'utf8');
        const digits = verb === 'x' ? '0123456789abcdef' : '0123456789ABCDEF';
        const parts: string[] = [];
        for (const b of bytes) {
          let p = (digits[b >> 4] as string) + (digits[b & 15] as string);
          if (this.f.sharp && (this.f.space || parts.length === 0)) p = (verb === 'x' ? '0x' : '0X') + p;
          parts.push(p);
        }
        this.pad(parts.join(this.f.space ? ' ' : ''));
        return;
      }
      default:
        this.badVerb(verb, s);
    }
  }

  private fmtInteger(v: bigint, verb: string): void {
    let base = 10;
    let upper = false;
    switch (verb) {
      case 'v':
      case 'd':
        break;
      case 'b':
        base = 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'x':
        base = 16;
        break;
      case 'X':
        base = 16;
        upper = true;
        break;
      case 'c':
        this.pad(String.fromCodePoint(Number(v)));
        return;
      case 'q':
        this.pad(goQuote(String.fromCodePoint(Number(v)), this.f.plus, "'"));
        return;
      case 'U': {
        let s = 'U+' + v.toString(16).toUpperCase().padStart(4, '0');
        if (this.f.sharp) s += ` '${String.fromCodePoint(Number(v))}'`;
        this.pad(s);
        return;
      }
      default:
        this.badVerb(verb, v);
        return;
    }
    const negative = v < 0n;
    const abs = negative ? -v : v;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && abs === 0n) {
        const zero = this.f.zero;
        this.f.zero = false;
        this.pad('');
        this.f.zero = zero;
        return;
      }
    } else if (this.f.zero && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = abs.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.f.plus) digits = '+' + digits;
    else if (this.f.space) digits = ' ' + digits;
    const zero = this.f.zero;
    this.f.zero = false;
    this.pad(digits);
    this.f.zero = zero;
  }

  private fmtFloat(v: number, verb: string): void {
    let fmt: FloatFormat;
    let prec: number;
    switch (verb) {
      case 'v':
        fmt = 'g';
        prec = -1;
        break;
      case 'g':
      case 'G':
        fmt = verb;
        prec = -1;
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
        fmt = verb;
        prec = 6;
        break;
      case 'x':
      case 'X':
      case 'b':
        fmt = 'g';
        prec = -1;
        break;
      default:
        this.badVerb(verb, v);
        return;
    }
    if (this.f.precPresent) prec = this.f.prec;
    let num = formatFloat(v, fmt, prec);
    if (num.startsWith('-') || num.startsWith('+')) {
      // keep
    } else {
      num = '+' + num;
    }
    if (this.f.space && num.startsWith('+') && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const zero = this.f.zero;
      this.f.zero = false;
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.pad(num);
      this.f.zero = zero;
      return;
    }
    if (this.f.plus || !num.startsWith('+')) {
      if (this.f.zero && this.f.widPresent && this.f.wid > num.length) {
        this.out += num[0] as string;
        this.out += '0'.repeat(this.f.wid - num.length);
        this.out += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, v);
  }

  badVerb(verb: string, arg: GoValue): void {
    this.erroring = true;
    this.out += '%!' + verb + '(';
    if (arg === undefined || arg === null) {
      this.out += '<nil>';
    } else {
      this.out += goTypeName(arg) + '=';
      this.printArg(arg, 'v');
    }
    this.out += ')';
    this.erroring = false;
  }

  /** Stringer / error handling: returns true when a String() method printed the value. */
  private handleMethods(arg: GoValue, verb: string): boolean {
    if (this.erroring) return false;
    if (!(arg instanceof GoStruct)) return false;
    const m = arg.methods['Error'] ?? arg.methods['String'];
    if (!m || m.params.length !== 0) return false;
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    const s = m.body();
    this.fmtString(typeof s === 'string' ? s : String(s), verb);
    return true;
  }

  printArg(arg: GoValue, verb: string): void {
    if (arg === undefined || arg === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.fmtString(goTypeName(arg), 's');
      return;
    }
    if (verb === 'p') {
      if (arg instanceof GoFunc || arg instanceof Map || Array.isArray(arg) || (arg instanceof GoStruct && arg.pointer)) {
        this.pad(FAKE_ADDRESS);
      } else {
        this.badVerb(verb, arg);
      }
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        this.fmtBool(arg, verb);
        return;
      case 'bigint':
        this.fmtInteger(arg, verb);
        return;
      case 'number':
        this.fmtFloat(arg, verb);
        return;
      case 'string':
        this.fmtString(arg, verb);
        return;
    }
    this.printValue(arg, verb, 0);
  }

  private printValue(v: GoValue, verb: string, depth: number): void {
    if (v !== undefined && v !== null && this.handleMethods(v, verb)) return;
    if (v === undefined || v === null) {
      if (depth === 0) this.out += '<invalid reflect.Value>';
      else this.pad('<nil>');
      return;
    }
    switch (typeof v) {
      case 'boolean':
        this.fmtBool(v, verb);
        return;
      case 'bigint':
        this.fmtInteger(v, verb);
        return;
      case 'number':
        this.fmtFloat(v, verb);
        return;
      case 'string':
        this.fmtString(v, verb);
        return;
    }
    if (Array.isArray(v)) {
      this.out += '[';
      v.forEach((e, i) => {
        if (i > 0) this.out += ' ';
        this.printValue(e, verb, depth + 1);
      });
      this.out += ']';
      return;
    }
    if (v instanceof Map) {
      this.out += 'map[';
      const keys = [...v.keys()].sort(compareKeys);
      keys.forEach((k, i) => {
        if (i > 0) this.out += ' ';
        this.printValue(k, verb, depth + 1);
        this.out += ':';
        this.printValue(v.get(k), verb, depth + 1);
      });
      this.out += ']';
      return;
    }
    if (v instanceof GoStruct) {
      if (v.pointer) {
        if (depth > 0) {
          this.pad(FAKE_ADDRESS);
          return;
        }
        this.out += '&';
      }
      this.out += '{';
      Object.entries(v.fields).forEach(([name, value], i) => {
        if (i > 0) this.out += ' ';
        if (this.f.plusV || this.f.sharpV) this.out += name + ':';
        this.printValue(value, verb, depth + 1);
      });
      this.out += '}';
      return;
    }
    this.pad(FAKE_ADDRESS);
  }
}

/** Byte-wise ordering of map keys (Go's fmtsort for strings). */
export function compareKeys(a: string, b: string): number {
  return compareByBytes(a, b);
}

function isStringArg(v: GoValue): boolean {
  return typeof v === 'string';
}

/** `fmt.Sprint`. */
export function sprint(args: readonly GoValue[]): string {
  if (args.length === 1) {
    const only = args[0];
    if (typeof only === 'string') return only;
    if (typeof only === 'bigint') return only.toString();
  }
  const p = new Printer();
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const isString = isStringArg(a);
    if (i > 0 && !isString && !prevString) p.out += ' ';
    p.f = newFlags();
    p.printArg(a, 'v');
    prevString = isString;
  }
  return p.out;
}

/** `fmt.Sprintln`. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((a, i) => {
    if (i > 0) p.out += ' ';
    p.f = newFlags();
    p.printArg(a, 'v');
  });
  return p.out + '\n';
}

/** Reads numbers and `*` operands while a format string is interpreted. */
class FormatCursor {
  i = 0;
  argNum = 0;
  constructor(
    readonly format: string,
    readonly args: readonly GoValue[],
  ) {}

  parseNum(): [number, boolean] {
    let n = 0;
    let ok = false;
    const f = this.format;
    while (this.i < f.length && f.charCodeAt(this.i) >= 48 && f.charCodeAt(this.i) <= 57) {
      n = n * 10 + (f.charCodeAt(this.i) - 48);
      ok = true;
      this.i++;
    }
    return [n, ok];
  }

  intFromArg(): [number, boolean] {
    if (this.argNum >= this.args.length) return [0, false];
    const a = this.args[this.argNum++];
    if (typeof a === 'bigint') return [Number(a), true];
    return [0, false];
  }
}

/** `fmt.Sprintf`. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  const p = new Printer();
  const c = new FormatCursor(format, args);
  const end = format.length;
  while (c.i < end) {
    const pct = format.indexOf('%', c.i);
    if (pct < 0) {
      p.out += format.slice(c.i);
      break;
    }
    p.out += format.slice(c.i, pct);
    c.i = pct + 1;
    p.f = newFlags();
    flags: for (; c.i < end; c.i++) {
      switch (format[c.i]) {
        case '#':
          p.f.sharp = true;
          break;
        case '0':
          p.f.zero = !p.f.minus;
          break;
        case '+':
          p.f.plus = true;
          break;
        case '-':
          p.f.minus = true;
          p.f.zero = false;
          break;
        case ' ':
          p.f.space = true;
          break;
        default:
          break flags;
      }
    }
    if (format[c.i] === '*') {
      c.i++;
      const [w, ok] = c.intFromArg();
      if (!ok) p.out += '%!(BADWIDTH)';
      else {
        p.f.wid = w;
        p.f.widPresent = true;
        if (w < 0) {
          p.f.minus = true;
          p.f.zero = false;
          p.f.wid = -w;
        }
      }
    } else {
      const [w, ok] = c.parseNum();
      p.f.wid = w;
      p.f.widPresent = ok;
    }
    if (format[c.i] === '.') {
      c.i++;
      if (format[c.i] === '*') {
        c.i++;
        const [pr, ok] = c.intFromArg();
        p.f.prec = pr;
        p.f.precPresent = ok && pr >= 0;
        if (!ok) p.out += '%!(BADPREC)';
      } else {
        const [pr] = c.parseNum();
        p.f.prec = pr;
        p.f.precPresent = true;
      }
    }
    if (c.i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(c.i) ?? 0);
    c.i += verb.length;
    if (verb === '%') {
      p.out += '%';
      continue;
    }
    if (c.argNum >= args.length) {
      p.out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      if (p.f.sharp) {
        p.f.sharp = false;
        p.f.sharpV = true;
      }
      if (p.f.plus) {
        p.f.plus = false;
        p.f.plusV = true;
      }
    }
    p.printArg(args[c.argNum++], verb);
  }
  if (c.argNum < args.length) {
    p.f = newFlags();
    p.out += '%!(EXTRA ';
    args.slice(c.argNum).forEach((a, k) => {
      if (k > 0) p.out += ', ';
      if (a === undefined || a === null) p.out += '<nil>';
      else {
        p.out += goTypeName(a) + '=';
        p.printArg(a, 'v');
      }
    });
    p.out += ')';
  }
  return p.out;
}
