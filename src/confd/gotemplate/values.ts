/**
 * How Go values are represented while a template runs.
 *
 * | Go                      | here                                   |
 * |-------------------------|----------------------------------------|
 * | no value (invalid)      | `undefined`                            |
 * | nil interface           | `null`                                 |
 * | string, bool            | `string`, `boolean`                    |
 * | int (and other ints)    | `bigint`                               |
 * | float64                 | `number`                               |
 * | slices                  | arrays, tagged with their Go type name |
 * | map[string]T            | `Map<string, GoValue>`, tagged         |
 * | structs, pointers to them | `GoStruct`                           |
 * | functions               | `GoFunc`                               |
 */

export const GO_TYPE: unique symbol = Symbol('goType');

export type GoValue =
  | undefined
  | null
  | string
  | boolean
  | bigint
  | number
  | GoSlice
  | GoMap
  | GoStruct
  | GoFunc;

export interface GoSlice extends Array<GoValue> {
  [GO_TYPE]?: string;
}

export interface GoMap extends Map<string, GoValue> {
  [GO_TYPE]?: string;
}

/** A Go error value raised by a function: becomes `error calling <fn>: <message>`. */
export class GoError extends Error {}

/**
 * Parameter types a function may declare. `value` is Go's `reflect.Value` (anything, even no value);
 * `any` is `interface{}`; slice and struct types are written as Go spells them.
 */
export type ParamType = string;

export interface GoFuncOptions {
  /** Element type of a variadic tail (`...string` → `string`). */
  readonly variadic?: ParamType;
}

/** A callable function with a Go signature. The body throws `GoError` for a non-nil error result. */
export class GoFunc {
  readonly variadic: ParamType | undefined;
  constructor(
    readonly params: readonly ParamType[],
    readonly body: (...args: GoValue[]) => GoValue,
    options: GoFuncOptions = {},
  ) {
    this.variadic = options.variadic;
  }
}

/** A struct value (or, with `pointer`, a non-nil pointer to one). Fields keep declaration order. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, GoValue>>,
    readonly methods: Readonly<Record<string, GoFunc>> = {},
    readonly pointer = false,
  ) {}
}

/** Tags an array with its Go slice type and returns it. */
export function goSlice(typeName: string, items: GoValue[]): GoSlice {
  Object.defineProperty(items, GO_TYPE, { value: typeName, enumerable: false, writable: true });
  return items as GoSlice;
}

/** Tags a map with its Go map type and returns it. */
export function goMap(typeName: string, entries: Map<string, GoValue>): GoMap {
  Object.defineProperty(entries, GO_TYPE, { value: typeName, enumerable: false, writable: true });
  return entries as GoMap;
}

export function stringSlice(items: string[]): GoSlice {
  return goSlice('[]string', items);
}

export const INTERFACE_SLICE = '[]interface {}';
export const INTERFACE_MAP = 'map[string]interface {}';

/** Go's `%T` name of a value. */
export function goTypeName(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
  }
  if (Array.isArray(v)) return (v as GoSlice)[GO_TYPE] ?? INTERFACE_SLICE;
  if (v instanceof Map) return (v as GoMap)[GO_TYPE] ?? INTERFACE_MAP;
  if (v instanceof GoStruct) return (v.pointer ? '*' : '') + v.typeName;
  return 'func(...)';
}

/** Element type of a slice type name (`[]string` → `string`); named slices need a table. */
const NAMED_SLICE_ELEMENTS = new Map<string, string>([['memkv.KVPairs', 'memkv.KVPair']]);

export function sliceElementType(typeName: string): string | undefined {
  if (typeName.startsWith('[]')) return typeName.slice(2);
  return NAMED_SLICE_ELEMENTS.get(typeName);
}

export function registerNamedSlice(typeName: string, elementType: string): void {
  NAMED_SLICE_ELEMENTS.set(typeName, elementType);
}

/** Whether a type can hold nil (interfaces, slices, maps, pointers, funcs). */
export function canBeNil(type: ParamType): boolean {
  return (
    type === 'any' ||
    type === 'value' ||
    type.startsWith('[]') ||
    type.startsWith('map[') ||
    type.startsWith('*') ||
    type.startsWith('func') ||
    NAMED_SLICE_ELEMENTS.has(type)
  );
}

/** A zero value of a type that can be nil: empty slices and maps carry their type. */
export function nilOf(type: ParamType): GoValue {
  if (type.startsWith('[]') || NAMED_SLICE_ELEMENTS.has(type)) return goSlice(type, []);
  if (type.startsWith('map[')) return goMap(type, new Map());
  return null;
}

/** Go assignability of a value to a parameter type, as far as templates need it. */
export function assignable(v: GoValue, type: ParamType): boolean {
  switch (type) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'int':
    case 'int64':
    case 'uint8':
      return typeof v === 'bigint';
    case 'float64':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
  }
  if (v === undefined || v === null) return false;
  const actual = goTypeName(v);
  if (actual === type) return true;
  // Go: identical underlying types, one side unnamed.
  if (Array.isArray(v) && type.startsWith('[]')) {
    const elem = sliceElementType(actual);
    return elem !== undefined && !actual.startsWith('[]') && `[]${elem}` === type;
  }
  return false;
}

/** Go truthiness for if/with/and/or/not. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** A value's length the way Go's `len` sees it (strings in UTF-8 bytes). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
