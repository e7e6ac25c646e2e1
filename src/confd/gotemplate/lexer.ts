/**
 * Splits a Go text/template source into tokens: text, delimiters, and the words inside actions,
 * with the `{{- ` / ` -}}` trim markers applied to neighbouring text.
 */

export type TokenType =
  | 'error'
  | 'eof'
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'comment'
  | 'space'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'rawString'
  | 'char'
  | 'charConstant'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'range'
  | 'template'
  | 'with';

const KEYWORDS = new Set<TokenType>([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

export function isKeyword(t: TokenType): boolean {
  return KEYWORDS.has(t);
}

export interface Token {
  readonly type: TokenType;
  readonly val: string;
  readonly pos: number;
  readonly line: number;
}

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string): boolean {
  return c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);
}

/** Go's `%q` of a rune-ish string used in lexer messages: `U+002D '-'`. */
function describeRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const countLines = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) if (input.charCodeAt(i) === 10) n++;
    return n;
  };
  const emit = (type: TokenType, val?: string): void => {
    const text = val ?? input.slice(start, pos);
    tokens.push({ type, val: text, pos: start, line: startLine });
    line = startLine + countLines(start, pos);
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countLines(start, pos);
    start = pos;
    startLine = line;
  };
  /** Moves past a quoted literal whose opening quote was just read; false when the line ends first. */
  const skipQuoted = (quote: string): boolean => {
    for (;;) {
      const d = input[pos++];
      if (d === '\\') {
        const e = input[pos];
        if (e !== undefined && e !== '\n') {
          pos++;
          continue;
        }
      }
      if (d === undefined || d === '\n') return false;
      if (d === quote) return true;
    }
  };
  const error = (msg: string): Token[] => {
    tokens.push({ type: 'error', val: msg, pos: start, line: startLine });
    return tokens;
  };
  /** At `}}` or ` -}}`? Returns [atDelim, trimMarker]. */
  const atRightDelim = (): [boolean, boolean] => {
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2)) return [true, true];
    if (input.startsWith(RIGHT, pos)) return [true, false];
    return [false, false];
  };
  const leadingSpaceLength = (from: number): number => {
    let i = from;
    while (i < input.length && isSpace(input[i])) i++;
    return i - from;
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c)) return true;
    if (c === '.' || c === ',' || c === '|' || c === ':' || c === ')' || c === '(') return true;
    return input.startsWith(RIGHT, pos);
  };

  for (;;) {
    // Text up to the next left delimiter.
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      tokens.push({ type: 'eof', val: '', pos, line });
      return tokens;
    }
    pos = x;
    const trimLeft = input[x + 2] === '-' && isSpace(input[x + 3]);
    if (pos > start) {
      let end = pos;
      if (trimLeft) while (end > start && isSpace(input[end - 1])) end--;
      if (end > start) tokens.push({ type: 'text', val: input.slice(start, end), pos: start, line: startLine });
      ignore();
    }
    // Left delimiter.
    pos += LEFT.length;
    if (trimLeft) pos += 2;
    if (input.startsWith('/*', pos)) {
      // Comment.
      ignore();
      const close = input.indexOf('*/', pos + 2);
      if (close < 0) return error('unclosed comment');
      pos = close + 2;
      const [delim, trim] = atRightDelim();
      if (!delim) return error('comment ends before closing delimiter');
      emit('comment');
      if (trim) pos += 2;
      pos += RIGHT.length;
      if (trim) pos += leadingSpaceLength(pos);
      ignore();
      continue;
    }
    tokens.push({ type: 'leftDelim', val: LEFT, pos: x, line: startLine });
    ignore();
    parenDepth = 0;
    // Inside the action.
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return error('unclosed left paren');
        if (trim) {
          pos += 2;
          ignore();
        }
        pos += RIGHT.length;
        emit('rightDelim');
        if (trim) {
          pos += leadingSpaceLength(pos);
          ignore();
        }
        break;
      }
      const c = input[pos];
      if (c === undefined) return error('unclosed action');
      if (isSpace(c)) {
        let n = 0;
        while (isSpace(input[pos])) {
          pos++;
          n++;
        }
        // A space that belongs to a ` -}}` trim marker is not part of this run.
        if (input[pos] === '-' && input.startsWith(RIGHT, pos + 1)) {
          pos--;
          if (n === 1) continue;
        }
        emit('space');
        continue;
      }
      pos++;
      switch (c) {
        case '=':
          emit('assign');
          continue;
        case ':':
          if (input[pos] !== '=') return error('expected :=');
          pos++;
          emit('declare');
          continue;
        case '|':
          emit('pipe');
          continue;
        case '"': {
          if (!skipQuoted('"')) return error('unterminated quoted string');
          emit('string');
          continue;
        }
        case '`': {
          const close = input.indexOf('`', pos);
          if (close < 0) return error('unterminated raw quoted string');
          pos = close + 1;
          emit('rawString');
          continue;
        }
        case "'": {
          if (!skipQuoted("'")) return error('unterminated character constant');
          emit('charConstant');
          continue;
        }
        case '$': {
          if (atTerminator()) {
            emit('variable');
            continue;
          }
          while (pos < input.length && isAlphaNumeric(input[pos] as string)) pos++;
          if (!atTerminator()) return error(`bad character ${describeRune(input[pos] as string)}`);
          emit('variable');
          continue;
        }
        case '(':
          emit('leftParen');
          parenDepth++;
          continue;
        case ')':
          emit('rightParen');
          parenDepth--;
          if (parenDepth < 0) return error(`unexpected right paren ${describeRune(c)}`);
          continue;
      }
      if (c === '.') {
        const n = input[pos];
        if (n === undefined || n < '0' || n > '9') {
          if (atTerminator()) {
            emit('dot');
            continue;
          }
          while (pos < input.length && isAlphaNumeric(input[pos] as string)) pos++;
          if (!atTerminator()) return error(`bad character ${describeRune(input[pos] as string)}`);
          emit('field');
          continue;
        }
      }
      if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        pos--;
        if (!scanNumber()) return error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        emit('number');
        continue;
      }
      if (isAlphaNumeric(c)) {
        while (pos < input.length && isAlphaNumeric(input[pos] as string)) pos++;
        if (!atTerminator()) return error(`bad character ${describeRune(input[pos] as string)}`);
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word as TokenType)) emit(word as TokenType);
        else if (word === 'true' || word === 'false') emit('bool');
        else if (word === 'nil') emit('nil');
        else emit('identifier');
        continue;
      }
      const cp = c.codePointAt(0) ?? 0;
      if (cp <= 0x7f && cp >= 0x20 && cp !== 0x7f) {
        emit('char');
        continue;
      }
      return error(`unrecognized character in action: ${describeRune(c)}`);
    }
  }

  function scanNumber(): boolean {
    if (input[pos] === '+' || input[pos] === '-') pos++;
    let digits = '0123456789_';
    if (input[pos] === '0') {
      const p = input[pos + 1];
      if (p === 'x' || p === 'X') {
        pos += 2;
        digits = '0123456789abcdefABCDEF_';
      } else if (p === 'o' || p === 'O') {
        pos += 2;
        digits = '01234567_';
      } else if (p === 'b' || p === 'B') {
        pos += 2;
        digits = '01_';
      }
    }
    const accept = (set: string): boolean => {
      if (pos < input.length && set.includes(input[pos] as string)) {
        pos++;
        return true;
      }
      return false;
    };
    while (accept(digits));
    if (accept('.')) while (accept(digits));
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      while (accept('0123456789_'));
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      while (accept('0123456789_'));
    }
    accept('i');
    const next = input[pos];
    return !(next !== undefined && isAlphaNumeric(next));
  }
}
