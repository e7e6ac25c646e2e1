/**
 * JSON text as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped, control
 * characters other than \n \r \t as \u00XX. etcdctl's JSON output is compared byte for byte.
 */
import type { EtcdNode, EtcdResponse } from '../client/index.js';

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** A node in the field order and emptiness rules of the Go client's Node struct. */
export function goNodeJson(n: EtcdNode): string {
  let s = `{"key":${goQuote(n.key)}`;
  if (n.dir) s += ',"dir":true';
  s += `,"value":${goQuote(n.value ?? '')}`;
  s += ',"nodes":' + (n.nodes === undefined ? 'null' : '[' + n.nodes.map(goNodeJson).join(',') + ']');
  s += `,"createdIndex":${n.createdIndex},"modifiedIndex":${n.modifiedIndex}`;
  if (n.expiration !== undefined) s += `,"expiration":${goQuote(n.expiration)}`;
  if (n.ttl !== undefined && n.ttl !== 0) s += `,"ttl":${n.ttl}`;
  return s + '}';
}

export function goResponseJson(r: EtcdResponse): string {
  return (
    `{"action":${goQuote(r.action)},"node":${goNodeJson(r.node)},"prevNode":` +
    (r.prevNode ? goNodeJson(r.prevNode) : 'null') +
    '}'
  );
}
