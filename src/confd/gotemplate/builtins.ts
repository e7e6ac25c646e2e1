/**
 * text/template's predefined functions: and, or, not, len, index, slice, print, printf, println,
 * html, js, urlquery, call and the comparisons eq, ne, lt, le, gt, ge.
 */
import { compareByBytes } from './byte-order.js';
import { htmlEscape, jsEscape, queryEscape } from './escapers.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import {
  assignable,
  GoError,
  GoFunc,
  GoStruct,
  goSlice,
  goTypeName,
  GO_TYPE,
  isTrue,
  utf8Length,
  type GoSlice,
  type GoValue,
} from './values.js';

type BasicKind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

function basicKind(v: GoValue): BasicKind {
  if (v === undefined || v === null) return 'invalid';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  return 'other';
}

const BAD_COMPARISON = 'incompatible types for comparison';
const BAD_COMPARISON_TYPE = 'invalid type for comparison';

function isComparable(v: GoValue): boolean {
  return !(Array.isArray(v) || v instanceof Map || v instanceof GoFunc);
}

function eq(arg1: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new GoError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new GoError(BAD_COMPARISON);
    } else if (k1 === 'other') {
      if (!isComparable(arg1)) throw new GoError(`non-comparable type ${sprint([arg1])}: ${goTypeName(arg1)}`);
      if (!isComparable(arg)) throw new GoError(`non-comparable type ${sprint([arg])}: ${goTypeName(arg)}`);
      truth = structEqual(arg1, arg);
    } else if (k1 === 'invalid') {
      truth = true;
    } else {
      truth = arg1 === arg;
    }
    if (truth) return true;
  }
  return false;
}

function structEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (!(a instanceof GoStruct) || !(b instanceof GoStruct)) return false;
  if (a.typeName !== b.typeName || a.pointer || b.pointer) return false;
  const keys = Object.keys(a.fields);
  return keys.every((k) => {
    const x = a.fields[k];
    const y = b.fields[k];
    return x === y || structEqual(x, y);
  });
}

function lessThan(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'bool' || k1 === 'other' || k1 === 'invalid' || k2 === 'bool' || k2 === 'other' || k2 === 'invalid') {
    throw new GoError(BAD_COMPARISON_TYPE);
  }
  if (k1 !== k2) throw new GoError(BAD_COMPARISON);
  if (k1 === 'string') return compareByBytes(a as string, b as string) < 0;
  return (a as number | bigint) < (b as number | bigint);
}

function length(v: GoValue): bigint {
  if (v === undefined || v === null) throw new GoError('len of nil pointer');
  if (typeof v === 'string') return BigInt(utf8Length(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  throw new GoError(`len of type ${goTypeName(v)}`);
}

function indexArg(index: GoValue, cap: number): number {
  if (typeof index !== 'bigint') {
    if (index === undefined || index === null) throw new GoError('cannot index slice/array with nil');
    throw new GoError(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (index < 0n || index > BigInt(cap)) throw new GoError(`index out of range: ${index}`);
  return Number(index);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new GoError('index of untyped nil');
  let cur: GoValue = item;
  for (const ix of indexes) {
    if (cur === undefined || cur === null) throw new GoError('index of nil pointer');
    if (typeof cur === 'string' || Array.isArray(cur)) {
      const len: number = typeof cur === "string" ? utf8Length(cur) : cur.length;
      const x = indexArg(ix, len);
      if (x === len) throw new GoError(`index out of range: ${x}`);
      cur = typeof cur === 'string' ? BigInt(Buffer.from(cur, 'utf8')[x] as number) : (cur[x] ?? null);
    } else if (cur instanceof Map) {
      if (typeof ix !== 'string') {
        if (ix === undefined || ix === null) throw new GoError('value is nil; should be of type string');
        throw new GoError(`value has type ${goTypeName(ix)}; should be string`);
      }
      cur = cur.has(ix) ? (cur.get(ix) ?? null) : null;
    } else {
      throw new GoError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new GoError('slice of untyped nil');
  if (indexes.length > 3) throw new GoError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new GoError('cannot 3-index slice a string');
    cap = utf8Length(item);
  } else if (Array.isArray(item)) {
    cap = item.length;
  } else {
    throw new GoError(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, cap, cap];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, cap);
  });
  const [i, j, k] = idx as [number, number, number];
  if (i > j) throw new GoError(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new GoError(`invalid slice index: ${j} > ${k}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(i, j).toString('utf8');
  return goSlice((item as GoSlice)[GO_TYPE] ?? '[]interface {}', item.slice(i, j));
}

/** The text of the arguments for html/js/urlquery: a lone string as is, else fmt.Sprint. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

function call(fn: GoValue, ...args: GoValue[]): GoValue {
  if (!(fn instanceof GoFunc)) {
    if (fn === undefined || fn === null) throw new GoError('call of nil');
    throw new GoError(`non-function of type ${goTypeName(fn)}`);
  }
  const fixed = fn.params.length;
  if (fn.variadic === undefined ? args.length !== fixed : args.length < fixed) {
    throw new GoError(`wrong number of args for call: got ${args.length} want ${fixed}`);
  }
  const argv = args.map((a, i) => {
    const t = i < fixed ? (fn.params[i] as string) : (fn.variadic as string);
    const v = a === undefined ? null : a;
    if (v !== null && !assignable(v, t)) {
      throw new GoError(`arg ${i}: value has type ${goTypeName(v)}; should be ${t}`);
    }
    return v;
  });
  return fn.body(...argv);
}

const V = 'value';

export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', new GoFunc([V], () => undefined, { variadic: V })],
  ['or', new GoFunc([V], () => undefined, { variadic: V })],
  ['not', new GoFunc([V], (a) => !isTrue(a))],
  ['len', new GoFunc([V], length)],
  ['index', new GoFunc([V], index, { variadic: V })],
  ['slice', new GoFunc([V], slice, { variadic: V })],
  ['print', new GoFunc([], (...a) => sprint(a), { variadic: 'any' })],
  ['printf', new GoFunc(['string'], (f, ...a) => sprintf(f as string, a), { variadic: 'any' })],
  ['println', new GoFunc([], (...a) => sprintln(a), { variadic: 'any' })],
  ['html', new GoFunc([], (...a) => htmlEscape(evalArgs(a)), { variadic: 'any' })],
  ['js', new GoFunc([], (...a) => jsEscape(evalArgs(a)), { variadic: 'any' })],
  ['urlquery', new GoFunc([], (...a) => queryEscape(evalArgs(a)), { variadic: 'any' })],
  ['call', new GoFunc([V], call, { variadic: V })],
  ['eq', new GoFunc([V], eq, { variadic: V })],
  ['ne', new GoFunc([V, V], (a, b) => !eq(a, b))],
  ['lt', new GoFunc([V, V], (a, b) => lessThan(a, b))],
  ['le', new GoFunc([V, V], (a, b) => lessThan(a, b) || eq(a, b))],
  ['gt', new GoFunc([V, V], (a, b) => !lessThan(a, b) && !eq(a, b))],
  ['ge', new GoFunc([V, V], (a, b) => !lessThan(a, b))],
]);
