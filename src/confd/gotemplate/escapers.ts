/**
 * Go's string escapers: `strconv.Quote`, and text/template's `html`, `js` and `urlquery`.
 */

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintRune(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `strconv.Quote` (or `QuoteToASCII` with `asciiOnly`). */
export function goQuote(s: string, asciiOnly = false, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (asciiOnly ? cp < 0x80 && isPrintRune(cp) : isPrintRune(cp)) {
      out += ch;
      continue;
    }
    switch (ch) {
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp >= 0xd800 && cp < 0xe000) out += '\\ufffd';
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + quote;
}

/** Go's `strconv.CanBackquote`. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '`' || cp === 0xfeff) return false;
    if (cp < 0x20 && ch !== '\t') return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

/** `template.HTMLEscapeString`. */
export function htmlEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '&#34;';
        break;
      case "'":
        out += '&#39;';
        break;
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '\0':
        out += '\uFFFD';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** `template.JSEscapeString`. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (cp < 0x20) {
      out += '\\u00' + hex(cp, 2).toUpperCase();
    } else if (cp < 0x80 || isPrintRune(cp)) {
      out += ch;
    } else {
      out += '\\u' + hex(cp, 4).toUpperCase();
    }
  }
  return out;
}

/** `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
