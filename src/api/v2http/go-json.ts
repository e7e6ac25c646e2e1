/**
 * JSON text exactly as Go's encoding/json writes it, for the shapes the v2 API returns: `<`, `>`, `&`,
 * U+2028 and U+2029 escaped, control characters other than \n \r \t as \u00XX.
 */
import type { EtcdError } from '../../store/errors.js';
import type { NodeJSON, StoreEvent } from '../../store/request.js';

const NEEDS_FIXING = /[<>&\u2028\u2029]|\\[bf]/;
const FIXES = /\\\\|\\b|\\f|[<>&\u2028\u2029]/g;
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\\\\': '\\\\',
  '\\b': '\\u0008',
  '\\f': '\\u000c',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function replace(m: string): string {
  return REPLACEMENTS[m]!;
}

/** Printable ASCII except `"`, backslash, `<`, `>` and `&`: what Go's encoder writes unchanged. */
const PLAIN = /^[ !#-%'-;=?-[\]-~]*$/;

/** A JSON string literal as Go writes it. */
export function goString(s: string): string {
  // Keys and values are mostly plain: quoted as they are, without JSON.stringify's copy and the
  // search for what Go escapes differently.
  return PLAIN.test(s) ? `"${s}"` : escapedGoString(s);
}

function escapedGoString(s: string): string {
  const j = JSON.stringify(s);
  return NEEDS_FIXING.test(j) ? j.replace(FIXES, replace) : j;
}

export function nodeJSON(n: NodeJSON): string {
  let out = '{';
  let sep = '';
  if (n.key !== undefined) {
    out += `"key":${goString(n.key)}`;
    sep = ',';
  }
  if (n.value !== undefined) {
    out += `${sep}"value":${goString(n.value)}`;
    sep = ',';
  }
  if (n.dir === true) {
    out += `${sep}"dir":true`;
    sep = ',';
  }
  if (n.expiration !== undefined) {
    out += `${sep}"expiration":"${n.expiration}"`;
    sep = ',';
  }
  if (n.ttl !== undefined && n.ttl !== 0) {
    out += `${sep}"ttl":${n.ttl}`;
    sep = ',';
  }
  if (n.nodes !== undefined && n.nodes.length > 0) {
    out += `${sep}"nodes":[`;
    for (let i = 0; i < n.nodes.length; i++) {
      if (i > 0) out += ',';
      out += nodeJSON(n.nodes[i]!);
    }
    out += ']';
    sep = ',';
  }
  if (n.modifiedIndex !== undefined && n.modifiedIndex !== 0) {
    out += `${sep}"modifiedIndex":${n.modifiedIndex}`;
    sep = ',';
  }
  if (n.createdIndex !== undefined && n.createdIndex !== 0) {
    out += `${sep}"createdIndex":${n.createdIndex}`;
  }
  return `${out}}`;
}

/** `{"action":..,"node":..,"prevNode":..}` followed by a newline. */
export function eventLine(e: StoreEvent): string {
  let s = `{"action":"${e.action}","node":${nodeJSON(e.node)}`;
  if (e.prevNode !== undefined) s += `,"prevNode":${nodeJSON(e.prevNode)}`;
  return `${s}}\n`;
}

const encodedEvents = new WeakMap<StoreEvent, string>();

/** `eventLine`, cached per event: one encoding however many watchers receive it. */
export function sharedEventLine(e: StoreEvent): string {
  let s = encodedEvents.get(e);
  if (s === undefined) {
    s = eventLine(e);
    encodedEvents.set(e, s);
  }
  return s;
}

/** `{"errorCode":..,"message":..,"cause":..,"index":..}` followed by a newline. */
export function errorLine(e: EtcdError): string {
  const cause = e.cause === '' ? '' : `,"cause":${goString(e.cause)}`;
  return `{"errorCode":${e.errorCode},"message":${goString(e.message)}${cause},"index":${e.index}}\n`;
}
