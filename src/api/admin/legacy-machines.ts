/**
 * `GET /v2/machines` (and its alias `/v2/peers`) as etcd 0.4 answers it: the members' client URLs
 * joined by `", "`, the leader's first, the others after it in name order. etcd 2.x and 3.4 sort all
 * URLs instead, and that stays the client port's default; this route is put in front of the client
 * handler only when 0.4 behaviour is asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Http1Request, Http1Response } from '../../http1/index.js';
import type { MemberInfo } from '../v2http/server-face.js';

export interface LegacyMachinesFace {
  members(): readonly MemberInfo[];
  leaderId(): string | null;
}

/** The client URLs in 0.4 order. */
export function legacyMachineURLs(members: readonly MemberInfo[], leaderId: string | null): string[] {
  const leader = members.find((m) => m.id === leaderId);
  const others = members
    .filter((m) => m !== leader)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const urls: string[] = [];
  for (const m of leader === undefined ? others : [leader, ...others]) urls.push(...m.clientURLs);
  return urls;
}

/** Answers GET/HEAD `/v2/machines` and `/v2/peers`; false for every other request. */
export function createLegacyMachinesRoute(face: LegacyMachinesFace): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== '/v2/machines' && path !== '/v2/peers') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const body = legacyMachineURLs(face.members(), face.leaderId()).join(', ');
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** The same route for the client port's lean HTTP/1.1 server. */
export function createLegacyMachinesHttp1Route(face: LegacyMachinesFace): (req: Http1Request, res: Http1Response) => boolean {
  return (req, res) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (path !== '/v2/machines' && path !== '/v2/peers') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const body = legacyMachineURLs(face.members(), face.leaderId()).join(', ');
    res.writeHead(200, ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))]);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
