/** Turns HTTP replies of the keys API into typed responses or typed errors. */
import type { IncomingHttpHeaders } from 'node:http';
import type { EtcdAction, EtcdNode, EtcdResponse } from './types.js';
import { EtcdError, InvalidResponseError, WatchIndexClearedError, ERROR_CODES } from './errors.js';
import type { HttpReply } from './http-exchange.js';

type Json = { [k: string]: unknown };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export function decodeNode(raw: unknown): EtcdNode {
  if (!isObject(raw)) throw new InvalidResponseError(200);
  const node: EtcdNode = {
    key: typeof raw.key === 'string' ? raw.key : '',
    dir: raw.dir === true,
    modifiedIndex: num(raw.modifiedIndex),
    createdIndex: num(raw.createdIndex),
  };
  if (typeof raw.value === 'string') node.value = raw.value;
  if (typeof raw.expiration === 'string') node.expiration = raw.expiration;
  if (typeof raw.ttl === 'number') node.ttl = raw.ttl;
  if (Array.isArray(raw.nodes)) node.nodes = raw.nodes.map(decodeNode);
  return node;
}

function headerNumber(headers: IncomingHttpHeaders, name: string): number {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || !/^\d+$/.test(s)) return 0;
  return Number(s);
}

function parseJson(reply: HttpReply): unknown {
  try {
    return JSON.parse(reply.body);
  } catch {
    throw new InvalidResponseError(reply.status);
  }
}

/** Decodes an error body `{"errorCode":..,"message":..,"cause":..,"index":..}`. */
export function decodeEtcdError(reply: HttpReply): EtcdError {
  const body = parseJson(reply);
  if (!isObject(body) || typeof body.errorCode !== 'number') throw new InvalidResponseError(reply.status);
  const message = typeof body.message === 'string' ? body.message : '';
  const cause = typeof body.cause === 'string' ? body.cause : '';
  const index = num(body.index);
  if (body.errorCode === ERROR_CODES.EventIndexCleared) {
    return new WatchIndexClearedError(body.errorCode, message, cause, index);
  }
  return new EtcdError(body.errorCode, message, cause, index);
}

/**
 * Decodes a keys reply: the event on 200/201, a thrown EtcdError otherwise.
 * Returns null for a 200 with an empty body (a long poll the server ended without an event).
 */
export function decodeKeysReply(reply: HttpReply): EtcdResponse | null {
  if (reply.status === 200 || reply.status === 201) {
    if (reply.body.length === 0) return null;
    const body = parseJson(reply);
    if (!isObject(body) || typeof body.action !== 'string') throw new InvalidResponseError(reply.status);
    const response: EtcdResponse = {
      action: body.action as EtcdAction,
      node: body.node === undefined ? { key: '', dir: false, modifiedIndex: 0, createdIndex: 0 } : decodeNode(body.node),
      etcdIndex: headerNumber(reply.headers, 'x-etcd-index'),
      raftIndex: headerNumber(reply.headers, 'x-raft-index'),
      raftTerm: headerNumber(reply.headers, 'x-raft-term'),
    };
    if (body.prevNode !== undefined && body.prevNode !== null) response.prevNode = decodeNode(body.prevNode);
    return response;
  }
  throw decodeEtcdError(reply);
}
