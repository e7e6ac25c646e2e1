/** Go's strconv parsing rules, which etcd, etcdctl and confd apply to their inputs. */

const BOOLS: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['t', true],
  ['T', true],
  ['TRUE', true],
  ['true', true],
  ['True', true],
  ['0', false],
  ['f', false],
  ['F', false],
  ['FALSE', false],
  ['false', false],
  ['False', false],
]);

/** strconv.ParseBool: the value, or null when it is not one of the accepted spellings. */
export function parseGoBool(s: string): boolean | null {
  const b = BOOLS.get(s);
  return b === undefined ? null : b;
}

const DIGITS = /^[0-9]+$/;
const UINT64_MAX = 18446744073709551615n;

/** strconv.ParseUint(s, 10, 64): the value (as a number), or null when invalid or too large. */
export function parseGoUint64(s: string): number | null {
  if (!DIGITS.test(s)) return null;
  if (s.length < 16) return Number(s);
  if (BigInt(s) > UINT64_MAX) return null;
  return Number(s);
}
