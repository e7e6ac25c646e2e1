/** How Go's fmt prints the values fleetctl puts into its messages (%v of a []string, %q, %#q). */
import { goQuote } from '../etcdctl/go-json.js';

/** `%v` of a []string: `[a.service b.service]`, `[]` when empty. */
export function goStringSlice(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** `%q` of a string: a Go double-quoted literal. */
export function goQ(s: string): string {
  // strconv.Quote escapes like JSON for the characters that occur in unit names and messages,
  // but leaves <, > and & alone.
  return goQuote(s).replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&');
}

/** `%#q` of a []string: backquoted items, `[`bogus`]`. */
export function goBackquotedSlice(items: readonly string[]): string {
  return `[${items.map((s) => (s.includes('`') ? goQ(s) : `\`${s}\``)).join(' ')}]`;
}

/** The text of an error, as `%v` prints it. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
