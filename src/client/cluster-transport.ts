/**
 * Sends requests to an etcd cluster: tries the pinned endpoint first, fails over to the next one on
 * connection errors and 5xx replies, and bounds the whole call by a total timeout.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { sendRequest, ExchangeAborted, type HttpReply, type HttpRequestSpec, type EndpointAgents } from './http-exchange.js';
import { CallAbortedError, ClusterUnavailableError, EndpointError, TotalTimeoutError } from './errors.js';
import type { OutgoingRequest, TlsOptions } from './types.js';

export interface TransportOptions {
  requestTimeoutMs: number;
  tls?: TlsOptions;
  username?: string;
  password?: string;
  onRequest?: (request: OutgoingRequest) => void;
}

export interface CallBounds {
  /** Bound on the whole call; undefined or 0 means none. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Long-polling request: no header timeout. */
  isWait?: boolean;
}

export type RequestShape = Omit<HttpRequestSpec, 'headerTimeoutMs' | 'authorization'>;

/** Turns an endpoint string into a URL; a missing scheme means http. */
export function parseEndpoint(text: string): URL {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`;
  return new URL(withScheme);
}

function endpointString(u: URL): string {
  return u.href.replace(/\/$/, '');
}

export class ClusterTransport {
  private urls: URL[];
  private pinned = 0;
  private readonly agents: EndpointAgents;
  private readonly authorization: string | undefined;

  constructor(endpoints: string[], private readonly options: TransportOptions) {
    this.urls = endpoints.map(parseEndpoint);
    const tls = options.tls ?? {};
    const ca = tls.ca ?? (tls.caFile ? readFileSync(tls.caFile) : undefined);
    const cert = tls.cert ?? (tls.certFile ? readFileSync(tls.certFile) : undefined);
    const key = tls.key ?? (tls.keyFile ? readFileSync(tls.keyFile) : undefined);
    this.agents = {
      http: new http.Agent({ keepAlive: true }),
      https: new https.Agent({ keepAlive: true, ca, cert, key, servername: tls.serverName }),
    };
    this.authorization =
      options.username !== undefined && options.username !== ''
        ? 'Basic ' + Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')
        : undefined;
  }

  get endpoints(): string[] {
    return this.urls.map(endpointString);
  }

  setEndpoints(endpoints: string[]): void {
    this.urls = endpoints.map(parseEndpoint);
    this.pinned = 0;
  }

  /** The endpoint requests go to first. */
  get pinnedEndpoint(): string | undefined {
    const u = this.urls[this.pinned];
    return u ? endpointString(u) : undefined;
  }

  async request(shape: RequestShape, bounds: CallBounds = {}): Promise<HttpReply> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    if (bounds.timeoutMs !== undefined && bounds.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, bounds.timeoutMs);
    }
    const outer = bounds.signal;
    const onOuterAbort = (): void => controller.abort();
    if (outer) {
      if (outer.aborted) controller.abort();
      else outer.addEventListener('abort', onOuterAbort);
    }
    const spec: HttpRequestSpec = {
      ...shape,
      headerTimeoutMs: bounds.isWait ? 0 : this.options.requestTimeoutMs,
      authorization: this.authorization,
    };
    const failures: EndpointError[] = [];
    try {
      const count = this.urls.length;
      if (count === 0) throw new ClusterUnavailableError([]);
      const start = this.pinned;
      for (let i = start; i < start + count; i++) {
        const k = i % count;
        const url = this.urls[k]!;
        let reply: HttpReply;
        this.options.onRequest?.({ method: spec.method, url: endpointString(url) + spec.pathAndQuery, body: spec.body });
        try {
          reply = await sendRequest(url, spec, this.agents, controller.signal);
        } catch (err) {
          if (err instanceof ExchangeAborted || controller.signal.aborted) {
            throw timedOut ? new TotalTimeoutError() : new CallAbortedError();
          }
          if (err instanceof EndpointError) {
            failures.push(err);
            continue;
          }
          throw err;
        }
        if (Math.floor(reply.status / 100) === 5) {
          const ep = endpointString(url);
          const text =
            reply.status === 500 || reply.status === 503
              ? `client: etcd member ${ep} has no leader`
              : `client: etcd member ${ep} returns server error [${STATUS_CODES[reply.status] ?? reply.status}]`;
          failures.push(new EndpointError(ep, text, false));
          continue;
        }
        this.pinned = k;
        return reply;
      }
      throw new ClusterUnavailableError(failures);
    } finally {
      if (timer) clearTimeout(timer);
      if (outer) outer.removeEventListener('abort', onOuterAbort);
    }
  }

  /** Frees pooled connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
