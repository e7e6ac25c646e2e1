/**
 * One HTTP exchange with fleet's API as fleetctl (Go net/http, google-api-go-client) makes it:
 * `User-Agent: google-api-go-client/0.5`, `Host: domain-sock` over a unix socket, and failures
 * worded as Go 1.7 words a url.Error (`Get http://domain-sock/fleet/v1/state?alt=json: dial unix
 * /var/run/fleet.sock: connect: no such file or directory`).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { describeSocketFailure } from '../client/socket-error-text.js';
import type { ApiEndpoint } from './api-endpoint.js';

export const USER_AGENT = 'google-api-go-client/0.5';

export interface ApiTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ApiReply {
  status: number;
  body: string;
  contentType: string;
}

/** A failed exchange; the message is the whole url.Error text. */
export class ApiTransportError extends Error {
  override readonly name = 'ApiTransportError';
}

/** `Get`, `Put`, `Delete`: the operation word of Go's url.Error. */
function urlErrorOp(method: string): string {
  return method.slice(0, 1) + method.slice(1).toLowerCase();
}

function unixDialError(err: unknown, socketPath: string): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return `dial unix ${socketPath}: connect: no such file or directory`;
    case 'ECONNREFUSED':
      return `dial unix ${socketPath}: connect: connection refused`;
    case 'EACCES':
      return `dial unix ${socketPath}: connect: permission denied`;
    case 'ENOTSOCK':
      return `dial unix ${socketPath}: connect: socket operation on non-socket`;
    case 'ECONNRESET':
      return 'EOF';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

export interface ApiExchange {
  method: 'GET' | 'PUT' | 'DELETE';
  /** Full URL (for errors and for http(s) requests). */
  url: string;
  body?: string;
  /** Called with each piece of the body as it arrives (streaming); the reply's body is then ''. */
  onData?: (text: string) => void;
}

/** Performs one exchange; rejects with ApiTransportError when no HTTP reply came back. */
export function apiExchange(endpoint: ApiEndpoint, tls: ApiTls, exchange: ApiExchange): Promise<ApiReply> {
  const op = urlErrorOp(exchange.method);
  const target = new URL(exchange.url);
  if (endpoint.unsupportedScheme !== undefined) {
    return Promise.reject(
      new ApiTransportError(`${op} ${exchange.url}: unsupported protocol scheme ${JSON.stringify(endpoint.unsupportedScheme)}`),
    );
  }
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
  if (exchange.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(exchange.body));
  }
  const path = target.pathname + target.search;
  const isHttps = target.protocol === 'https:' && endpoint.socketPath === undefined;
  const options: https.RequestOptions = { method: exchange.method, path, headers, agent: false };
  if (endpoint.socketPath !== undefined) {
    options.socketPath = endpoint.socketPath;
    headers.Host = 'domain-sock';
  } else {
    options.hostname = target.hostname.replace(/^\[|\]$/g, '');
    options.port = target.port === '' ? (isHttps ? 443 : 80) : Number(target.port);
  }
  if (isHttps) {
    try {
      if (tls.caFile) options.ca = readFileSync(tls.caFile);
      if (tls.certFile) options.cert = readFileSync(tls.certFile);
      if (tls.keyFile) options.key = readFileSync(tls.keyFile);
    } catch (err) {
      return Promise.reject(new ApiTransportError(err instanceof Error ? err.message : String(err)));
    }
  }
  return new Promise<ApiReply>((resolve, reject) => {
    const fail = (err: unknown): void => {
      const text =
        endpoint.socketPath !== undefined
          ? unixDialError(err, endpoint.socketPath)
          : describeSocketFailure(err, target.hostname, target.port === '' ? (isHttps ? '443' : '80') : target.port).text;
      reject(new ApiTransportError(`${op} ${exchange.url}: ${text}`));
    };
    const req = (isHttps ? https : http).request(options, (res) => {
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (chunk: string) => {
        if (exchange.onData !== undefined && res.statusCode !== undefined && res.statusCode < 300) exchange.onData(chunk);
        else body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, contentType: String(res.headers['content-type'] ?? '') }),
      );
      res.on('error', fail);
    });
    req.on('error', fail);
    if (exchange.body !== undefined) req.write(exchange.body);
    req.end();
  });
}
