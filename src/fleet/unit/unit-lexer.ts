/**
 * The unit-file lexer of go-systemd's `unit.Deserialize` as vendored in fleet 1.0.0, step by step.
 *
 * The lexer is a chain of steps; before every step it looks at what the buffered reader holds and
 * rejects the input when 2048 buffered bytes contain no `\r` or `\n`. Where the steps begin
 * (every rune while skipping text or white space, the start of an option name, each value line)
 * therefore decides which long lines are seen, and is kept exactly.
 */
import { GoBufferedReader } from './go-buffered-reader.js';
import { goIsSpace, goTrimSpace, goDecodeRune } from './go-text.js';

/** systemd's LINE_MAX as go-systemd assumes it. */
export const LINE_MAX = 2048;

export const ERR_LINE_TOO_LONG = `line too long (max ${LINE_MAX} bytes)`;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const EQUALS = 0x3d;
const HASH = 0x23;
const SEMICOLON = 0x3b;

export interface LexedOption {
  section: string;
  name: string;
  value: string;
}

/** A lexing failure, with go-systemd's message. */
export class UnitLexError extends Error {
  override readonly name = 'UnitLexError';
}

type Step =
  | { kind: 'nextSection' }
  | { kind: 'sectionName' }
  | { kind: 'sectionSuffix'; section: string }
  | { kind: 'ignoreLine'; then: Step }
  | { kind: 'sectionOrOption'; section: string }
  | { kind: 'optionName'; section: string }
  | { kind: 'optionValue'; section: string; name: string; partial: Uint8Array[] };

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function isComment(rune: number): boolean {
  return rune === HASH || rune === SEMICOLON;
}

/** `bytes.TrimSpace` on a byte slice. */
function trimSpaceBytes(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let lastNonSpaceEnd = 0;
  let seenNonSpace = false;
  let i = 0;
  while (i < bytes.length) {
    const { rune, size } = goDecodeRune(bytes, i, bytes.length);
    if (!goIsSpace(rune)) {
      if (!seenNonSpace) start = i;
      seenNonSpace = true;
      lastNonSpaceEnd = i + size;
    }
    i += size;
  }
  return seenNonSpace ? bytes.subarray(start, lastNonSpaceEnd) : bytes.subarray(0, 0);
}

/** Splits `data` into options, in file order, exactly as go-systemd does. Throws UnitLexError. */
export function lexUnitFile(data: Uint8Array): LexedOption[] {
  const reader = new GoBufferedReader(data);
  const options: LexedOption[] = [];

  /** toEOL: one line without its `\n`; a `\r` is removed only when no `\n` follows it. */
  const toEOL = (): { line: Uint8Array; eof: boolean } => {
    const span = reader.readBytes(NEWLINE);
    let end = span.end;
    if (end > span.start && data[end - 1] === CARRIAGE_RETURN) end--;
    else if (end > span.start && data[end - 1] === NEWLINE) end--;
    return { line: data.subarray(span.start, end), eof: span.eof };
  };

  let step: Step | null = { kind: 'nextSection' };
  while (step !== null) {
    if (reader.buffered() >= LINE_MAX) {
      const ahead = reader.peek(LINE_MAX);
      if (ahead.indexOf(NEWLINE) === -1 && ahead.indexOf(CARRIAGE_RETURN) === -1) {
        throw new UnitLexError(ERR_LINE_TOO_LONG);
      }
    }
    step = runStep(step);
  }
  return options;

  function runStep(s: Step): Step | null {
    switch (s.kind) {
      case 'nextSection': {
        const r = reader.readRune();
        if (r === null) return null;
        if (r.rune === OPEN_BRACKET) return { kind: 'sectionName' };
        if (isComment(r.rune)) return { kind: 'ignoreLine', then: s };
        return s;
      }
      case 'sectionName': {
        const span = reader.readBytes(CLOSE_BRACKET);
        if (span.eof) throw new UnitLexError('unable to find end of section');
        return { kind: 'sectionSuffix', section: decode(data.subarray(span.start, span.end - 1)) };
      }
      case 'sectionSuffix': {
        const garbage = trimSpaceBytes(toEOL().line);
        if (garbage.length > 0) {
          // The section in the message is a field the lexer never sets, so it is always empty.
          throw new UnitLexError(`found garbage after section name : [${Array.from(garbage).join(' ')}]`);
        }
        return { kind: 'sectionOrOption', section: s.section };
      }
      case 'ignoreLine': {
        for (;;) {
          let line = toEOL().line;
          if (line.length > 0 && line[line.length - 1] === SPACE) line = line.subarray(0, line.length - 1);
          if (line.length === 0 || line[line.length - 1] !== BACKSLASH) break;
        }
        return s.then;
      }
      case 'sectionOrOption': {
        const r = reader.readRune();
        if (r === null) return null;
        if (goIsSpace(r.rune)) return s;
        if (r.rune === OPEN_BRACKET) return { kind: 'sectionName' };
        if (isComment(r.rune)) return { kind: 'ignoreLine', then: s };
        reader.unreadRune();
        return { kind: 'optionName', section: s.section };
      }
      case 'optionName': {
        let name = '';
        for (;;) {
          const r = reader.readRune();
          if (r === null) throw new UnitLexError('EOF');
          if (r.rune === NEWLINE || r.rune === CARRIAGE_RETURN) {
            throw new UnitLexError('unexpected newline encountered while parsing option name');
          }
          if (r.rune === EQUALS) break;
          name += String.fromCodePoint(r.rune);
        }
        return { kind: 'optionValue', section: s.section, name: goTrimSpace(name), partial: [] };
      }
      case 'optionValue': {
        const { line, eof } = toEOL();
        if (trimSpaceBytes(line).length > 0) {
          s.partial.push(line);
          if (line[line.length - 1] === BACKSLASH) {
            if (!eof) s.partial.push(Uint8Array.of(NEWLINE));
            return s;
          }
        }
        const raw = decode(concat(s.partial));
        // A value that ended on a continuation followed by a blank line keeps its last newline.
        const value = raw.endsWith('\n') ? goTrimSpace(raw) + '\n' : goTrimSpace(raw);
        options.push({ section: s.section, name: s.name, value });
        return { kind: 'sectionOrOption', section: s.section };
      }
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
