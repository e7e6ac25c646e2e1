/**
 * Unit files as fleet reads and stores them (go-systemd's unit (de)serializer): parsing into
 * options, the canonical text ("Raw") that is stored, hashed, written to disk and printed by
 * `fleetctl cat`, and the SHA-1 unit hash.
 */
import { createHash } from 'node:crypto';
import { lexUnitFile, UnitLexError, LINE_MAX as LINE_MAX_BYTES, ERR_LINE_TOO_LONG as ERR_LINE_TOO_LONG_TEXT } from './unit-lexer.js';

export { LINE_MAX, ERR_LINE_TOO_LONG } from './unit-lexer.js';

/** One option of a unit file; also the shape of fleet's API `UnitOption`. */
export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

/** A unit file that cannot be parsed; the message is fleet's (e.g. `line too long (max 2048 bytes)`). */
export class UnitFileError extends Error {
  override readonly name = 'UnitFileError';
}

/** Parses unit-file text into its options, in file order. Throws UnitFileError. */
export function parseUnitFile(text: string): UnitOption[] {
  return parseUnitFileBytes(Buffer.from(text, 'utf8'));
}

/** Parses the raw bytes of a unit file (line lengths are counted in bytes). Throws UnitFileError. */
export function parseUnitFileBytes(data: Uint8Array): UnitOption[] {
  try {
    return lexUnitFile(data);
  } catch (err) {
    if (err instanceof UnitLexError) throw new UnitFileError(err.message);
    throw err;
  }
}

/** The canonical text: sections in first-seen order, `[S]\n` then `Name=Value\n`, a blank line between sections. */
export function serializeUnit(options: readonly UnitOption[]): string {
  const bySection = new Map<string, UnitOption[]>();
  for (const opt of options) {
    const list = bySection.get(opt.section);
    if (list === undefined) bySection.set(opt.section, [opt]);
    else list.push(opt);
  }
  const parts: string[] = [];
  for (const [section, opts] of bySection) {
    let text = `[${section}]\n`;
    for (const opt of opts) text += `${opt.name}=${opt.value}\n`;
    parts.push(text);
  }
  return parts.join('\n');
}

/** SHA-1 of the canonical text, 40 lower-case hex digits. */
export function unitHash(options: readonly UnitOption[]): string {
  return createHash('sha1').update(serializeUnit(options), 'utf8').digest('hex');
}

/** The 7-digit form fleetctl shows without `--full`. */
export function shortHash(hex: string): string {
  return hex.slice(0, 7);
}

const HASH_HEX = /^[0-9a-fA-F]{40}$/;

/** The 20 bytes of a hex unit hash, as `job/<name>/object` stores them (`"UnitHash":[140,45,...]`). */
export function hashBytes(hex: string): number[] {
  if (!HASH_HEX.test(hex)) throw new Error(`invalid unit hash ${JSON.stringify(hex)}: want 40 hex digits`);
  return Array.from(Buffer.from(hex, 'hex'));
}

/**
 * The hex hash from a decoded `UnitHash` JSON array, read the way Go decodes a JSON array into a
 * `[20]byte`: missing elements are zero and extra ones ignored; an element that is not an integer
 * in 0..255 is an error.
 */
export function hashFromBytes(bytes: readonly unknown[]): string {
  const out = Buffer.alloc(20);
  bytes.forEach((b, i) => {
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
      throw new Error(`invalid UnitHash element ${JSON.stringify(b)}: want a byte`);
    }
    if (i < 20) out[i] = b;
  });
  return out.toString('hex');
}

/** The first `[Unit]` `Description`, or '' (what `list-unit-files` shows as DESC). */
export function unitDescription(options: readonly UnitOption[]): string {
  for (const opt of options) {
    if (opt.section === 'Unit' && opt.name === 'Description') return opt.value;
  }
  return '';
}

/**
 * Whether two option lists are the same unit file for fleet: the same canonical text (so the same
 * hash). This is how fleetctl decides that a registry unit "differs from local unit file".
 */
export function optionsEqual(a: readonly UnitOption[], b: readonly UnitOption[]): boolean {
  return serializeUnit(a) === serializeUnit(b);
}

/**
 * The API's sanity check of submitted options: their canonical text must parse again (this catches
 * over-long lines and names that cannot be written). The go-systemd error text, or null.
 */
export function serializedOptionsError(options: readonly UnitOption[]): string | null {
  try {
    parseUnitFile(serializeUnit(options));
    return null;
  } catch (err) {
    if (err instanceof UnitFileError) return err.message;
    throw err;
  }
}

/**
 * A stricter line check than go-systemd's: every physical line (without its `\r`/`\n`) must be
 * shorter than LINE_MAX bytes. go-systemd only looks at what its 4096-byte read buffer holds, so
 * in files over 4 KiB some long lines slip through it; callers that want to refuse those at
 * submit (before systemd truncates them) can use this. The error text, or null.
 */
export function strictLineLengthError(text: string): string | null {
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (Buffer.byteLength(line, 'utf8') >= LINE_MAX_BYTES) return ERR_LINE_TOO_LONG_TEXT;
  }
  return null;
}
