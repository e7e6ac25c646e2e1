/**
 * The client-port request listener: CORS, OPTIONS, Go-style path cleaning, and routing to the keys,
 * stats, members, machines, leader, version, health and metrics endpoints.
 */
import type { Http1Handler, Http1Request, Http1Response } from '../../http1/index.js';

import { handleAuth } from './auth-handler.js';
import { KeysHandler } from './keys-handler.js';
import { MEMBERS_MAX_BODY_BYTES, MembersHandler } from './members-handler.js';
import { ClientMetrics } from './metrics.js';
import {
  APPLICATION_JSON,
  sendBody,
  sendMethodNotAllowed,
  sendInternalError,
  sendNotFound,
  TEXT_PLAIN,
  type HeaderList,
} from './reply.js';
import type { ServerFace } from './server-face.js';
import { goString } from './go-json.js';
import { decodePath, escapePath, htmlEscape, muxCleanPath } from './url-path.js';

export interface ClientHandlerOptions {
  /** Allowed CORS origins (`*` for any). Default `['*']`, as etcd 3.4. An empty list sends no CORS headers. */
  readonly cors?: readonly string[];
  /**
   * Largest urlencoded request body read, in bytes; a larger one is refused with error 210
   * `http: POST too large`. Default 10 MiB, the limit etcd (Go's form parser) applies.
   */
  readonly maxRequestBytes?: number;
  /** `/version` answer. Defaults to etcd 3.4.23 / 3.4.0. */
  readonly serverVersion?: string;
  readonly clusterVersion?: string;
  /** Flotilla's `--linearizable-reads`: serve every read that is not a watch as a quorum read. */
  readonly linearizableReads?: boolean;
}

const DEFAULT_MAX_FORM_BYTES = 10 * 1024 * 1024;
const CORS_METHODS = 'POST, GET, OPTIONS, PUT, DELETE';
const CORS_HEADERS = 'accept, content-type, authorization';

/**
 * The largest request body the client port buffers: the keys API's form limit (`maxRequestBytes`,
 * default 10 MiB) or the members API's JSON limit, whichever is larger.
 */
export function clientBodyLimit(maxRequestBytes?: number): number {
  return Math.max(maxRequestBytes ?? DEFAULT_MAX_FORM_BYTES, MEMBERS_MAX_BODY_BYTES);
}

export function createClientHandler(face: ServerFace, options: ClientHandlerOptions = {}): Http1Handler {
  const handler = new ClientHandler(face, options);
  return (req, res) => handler.serve(req, res);
}

/** The metrics registry behind a handler made by `createClientHandler` is reachable for tests. */
export class ClientHandler {
  readonly metrics: ClientMetrics;
  /** The largest request body the server should buffer for this handler. */
  readonly maxBodyBytes: number;
  private readonly face: ServerFace;
  private readonly keys: KeysHandler;
  private readonly members: MembersHandler;
  private readonly corsAny: boolean;
  private readonly corsOrigins: ReadonlySet<string>;
  private readonly versionBody: string;

  constructor(face: ServerFace, options: ClientHandlerOptions = {}) {
    this.face = face;
    const serverVersion = options.serverVersion ?? '3.4.23';
    const clusterVersion = options.clusterVersion ?? '3.4.0';
    this.metrics = new ClientMetrics(face, { serverVersion, clusterVersion });
    this.keys = new KeysHandler(face, this.metrics, options.maxRequestBytes ?? DEFAULT_MAX_FORM_BYTES, options.linearizableReads ?? false);
    this.maxBodyBytes = clientBodyLimit(options.maxRequestBytes);
    this.members = new MembersHandler(face);
    const cors = options.cors ?? ['*'];
    this.corsAny = cors.includes('*');
    this.corsOrigins = new Set(cors);
    this.versionBody = JSON.stringify({
      etcdserver: serverVersion,
      etcdcluster: clusterVersion,
    });
  }

  serve(req: Http1Request, res: Http1Response): void {
    try {
      this.route(req, res);
    } catch (err) {
      sendInternalError(res, err);
    }
  }

  private corsHeaders(req: Http1Request): HeaderList {
    if (this.corsAny) {
      return ['Access-Control-Allow-Methods', CORS_METHODS, 'Access-Control-Allow-Origin', '*', 'Access-Control-Allow-Headers', CORS_HEADERS];
    }
    const origin = req.headers.origin;
    if (origin !== undefined && this.corsOrigins.has(origin)) {
      return ['Access-Control-Allow-Methods', CORS_METHODS, 'Access-Control-Allow-Origin', origin, 'Access-Control-Allow-Headers', CORS_HEADERS];
    }
    return [];
  }

  private route(req: Http1Request, res: Http1Response): void {
    let url = req.url;
    if (url.charCodeAt(0) !== 47) {
      // absolute-form request target
      try {
        const u = new URL(url);
        url = u.pathname + u.search;
      } catch {
        this.badRequest(res);
        return;
      }
    }
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const path = decodePath(rawPath);
    if (path === null) {
      this.badRequest(res);
      return;
    }
    const headers = this.corsHeaders(req);
    const method = req.method;
    if (method === 'OPTIONS') {
      headers.push('Content-Length', '0');
      res.writeHead(200, headers);
      res.end();
      return;
    }
    const clean = muxCleanPath(path);
    if (clean !== path) {
      this.redirect(res, method, clean, rawQuery, headers);
      return;
    }
    if (path.startsWith('/v2/keys') && (path.length === 8 || path.charCodeAt(8) === 47)) {
      this.keys.handle(req, res, path, rawQuery, headers);
      return;
    }
    switch (path) {
      case '/version':
        if (method !== 'GET') return sendMethodNotAllowed(res, 'GET', headers);
        headers.push('Content-Type', APPLICATION_JSON);
        return sendBody(res, 200, headers, this.versionBody);
      case '/health':
        return this.health(res, method, headers);
      case '/v2/stats/store':
        if (method !== 'GET') return sendMethodNotAllowed(res, 'GET', headers);
        headers.push('Content-Type', APPLICATION_JSON);
        return sendBody(res, 200, headers, JSON.stringify(this.face.store.stats()));
      case '/v2/stats/self':
        if (method !== 'GET') return sendMethodNotAllowed(res, 'GET', headers);
        headers.push('Content-Type', APPLICATION_JSON);
        return sendBody(res, 200, headers, this.selfStatsBody());
      case '/v2/stats/leader':
        return this.leaderStats(res, method, headers);
      case '/v2/machines':
        if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, 'GET,HEAD', headers);
        headers.push('Content-Type', TEXT_PLAIN);
        return sendBody(res, 200, headers, this.clientURLs().join(', '));
      case '/v2/leader':
        return this.leaderPeerURL(res, method, headers);
      case '/metrics':
        return this.metricsText(res, headers);
      case '/debug/vars':
        return this.debugVars(res, headers);
      default:
        break;
    }
    if (path.startsWith('/v2/auth/') && handleAuth(res, method, path, this.face.clusterId, headers)) return;
    if (path === '/v2/members' || path.startsWith('/v2/members/')) {
      this.members.handle(req, res, method, path.slice('/v2/members'.length).replace(/^\//, ''), headers);
      return;
    }
    sendNotFound(res, headers);
  }

  /** What Go's server answers for an unparsable request target. */
  private badRequest(res: Http1Response): void {
    sendBody(res, 400, ['Content-Type', TEXT_PLAIN, 'Connection', 'close'], '400 Bad Request');
  }

  private redirect(res: Http1Response, method: string, clean: string, rawQuery: string, headers: HeaderList): void {
    const location = rawQuery === '' ? escapePath(clean) : `${escapePath(clean)}?${rawQuery}`;
    headers.push('Location', location.replace(/[^\x00-\x7f]/g, (c) => encodeURIComponent(c)));
    if (method === 'GET' || method === 'HEAD') {
      headers.push('Content-Type', 'text/html; charset=utf-8');
    }
    const body = method === 'GET' ? `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n` : '';
    sendBody(res, 301, headers, body);
  }

  private health(res: Http1Response, method: string, headers: HeaderList): void {
    if (method !== 'GET') return sendMethodNotAllowed(res, 'GET', headers);
    headers.push('Content-Type', TEXT_PLAIN);
    if (this.face.leaderId() === null) {
      this.metrics.healthFailures.inc();
      return sendBody(res, 503, headers, '{"health":"false"}');
    }
    this.metrics.healthSuccess.inc();
    sendBody(res, 200, headers, '{"health":"true"}');
  }

  private selfStatsBody(): string {
    const s = this.face.selfStats();
    let body =
      `{"name":${goString(s.name)},"id":${goString(s.id)},"state":"${s.state}","startTime":"${s.startTime}",` +
      `"leaderInfo":{"leader":${goString(s.leaderInfo.leader)},"uptime":"${s.leaderInfo.uptime}","startTime":"${s.leaderInfo.startTime}"},` +
      `"recvAppendRequestCnt":${s.recvAppendRequestCnt}`;
    if (s.recvPkgRate) body += `,"recvPkgRate":${s.recvPkgRate}`;
    if (s.recvBandwidthRate) body += `,"recvBandwidthRate":${s.recvBandwidthRate}`;
    body += `,"sendAppendRequestCnt":${s.sendAppendRequestCnt}`;
    if (s.sendPkgRate) body += `,"sendPkgRate":${s.sendPkgRate}`;
    if (s.sendBandwidthRate) body += `,"sendBandwidthRate":${s.sendBandwidthRate}`;
    return `${body}}`;
  }

  private leaderStats(res: Http1Response, method: string, headers: HeaderList): void {
    if (method !== 'GET') return sendMethodNotAllowed(res, 'GET', headers);
    const stats = this.face.leaderStats();
    headers.push('Content-Type', APPLICATION_JSON);
    if (stats === null) return sendBody(res, 403, headers, '{"message":"not current leader"}');
    sendBody(res, 200, headers, JSON.stringify({ leader: stats.leader, followers: stats.followers }));
  }

  private clientURLs(): string[] {
    const urls: string[] = [];
    for (const m of this.face.members()) urls.push(...m.clientURLs);
    return urls.sort();
  }

  private leaderPeerURL(res: Http1Response, method: string, headers: HeaderList): void {
    if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, 'GET,HEAD', headers);
    const leader = this.face.leaderId();
    const member = leader === null ? undefined : this.face.members().find((m) => m.id === leader);
    if (member === undefined || member.peerURLs.length === 0) {
      headers.push('Content-Type', APPLICATION_JSON);
      return sendBody(res, 500, headers, `{"errorCode":301,"message":"During Leader Election","index":${this.face.store.index}}\n`);
    }
    headers.push('Content-Type', TEXT_PLAIN);
    sendBody(res, 200, headers, member.peerURLs[0]!);
  }

  /** expvar-style JSON: one `"name": value` per line, as Go's expvar handler writes it. */
  private debugVars(res: Http1Response, headers: HeaderList): void {
    const mem = process.memoryUsage();
    const leader = this.face.leaderId();
    const vars: [string, unknown][] = [
      ['cmdline', process.argv],
      ['memstats', { Alloc: mem.heapUsed, Sys: mem.rss, HeapAlloc: mem.heapUsed, HeapSys: mem.heapTotal, External: mem.external }],
      [
        'raft.status',
        {
          id: this.face.memberId,
          term: this.face.raftTerm(),
          commit: this.face.raftIndex(),
          lead: leader ?? '0',
          raftState: this.face.selfStats().state,
        },
      ],
    ];
    headers.push('Content-Type', 'application/json; charset=utf-8');
    sendBody(res, 200, headers, `{\n${vars.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
  }

  private metricsText(res: Http1Response, headers: HeaderList): void {
    this.metrics.text().then(
      (text) => {
        headers.push('Content-Type', this.metrics.registry.contentType);
        sendBody(res, 200, headers, text);
      },
      (err: unknown) => sendInternalError(res, err),
    );
  }
}
