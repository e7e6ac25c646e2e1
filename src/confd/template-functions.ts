/**
 * The functions confd 0.16.0 registers for templates, with its exact semantics and quirks.
 * Everything that touches the outside world (environment, clock, DNS, files) comes in through
 * `FunctionHost`, so this module stays pure.
 */
import { parseGoBool } from '../go/strconv.js';
import { base as pathBase, dir as pathDir } from './go-path.js';
import { decodeJsonArray, decodeJsonObject } from './go-json.js';
import { goTimeValue, type GoInstant } from './go-time.js';
import { compareByBytes } from './gotemplate/byte-order.js';
import { goQuote } from './gotemplate/escapers.js';
import {
  GoError,
  GoFunc,
  GoStruct,
  goMap,
  goSlice,
  GO_TYPE,
  INTERFACE_MAP,
  stringSlice,
  utf8Length,
  type GoSlice,
  type GoValue,
} from './gotemplate/values.js';
import { KVPAIR_TYPE, type MemKV } from './memkv.js';

export interface SrvRecord {
  readonly target: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

export interface FunctionHost {
  getenv(name: string): string | undefined;
  now(): GoInstant;
  /** Addresses of a host name (A and AAAA); throws when the lookup fails. */
  lookupIP(host: string): string[];
  /** SRV records of `_service._proto.name`; throws when the lookup fails. */
  lookupSRV(service: string, proto: string, name: string): SrvRecord[];
  /** False only when stat says the path does not exist. */
  fileExists(path: string): boolean;
}

const INT64 = (v: bigint): bigint => BigInt.asIntN(64, v);

const byteCompare = compareByBytes;

/** `strings.Replace(s, old, new, n)`. */
export function goReplace(s: string, old: string, replacement: string, n: number): string {
  if (old === replacement || n === 0) return s;
  if (old === '') {
    const runes = Array.from(s);
    let out = '';
    let count = 0;
    for (let i = 0; i <= runes.length; i++) {
      if (n < 0 || count < n) {
        out += replacement;
        count++;
      }
      if (i < runes.length) out += runes[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(replacement);
  let out = '';
  let rest = s;
  for (let k = 0; k < n; k++) {
    const i = rest.indexOf(old);
    if (i < 0) break;
    out += rest.slice(0, i) + replacement;
    rest = rest.slice(i + old.length);
  }
  return out + rest;
}

/** `strings.Split(s, sep)`. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return Array.from(s);
  return s.split(sep);
}

function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += Array.from(m).length === 1 ? m : c;
  }
  return out;
}

/** `strconv.ParseBool`. */
export function parseBool(s: string): boolean {
  const b = parseGoBool(s);
  if (b === null) throw new GoError(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
  return b;
}

/** `strconv.Atoi`. */
export function atoi(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new GoError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v !== BigInt.asIntN(64, v)) throw new GoError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return v;
}

const B64 = /^[A-Za-z0-9+/]$/;

/** `base64.StdEncoding.DecodeString` (padding required). */
export function base64Decode(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  for (let q = 0; q < clean.length; q += 4) {
    const quantum = clean.slice(q, q + 4);
    for (let j = 0; j < quantum.length; j++) {
      const c = quantum[j] as string;
      if (c === '=') {
        // Padding: only in the last two positions of the final quantum.
        const tail = quantum.slice(j);
        const ok = j >= 2 && q + 4 === clean.length && quantum.length === 4 && /^=+$/.test(tail);
        if (!ok) throw new GoError(`illegal base64 data at input byte ${q + j}`);
        break;
      }
      if (!B64.test(c)) throw new GoError(`illegal base64 data at input byte ${q + j}`);
    }
    if (quantum.length < 4) throw new GoError(`illegal base64 data at input byte ${q}`);
  }
  return Buffer.from(clean, 'base64').toString('utf8');
}

function arithmetic(op: (a: bigint, b: bigint) => bigint): GoFunc {
  return new GoFunc(['int', 'int'], (a, b) => op(a as bigint, b as bigint));
}

function stableSortByLength<T>(items: T[], len: (t: T) => number): void {
  const indexed = items.map((v, i) => [v, i] as const);
  indexed.sort((x, y) => len(x[0]) - len(y[0]) || x[1] - y[1]);
  indexed.forEach(([v], i) => {
    items[i] = v;
  });
}

/** Builds confd's function map over a resource's key store. */
export function confdFunctions(store: MemKV, host: FunctionHost): Map<string, GoFunc> {
  const lookupIP = (name: string): string[] => {
    try {
      return [...host.lookupIP(name)].sort(byteCompare);
    } catch {
      return [];
    }
  };
  const fns: [string, GoFunc][] = [
    // store
    ['exists', new GoFunc(['string'], (k) => store.exists(k as string))],
    ['ls', new GoFunc(['string'], (p) => store.list(p as string))],
    ['lsdir', new GoFunc(['string'], (p) => store.listDir(p as string))],
    ['get', new GoFunc(['string'], (k) => store.get(k as string))],
    ['gets', new GoFunc(['string'], (p) => store.getAll(p as string))],
    ['getv', new GoFunc(['string'], (k, ...d) => store.getValue(k as string, d as string[]), { variadic: 'string' })],
    ['getvs', new GoFunc(['string'], (p) => store.getAllValues(p as string))],
    // paths and strings
    ['base', new GoFunc(['string'], (p) => pathBase(p as string))],
    ['dir', new GoFunc(['string'], (p) => pathDir(p as string))],
    ['split', new GoFunc(['string', 'string'], (s, sep) => stringSlice(goSplit(s as string, sep as string)))],
    ['join', new GoFunc(['[]string', 'string'], (items, sep) => (items as string[]).join(sep as string))],
    ['toUpper', new GoFunc(['string'], (s) => mapRunes(s as string, (c) => c.toUpperCase()))],
    ['toLower', new GoFunc(['string'], (s) => mapRunes(s as string, (c) => c.toLowerCase()))],
    ['contains', new GoFunc(['string', 'string'], (s, sub) => (s as string).includes(sub as string))],
    [
      'replace',
      new GoFunc(['string', 'string', 'string', 'int'], (s, o, r, n) =>
        goReplace(s as string, o as string, r as string, Number(n as bigint)),
      ),
    ],
    [
      'trimSuffix',
      new GoFunc(['string', 'string'], (s, suf) => {
        const str = s as string;
        const x = suf as string;
        return x !== '' && str.endsWith(x) ? str.slice(0, str.length - x.length) : str;
      }),
    ],
    ['base64Encode', new GoFunc(['string'], (s) => Buffer.from(s as string, 'utf8').toString('base64'))],
    ['base64Decode', new GoFunc(['string'], (s) => base64Decode(s as string))],
    ['parseBool', new GoFunc(['string'], (s) => parseBool(s as string))],
    ['atoi', new GoFunc(['string'], (s) => atoi(s as string))],
    // JSON and maps
    ['json', new GoFunc(['string'], (s) => decodeJsonObject(s as string))],
    ['jsonArray', new GoFunc(['string'], (s) => decodeJsonArray(s as string))],
    [
      'map',
      new GoFunc(
        [],
        (...kv) => {
          if (kv.length % 2 !== 0) throw new GoError('invalid map call');
          const m = new Map<string, GoValue>();
          for (let i = 0; i < kv.length; i += 2) {
            const k = kv[i];
            if (typeof k !== 'string') throw new GoError('map keys must be strings');
            m.set(k, kv[i + 1]);
          }
          return goMap(INTERFACE_MAP, m);
        },
        { variadic: 'any' },
      ),
    ],
    // environment, time, DNS, files
    [
      'getenv',
      new GoFunc(
        ['string'],
        (k, ...d) => {
          const v = host.getenv(k as string) ?? '';
          return v === '' && d.length > 0 ? (d[0] as string) : v;
        },
        { variadic: 'string' },
      ),
    ],
    ['datetime', new GoFunc([], () => goTimeValue(host.now()))],
    ['lookupIP', new GoFunc(['string'], (h) => stringSlice(lookupIP(h as string)))],
    ['lookupIPV4', new GoFunc(['string'], (h) => stringSlice(lookupIP(h as string).filter((a) => a.includes('.'))))],
    ['lookupIPV6', new GoFunc(['string'], (h) => stringSlice(lookupIP(h as string).filter((a) => a.includes(':'))))],
    [
      'lookupSRV',
      new GoFunc(['string', 'string', 'string'], (svc, proto, name) => {
        let records: SrvRecord[];
        try {
          records = host.lookupSRV(svc as string, proto as string, name as string);
        } catch {
          records = [];
        }
        const key = (r: SrvRecord): string => `${r.target}${r.port}${r.priority}${r.weight}`;
        const sorted = [...records].sort((a, b) => byteCompare(key(a), key(b)));
        return goSlice(
          '[]*net.SRV',
          sorted.map(
            (r) =>
              new GoStruct(
                'net.SRV',
                { Target: r.target, Port: BigInt(r.port), Priority: BigInt(r.priority), Weight: BigInt(r.weight) },
                {},
                true,
              ),
          ),
        );
      }),
    ],
    ['fileExists', new GoFunc(['string'], (p) => host.fileExists(p as string))],
    // lists
    [
      'reverse',
      new GoFunc(['any'], (v) => {
        if (Array.isArray(v)) {
          const t = (v as GoSlice)[GO_TYPE];
          if (t === '[]string' || t === `[]${KVPAIR_TYPE}`) v.reverse();
        }
        return v;
      }),
    ],
    [
      'sortByLength',
      new GoFunc(['[]string'], (v) => {
        stableSortByLength(v as string[], (s) => utf8Length(s));
        return v;
      }),
    ],
    [
      'sortKVByLength',
      new GoFunc([`[]${KVPAIR_TYPE}`], (v) => {
        const items = v as GoStruct[];
        stableSortByLength(items, (kv) => utf8Length(kv.fields['Key'] as string));
        return goSlice(`[]${KVPAIR_TYPE}`, [...items]);
      }),
    ],
    // integers
    ['add', arithmetic((a, b) => INT64(a + b))],
    ['sub', arithmetic((a, b) => INT64(a - b))],
    ['mul', arithmetic((a, b) => INT64(a * b))],
    [
      'div',
      arithmetic((a, b) => {
        if (b === 0n) throw new GoError('runtime error: integer divide by zero');
        return INT64(a / b);
      }),
    ],
    [
      'mod',
      arithmetic((a, b) => {
        if (b === 0n) throw new GoError('runtime error: integer divide by zero');
        return INT64(a % b);
      }),
    ],
    [
      'seq',
      new GoFunc(['int', 'int'], (first, last) => {
        const out: bigint[] = [];
        for (let i = first as bigint; i <= (last as bigint); i++) out.push(i);
        return goSlice('[]int', out);
      }),
    ],
  ];
  return new Map(fns);
}
