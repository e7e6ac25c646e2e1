/**
 * The few v2 requests the crash test makes, over one keep-alive agent, each bounded by a timeout.
 * A transport error or timeout rejects: the outcome of such a write is unknown.
 */
import http from 'node:http';
import type { ObservedNode } from './key-model.js';

export interface V2Answer {
  readonly status: number;
  /** X-Etcd-Index, when the server sent it. */
  readonly etcdIndex: number | null;
  readonly body: V2Body;
}

export interface V2NodeBody {
  key?: string;
  value?: string;
  dir?: boolean;
  modifiedIndex?: number;
  createdIndex?: number;
  expiration?: string;
  ttl?: number;
  nodes?: V2NodeBody[];
}

export interface V2Body {
  action?: string;
  node?: V2NodeBody;
  errorCode?: number;
  message?: string;
  index?: number;
}

export type WriteParams = Record<string, string | number | boolean>;

export class V2Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  private readonly url: URL;

  constructor(baseURL: string, private readonly timeoutMs: number) {
    this.url = new URL(baseURL);
  }

  close(): void {
    this.agent.destroy();
  }

  private request(method: string, path: string, form: string | null): Promise<V2Answer> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = form === null
        ? {}
        : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form) };
      const req = http.request({ agent: this.agent, host: this.url.hostname, port: this.url.port, method, path, headers, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: V2Body = {};
          try {
            body = text === '' ? {} : (JSON.parse(text) as V2Body);
          } catch {
            reject(new Error(`${method} ${path}: answer ${res.statusCode} is not JSON: ${text.slice(0, 200)}`));
            return;
          }
          const header = res.headers['x-etcd-index'];
          const etcdIndex = typeof header === 'string' && header !== '' ? Number(header) : null;
          resolve({ status: res.statusCode ?? 0, etcdIndex, body });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(form ?? undefined);
    });
  }

  /** PUT /v2/keys<key> with a form body (value, ttl, prevValue, prevIndex, prevExist...). */
  put(key: string, params: WriteParams): Promise<V2Answer> {
    const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return this.request('PUT', `/v2/keys${key}`, form);
  }

  /** DELETE /v2/keys<key>, with conditions (prevValue, prevIndex) as query parameters. */
  delete(key: string, conditions: WriteParams = {}): Promise<V2Answer> {
    const query = new URLSearchParams(Object.entries(conditions).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return this.request('DELETE', `/v2/keys${key}${query === '' ? '' : `?${query}`}`, null);
  }

  get(key: string, query: string): Promise<V2Answer> {
    return this.request('GET', `/v2/keys${key}${query}`, null);
  }
}

/** The observable part of an answered node. */
export function observedNode(node: V2NodeBody): ObservedNode {
  return {
    value: node.value ?? '',
    modifiedIndex: node.modifiedIndex ?? -1,
    ...(node.expiration !== undefined ? { expiration: node.expiration } : {}),
    ...(node.ttl !== undefined ? { ttl: node.ttl } : {}),
  };
}

/** Every leaf key under a recursive GET's node, with its observable state. */
export function flattenLeaves(node: V2NodeBody | undefined, into = new Map<string, ObservedNode>()): Map<string, ObservedNode> {
  if (!node) return into;
  if (node.dir) {
    for (const child of node.nodes ?? []) flattenLeaves(child, into);
  } else if (node.key !== undefined) {
    into.set(node.key, observedNode(node));
  }
  return into;
}
