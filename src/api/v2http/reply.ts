/**
 * Small writers shared by the client-port handlers. Header lists are flat `[name, value, ...]` arrays
 * (the cheapest form `writeHead` accepts); CORS headers are appended by the caller-supplied list.
 */
import type { Http1Response } from '../../http1/index.js';

import { goString } from './go-json.js';

export type HeaderList = string[];

export const TEXT_PLAIN = 'text/plain; charset=utf-8';
export const APPLICATION_JSON = 'application/json';

/** Writes a complete response with an explicit Content-Length. */
export function sendBody(res: Http1Response, status: number, headers: HeaderList, body: string): void {
  headers.push('Content-Length', String(Buffer.byteLength(body)));
  res.writeHead(status, headers);
  res.end(body);
}

/** Go's http.Error: text/plain, nosniff, message plus newline. */
export function sendHttpError(res: Http1Response, status: number, message: string, base: HeaderList): void {
  base.push('Content-Type', TEXT_PLAIN, 'X-Content-Type-Options', 'nosniff');
  sendBody(res, status, base, `${message}\n`);
}

/** 405 with an Allow header, as etcd's allowMethod answers. */
export function sendMethodNotAllowed(res: Http1Response, allow: string, base: HeaderList): void {
  base.push('Allow', allow);
  sendHttpError(res, 405, 'Method Not Allowed', base);
}

/** Go's http.NotFound. */
export function sendNotFound(res: Http1Response, base: HeaderList): void {
  sendHttpError(res, 404, '404 page not found', base);
}

/**
 * Everything that goes wrong inside a handler ends here instead of in the process: a 500 in etcd's
 * JSON error style (or a reset connection when the headers are already out).
 */
export function sendInternalError(res: Http1Response, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  const body = `{"errorCode":300,"message":"Raft Internal Error","cause":${goString(message)},"index":0}\n`;
  sendBody(res, 500, ['Content-Type', APPLICATION_JSON, 'X-Etcd-Index', '0'], body);
}
