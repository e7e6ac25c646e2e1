/** One HTTP request to one endpoint, with a bound on the wait for the response headers. */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { EndpointError } from './errors.js';
import { describeSocketFailure } from './socket-error-text.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HttpRequestSpec {
  method: HttpMethod;
  /** Escaped path plus query string, starting with '/'. */
  pathAndQuery: string;
  body?: string;
  contentType?: string;
  /** Bound on connecting and waiting for the headers; 0 means none. */
  headerTimeoutMs: number;
  authorization?: string;
  /** Called as soon as the status line and headers arrive (before the body). */
  onHeaders?: (status: number, headers: IncomingHttpHeaders) => void;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Raised when the exchange was cut short by the caller's AbortSignal. */
export class ExchangeAborted extends Error {
  constructor() {
    super('aborted');
  }
}

export interface EndpointAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Raised when a pooled keep-alive connection turned out to be closed by the server before it answered. */
class StaleConnection extends Error {}

/**
 * Sends the request. A pooled connection the server had already closed is not a failure of the
 * member: the request is sent once more on a fresh connection.
 */
export async function sendRequest(
  endpoint: URL,
  spec: HttpRequestSpec,
  agents: EndpointAgents,
  signal: AbortSignal,
): Promise<HttpReply> {
  try {
    return await sendOnce(endpoint, spec, agents, signal, true);
  } catch (err) {
    if (err instanceof StaleConnection) return sendOnce(endpoint, spec, agents, signal, false);
    throw err;
  }
}

function sendOnce(
  endpoint: URL,
  spec: HttpRequestSpec,
  agents: EndpointAgents,
  signal: AbortSignal,
  mayBeStale: boolean,
): Promise<HttpReply> {
  const endpointText = endpoint.href.replace(/\/$/, '');
  const isTls = endpoint.protocol === 'https:';
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (spec.body !== undefined) {
    headers['content-type'] = spec.contentType ?? 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(spec.body));
  }
  if (spec.authorization) headers.authorization = spec.authorization;
  const port = endpoint.port || (isTls ? '443' : '80');
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');

  return new Promise<HttpReply>((resolve, reject) => {
    if (signal.aborted) {
      reject(new ExchangeAborted());
      return;
    }
    let settled = false;
    let headerTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (headerTimer) clearTimeout(headerTimer);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const options: https.RequestOptions = {
      method: spec.method,
      host,
      port,
      path: basePath + spec.pathAndQuery,
      headers,
      agent: isTls ? agents.https : agents.http,
    };
    const req = (isTls ? https : http).request(options, (res) => {
      if (headerTimer) {
        clearTimeout(headerTimer);
        headerTimer = undefined;
      }
      spec.onHeaders?.(res.statusCode ?? 0, res.headers);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        finish(() =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        ),
      );
      res.on('error', (err) => finish(() => reject(failure(err))));
      res.on('aborted', () => finish(() => reject(new EndpointError(endpointText, 'unexpected EOF', false))));
    });
    const failure = (err: unknown): EndpointError => {
      const f = describeSocketFailure(err, host, port);
      return new EndpointError(endpointText, f.text, f.isConnectionFailure);
    };
    const onAbort = (): void => {
      finish(() => reject(new ExchangeAborted()));
      req.destroy();
    };
    signal.addEventListener('abort', onAbort);
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const staleReuse =
        mayBeStale && req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      finish(() => reject(staleReuse ? new StaleConnection(err.message) : failure(err)));
    });
    if (spec.headerTimeoutMs > 0) {
      headerTimer = setTimeout(() => {
        finish(() =>
          reject(new EndpointError(endpointText, `client: endpoint ${endpointText} exceeded header timeout`, false)),
        );
        req.destroy();
      }, spec.headerTimeoutMs);
    }
    req.end(spec.body);
  });
}
