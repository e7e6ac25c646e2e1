/**
 * `/v2/members`: the member list, the leader, and (when the server offers them) adding, updating and
 * removing members, with etcd's status codes and `{"message": ...}` error bodies.
 */
import type { Http1Request, Http1Response } from '../../http1/index.js';

import {
  APPLICATION_JSON,
  sendBody,
  sendHttpError,
  sendInternalError,
  sendMethodNotAllowed,
  type HeaderList,
} from './reply.js';
import { MembershipError, type MemberInfo, type ServerFace } from './server-face.js';

/** Largest JSON body read for member changes. */
export const MEMBERS_MAX_BODY_BYTES = 1024 * 1024;
const HEX_ID = /^[0-9a-fA-F]{1,16}$/;

export function memberJSON(m: MemberInfo): string {
  return JSON.stringify({ id: m.id, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs });
}

/** Members ordered by numeric ID, as etcd lists them. */
export function sortedMembers(face: ServerFace): MemberInfo[] {
  return [...face.members()].sort((a, b) => {
    const x = BigInt(`0x${a.id}`);
    const y = BigInt(`0x${b.id}`);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Go's types.NewURLs checks: an error message, or null when every URL is acceptable. */
export function checkPeerURLs(urls: unknown): string | null {
  if (!Array.isArray(urls) || urls.length === 0) return 'no valid URLs given';
  for (const raw of urls) {
    if (typeof raw !== 'string') return 'json: cannot unmarshal value into Go value of type string';
    const s = raw.trim();
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return `parse ${JSON.stringify(s)}: invalid URL`;
    }
    if (!['http:', 'https:', 'unix:', 'unixs:'].includes(u.protocol)) {
      return `URL scheme must be http, https, unix, or unixs: ${s}`;
    }
    if (!/:\d+$/.test(u.host) && !/:\d+$/.test(s.replace(/\/+$/, ''))) {
      return `URL address does not have the form "host:port": ${s}`;
    }
    if (u.pathname !== '/' || s.endsWith('/')) return `URL must not contain a path: ${s}`;
  }
  return null;
}

function sendMessage(res: Http1Response, headers: HeaderList, status: number, message: string): void {
  sendBody(res, status, headers, JSON.stringify({ message }));
}

export class MembersHandler {
  private readonly face: ServerFace;

  constructor(face: ServerFace) {
    this.face = face;
  }

  /** `rest` is the path after `/v2/members/` ('' for the collection). */
  handle(req: Http1Request, res: Http1Response, method: string, rest: string, headers: HeaderList): void {
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE' && method !== 'PUT') {
      sendMethodNotAllowed(res, 'GET,POST,DELETE,PUT', headers);
      return;
    }
    headers.push('X-Etcd-Cluster-Id', this.face.clusterId);
    if (method === 'GET') {
      this.get(res, rest, headers);
      return;
    }
    if (method !== 'POST' && rest === '') {
      sendHttpError(res, 405, 'Method Not Allowed', headers);
      return;
    }
    if (method !== 'POST' && !HEX_ID.test(rest)) {
      headers.push('Content-Type', APPLICATION_JSON);
      sendMessage(res, headers, 404, `No such member: ${rest}`);
      return;
    }
    if (method === 'DELETE') {
      this.change(res, headers, rest, () => this.membership()?.removeMember(normalizeId(rest)), 204);
      return;
    }
    this.readJSON(req, res, headers, (body) => {
      const peerURLs = (body as { peerURLs?: unknown } | null)?.peerURLs;
      const invalid = checkPeerURLs(peerURLs);
      if (invalid !== null) {
        headers.push('Content-Type', APPLICATION_JSON);
        sendMessage(res, headers, 400, invalid);
        return;
      }
      const urls = (peerURLs as string[]).map((u) => u.trim()).sort();
      if (method === 'POST') {
        const membership = this.membership();
        if (membership === undefined) return this.unavailable(res, headers);
        membership.addMember(urls).then(
          (m) => {
            headers.push('Content-Type', APPLICATION_JSON);
            sendBody(res, 201, headers, `${memberJSON(m)}\n`);
          },
          (err: unknown) => this.refused(res, headers, err),
        ).catch((err: unknown) => sendInternalError(res, err));
        return;
      }
      this.change(res, headers, rest, () => this.membership()?.updateMember(normalizeId(rest), urls), 204);
    });
  }

  private get(res: Http1Response, rest: string, headers: HeaderList): void {
    headers.push('Content-Type', APPLICATION_JSON);
    if (rest === '') {
      const list = sortedMembers(this.face).map(memberJSON).join(',');
      sendBody(res, 200, headers, `{"members":[${list}]}\n`);
      return;
    }
    if (rest === 'leader') {
      const leader = this.face.leaderId();
      const member = leader === null ? undefined : this.face.members().find((m) => m.id === leader);
      if (member === undefined) return sendMessage(res, headers, 503, 'During election');
      sendBody(res, 200, headers, `${memberJSON(member)}\n`);
      return;
    }
    sendMessage(res, headers, 404, 'Not found');
  }

  private membership(): ServerFace['membership'] {
    return this.face.membership;
  }

  private change(
    res: Http1Response,
    headers: HeaderList,
    id: string,
    run: () => Promise<void> | undefined,
    okStatus: number,
  ): void {
    const pending = run();
    if (pending === undefined) return this.unavailable(res, headers);
    pending.then(
      () => {
        res.writeHead(okStatus, headers);
        res.end();
      },
      (err: unknown) => this.refused(res, headers, err, id),
    ).catch((err: unknown) => sendInternalError(res, err));
  }

  private refused(res: Http1Response, headers: HeaderList, err: unknown, id?: string): void {
    headers.push('Content-Type', APPLICATION_JSON);
    if (err instanceof MembershipError) {
      let message = err.message;
      if (err.status === 404 && id !== undefined) message = `No such member: ${id}`;
      if (err.status === 410 && id !== undefined) message = `Member permanently removed: ${id}`;
      return sendMessage(res, headers, err.status, message);
    }
    sendMessage(res, headers, 500, 'Internal Server Error');
  }

  private unavailable(res: Http1Response, headers: HeaderList): void {
    headers.push('Content-Type', APPLICATION_JSON);
    sendMessage(res, headers, 500, 'Internal Server Error');
  }

  private readJSON(req: Http1Request, res: Http1Response, headers: HeaderList, then: (body: unknown) => void): void {
    const raw = req.headers['content-type'] ?? '';
    const semi = raw.indexOf(';');
    const ctype = semi === -1 ? raw : raw.slice(0, semi).trim().toLowerCase();
    if (ctype !== 'application/json') {
      headers.push('Content-Type', APPLICATION_JSON);
      sendMessage(res, headers, 415, `Bad Content-Type ${ctype}, accept application/json`);
      return;
    }
    let body: unknown;
    try {
      if (req.bodyTooLarge || req.body.length > MEMBERS_MAX_BODY_BYTES) throw new Error('http: request body too large');
      const text = req.body.toString('utf8');
      if (text.trim() === '') throw new Error('unexpected end of JSON input');
      body = JSON.parse(text);
    } catch (err) {
      headers.push('Content-Type', APPLICATION_JSON);
      sendMessage(res, headers, 400, err instanceof Error ? err.message : String(err));
      return;
    }
    try {
      then(body);
    } catch (err) {
      sendInternalError(res, err);
    }
  }
}

/** IDs as etcd prints them: lower-case hex without leading zeros. */
function normalizeId(id: string): string {
  return BigInt(`0x${id}`).toString(16);
}
