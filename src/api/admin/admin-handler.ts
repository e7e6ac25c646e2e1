/**
 * etcd 0.4's admin API on the peer port:
 *
 * - `GET /v2/admin/config` → the cluster configuration as JSON + newline.
 * - `PUT /v2/admin/config` → commits the fields given (numbers only) and answers the resulting
 *   configuration; an unparsable body is answered 500 with a plain-text error.
 * - `GET /v2/admin/machines` → the peers sorted by name; `GET /v2/admin/machines/<name>` → one of
 *   them, or `null`.
 * - `DELETE /v2/admin/machines/<name>` → removes the peer through the log; 200 with an 8-byte body
 *   holding the commit index as a varint (0.4's answer, which clients ignore).
 *
 * Changes (PUT, DELETE) are the leader's to make: a follower redirects them (307) to the leader's
 * peer URL with the same path and query, and answers error 300 when it knows no leader. Reads are
 * served by any member from what it has applied.
 *
 * `handle` answers only paths under `/v2/admin` and returns false for every other path, so it sits
 * in the peer port's chain beside the transport and the `/members` handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { adminConfigJSON, AdminConfigSyntaxError, parseAdminConfigBody } from '../../etcdserver/admin-config.js';
import type { ClusterMachine } from '../../etcdserver/standby-machines.js';
import { EtcdError } from '../../store/errors.js';
import { goString } from '../v2http/go-json.js';
import { AdminError, type AdminFace } from './admin-face.js';

const PREFIX = '/v2/admin';
const MAX_BODY_BYTES = 1024 * 1024;
const TEXT_PLAIN = 'text/plain; charset=utf-8';
const APPLICATION_JSON = 'application/json';

export function machineJSON(m: ClusterMachine): string {
  return `{"name":${goString(m.name)},"state":"${m.state}","clientURL":${goString(m.clientURL)},"peerURL":${goString(m.peerURL)}}`;
}

/** 0.4's remove answer: `binary.PutUvarint` of the commit index into 8 zeroed bytes. */
export function commitIndexBody(index: number): Buffer {
  const out = Buffer.alloc(8);
  let v = BigInt(Math.max(0, Math.trunc(index)));
  let i = 0;
  while (v >= 0x80n && i < 7) {
    out[i++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[i] = Number(v & 0xffn);
  return out;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  send(res, status, { 'Content-Type': TEXT_PLAIN, 'X-Content-Type-Options': 'nosniff', ...extra }, `${message}\n`);
}

function sendEtcdError(res: ServerResponse, err: EtcdError): void {
  // 0.4 answers every 3xx code with 500 and everything else here with 400.
  const status = Math.floor(err.errorCode / 100) === 3 ? 500 : 400;
  send(res, status, { 'Content-Type': APPLICATION_JSON, 'X-Etcd-Index': String(err.index) }, `${JSON.stringify(err.toJSON())}\n`);
}

function sendFailure(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof AdminError) return sendText(res, err.status, err.message);
  if (err instanceof EtcdError) return sendEtcdError(res, err);
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  sendText(res, status, err instanceof Error ? err.message : String(err));
}

export class AdminHandler {
  constructor(private readonly face: AdminFace) {}

  /** Serves `/v2/admin/*`; false (nothing written) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    if (rawPath !== PREFIX && !rawPath.startsWith(`${PREFIX}/`)) return false;
    try {
      this.route(req, res, rawPath, q === -1 ? '' : url.slice(q + 1));
    } catch (err) {
      sendFailure(res, err);
    }
    return true;
  }

  private route(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): void {
    const method = req.method ?? 'GET';
    if (rawPath === `${PREFIX}/config`) {
      if (method === 'GET' || method === 'HEAD') return this.getConfig(res);
      if (method === 'PUT') return this.putConfig(req, res, rawPath, rawQuery);
      return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, PUT' });
    }
    if (rawPath === `${PREFIX}/machines`) {
      if (method === 'GET' || method === 'HEAD') {
        return send(res, 200, { 'Content-Type': APPLICATION_JSON }, `[${this.face.machines().map(machineJSON).join(',')}]\n`);
      }
      return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET' });
    }
    if (rawPath.startsWith(`${PREFIX}/machines/`)) {
      const segment = rawPath.slice(`${PREFIX}/machines/`.length);
      let name: string;
      try {
        name = decodeURIComponent(segment);
      } catch {
        return sendText(res, 400, 'Bad Request');
      }
      if (segment === '' || segment.includes('/')) return sendText(res, 404, '404 page not found');
      if (method === 'GET' || method === 'HEAD') {
        const m = this.face.machines().find((x) => x.name === name);
        return send(res, 200, { 'Content-Type': APPLICATION_JSON }, `${m === undefined ? 'null' : machineJSON(m)}\n`);
      }
      if (method === 'DELETE') return this.removeMachine(req, res, name, rawPath, rawQuery);
      return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, DELETE' });
    }
    sendText(res, 404, '404 page not found');
  }

  private getConfig(res: ServerResponse): void {
    send(res, 200, { 'Content-Type': APPLICATION_JSON }, `${adminConfigJSON(this.face.config())}\n`);
  }

  /** True when this member may make the change; otherwise the request has been answered. */
  private leaderOrRedirect(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): boolean {
    if (this.face.isLeader()) return true;
    req.resume();
    const leader = this.face.leaderPeerURL();
    if (leader === null) {
      sendEtcdError(res, new EtcdError(300, '', 0));
      return false;
    }
    const base = leader.endsWith('/') ? leader.slice(0, -1) : leader;
    const location = `${base}${rawPath}${rawQuery === '' ? '' : `?${rawQuery}`}`;
    send(res, 307, { Location: location }, '');
    return false;
  }

  private putConfig(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): void {
    if (!this.leaderOrRedirect(req, res, rawPath, rawQuery)) return;
    readBody(req, (err, body) => {
      if (err !== null) return sendText(res, 500, err.message);
      let update;
      try {
        update = parseAdminConfigBody(body);
      } catch (e) {
        return sendText(res, 500, e instanceof AdminConfigSyntaxError ? e.message : String(e));
      }
      this.face.setConfig(update).then(
        (config) => send(res, 200, { 'Content-Type': APPLICATION_JSON }, `${adminConfigJSON(config)}\n`),
        (e: unknown) => sendFailure(res, e),
      );
    });
  }

  private removeMachine(req: IncomingMessage, res: ServerResponse, name: string, rawPath: string, rawQuery: string): void {
    if (!this.leaderOrRedirect(req, res, rawPath, rawQuery)) return;
    req.resume();
    this.face.removeMachine(name).then(
      (index) => send(res, 200, { 'Content-Type': 'application/octet-stream' }, commitIndexBody(index)),
      (e: unknown) => sendFailure(res, e),
    );
  }
}

function readBody(req: IncomingMessage, done: (err: Error | null, body: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY_BYTES) chunks.push(c);
  });
  req.on('error', (e) => done(e, ''));
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) done(new Error('http: request body too large'), '');
    else done(null, Buffer.concat(chunks).toString('utf8'));
  });
}

/** A request listener for the admin API alone (404 for other paths), e.g. for tests. */
export function createAdminHandler(face: AdminFace): (req: IncomingMessage, res: ServerResponse) => void {
  const handler = new AdminHandler(face);
  return (req, res) => {
    if (!handler.handle(req, res)) sendText(res, 404, '404 page not found');
  };
}
