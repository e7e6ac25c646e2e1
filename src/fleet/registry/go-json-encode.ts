/**
 * JSON text as Go's encoding/json writes it (fleet's registry values are made by `json.Marshal`):
 * strings with HTML-safe escapes (`<` `>` `&` as `\u003c` `\u003e` `\u0026`), control characters
 * other than `\n` `\r` `\t` as `\u00XX`, U+2028/U+2029 escaped, invalid UTF-16 as `\ufffd`; map keys
 * sorted by their UTF-8 bytes.
 */

const HEX = '0123456789abcdef';

/** A Go-encoded JSON string literal, quotes included. */
export function goJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22) out += '\\"';
      else if (c === 0x5c) out += '\\\\';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0d) out += '\\r';
      else if (c === 0x09) out += '\\t';
      else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      else out += text[i];
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16)}`;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else {
        out += '\\ufffd';
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    out += text[i];
  }
  return out + '"';
}

/** Go's ordering of map keys: by their UTF-8 bytes. */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A Go `map[string]string` as JSON (`null` for a nil map). */
export function goJsonStringMap(map: Readonly<Record<string, string>> | null): string {
  if (map === null) return 'null';
  const keys = Object.keys(map).sort(compareGoStrings);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonString(map[k]!)}`).join(',')}}`;
}

/** A Go `map[string]bool` as JSON (`null` for a nil map). */
export function goJsonBoolMap(map: Readonly<Record<string, boolean>> | null): string {
  if (map === null) return 'null';
  const keys = Object.keys(map).sort(compareGoStrings);
  return `{${keys.map((k) => `${goJsonString(k)}:${map[k] === true ? 'true' : 'false'}`).join(',')}}`;
}
