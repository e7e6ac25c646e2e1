/**
 * The ports of a 0.4 standby. A standby is not a Raft member and holds no data: its client port
 * answers every request with `307 Temporary Redirect` to the leader's client URL (same path and
 * query), or with error 402 `Standby Internal Error` (HTTP 400, index 0) when it knows no leader;
 * its peer port answers 404 to everything.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Http1Handler } from '../../http1/index.js';

export interface StandbyFace {
  /** The client URL of the leader the standby last learned of, or null. */
  leaderClientURL(): string | null;
}

const STANDBY_ERROR_BODY = '{"errorCode":402,"message":"Standby Internal Error","index":0}\n';

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

/** Where a standby sends this request: the leader's client URL with the request's path and query. */
export function standbyRedirectLocation(leaderClientURL: string, requestURL: string): string {
  const base = new URL(leaderClientURL);
  let target = requestURL;
  if (target.charCodeAt(0) !== 47) {
    try {
      const u = new URL(target);
      target = u.pathname + u.search;
    } catch {
      target = '/';
    }
  }
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  return `${base.protocol}//${base.host}${target}`;
}

/** The standby's client port, served on the lean HTTP/1.1 server like the member client port. */
export function createStandbyClientHandler(face: StandbyFace): Http1Handler {
  return (req, res) => {
    const leader = face.leaderClientURL();
    let location: string | null = null;
    if (leader !== null && leader !== '') {
      try {
        location = standbyRedirectLocation(leader, req.url);
      } catch {
        location = null;
      }
    }
    if (location === null) {
      res.writeHead(400, ['Content-Type', 'application/json', 'X-Etcd-Index', '0', 'Content-Length', String(STANDBY_ERROR_BODY.length)]);
      res.end(STANDBY_ERROR_BODY);
      return;
    }
    const body = req.method === 'GET' ? `<a href="${htmlEscape(location)}">Temporary Redirect</a>.\n\n` : '';
    const headers = ['Location', location, 'Content-Length', String(Buffer.byteLength(body))];
    if (req.method === 'GET' || req.method === 'HEAD') headers.push('Content-Type', 'text/html; charset=utf-8');
    res.writeHead(307, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

export function createStandbyPeerHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  const body = '404 page not found\n';
  return (req, res) => {
    req.resume();
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': String(body.length) });
    res.end(body);
  };
}
