/**
 * Mapping a decoded JSON tree onto Go types as Go 1.7's `json.Unmarshal` does, with its error
 * texts: a mismatched string, bool, array or object is remembered and decoding goes on (the first
 * one is reported), a number into a non-number type stops decoding at once; `null` leaves a value
 * as it was; unknown object keys are ignored; struct field names match case-insensitively (with
 * Go's folding of `ſ` to `s` and the Kelvin sign to `k`); a repeated key overwrites.
 */
import type { GoJsonValue } from './go-json-decode.js';

class FatalUnmarshalError extends Error {}

/** Collects the first type error; a fatal one (a number into a non-number) ends decoding. */
export class GoUnmarshal {
  private saved: string | null = null;

  /** The error decoding ends with, or null. */
  get error(): string | null {
    return this.saved;
  }

  /** Records a type mismatch of `value` against the Go type named `goType`. */
  mismatch(value: GoJsonValue, goType: string): void {
    const text = `json: cannot unmarshal ${value.kind} into Go value of type ${goType}`;
    if (value.kind === 'number') throw new FatalUnmarshalError(text);
    if (this.saved === null) this.saved = text;
  }

  /** Runs a decoding; returns the error text it ends with, or null. */
  static run(decode: (u: GoUnmarshal) => void): string | null {
    const u = new GoUnmarshal();
    try {
      decode(u);
    } catch (e) {
      if (e instanceof FatalUnmarshalError) return e.message;
      throw e;
    }
    return u.error;
  }

  /** A Go `string`: `current` when the value is null or of another type. */
  string(value: GoJsonValue, current: string): string {
    if (value.kind === 'string') return value.value;
    if (value.kind !== 'null') this.mismatch(value, 'string');
    return current;
  }

  /**
   * A Go struct: calls `field` with the folded key name of every entry, in order. Returns false
   * when the value is not an object (null included), after recording any mismatch.
   */
  struct(value: GoJsonValue, goType: string, field: (foldedKey: string, v: GoJsonValue) => void): boolean {
    if (value.kind === 'object') {
      for (const [key, v] of value.entries) field(foldFieldName(key), v);
      return true;
    }
    if (value.kind !== 'null') this.mismatch(value, goType);
    return false;
  }

  /** A Go slice: the decoded items, or null for JSON null or a mismatch (a nil slice). */
  slice<T>(value: GoJsonValue, goType: string, item: (v: GoJsonValue, index: number) => T): T[] | null {
    if (value.kind === 'array') return value.items.map(item);
    if (value.kind !== 'null') this.mismatch(value, goType);
    return null;
  }

  /** A Go `map[string]string`: null for JSON null or a mismatch (a nil map). */
  stringMap(value: GoJsonValue, goType: string): Map<string, string> | null {
    if (value.kind !== 'object') {
      if (value.kind !== 'null') this.mismatch(value, goType);
      return null;
    }
    const map = new Map<string, string>();
    for (const [key, v] of value.entries) map.set(key, this.string(v, ''));
    return map;
  }
}

/**
 * A key folded for comparison with a Go struct field name: ASCII lower case, with the two
 * non-ASCII runes that Go folds onto ASCII letters (U+017F onto s, U+212A onto k).
 */
export function foldFieldName(key: string): string {
  return key.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
