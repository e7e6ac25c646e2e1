/**
 * The fleet API over a real Registry on an in-process etcd (MemoryServer), listening on
 * 127.0.0.1:0, and a raw HTTP client that shows the exact status, headers and body bytes.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createClientServer } from '../../../../src/api/v2http/client-server.js';
import { EtcdClient } from '../../../../src/client/etcd-client.js';
import { listenFleetApi, type FleetApiListeners } from '../../../../src/fleet/api/listeners.js';
import type { FleetApiOptions } from '../../../../src/fleet/api/api-options.js';
import { createFleetApi, type FleetApiHandler } from '../../../../src/fleet/api/routes.js';
import { Registry } from '../../../../src/fleet/registry/registry.js';
import { MemoryServer } from '../../../support/memory-server.js';

export const MACHINE_ID = '2c5a1b7e000000000000000000000001';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names as sent, lower-cased, in order. */
  headerNames: string[];
  body: string;
}

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string | string[]>;
  socketPath?: string;
  /** Deadline for the whole exchange (default 5 s). */
  timeoutMs?: number;
}

/** One HTTP exchange on a fresh connection. */
export function send(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 5000;
    const req = request(
      {
        method,
        path,
        agent: false,
        headers: options.headers,
        ...(options.socketPath !== undefined ? { socketPath: options.socketPath } : { host: url.hostname, port: url.port }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const headerNames = res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
          resolve({ status: res.statusCode ?? 0, headers: res.headers, headerNames, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(options.body);
  });
}

export interface ApiHarness {
  readonly registry: Registry;
  readonly client: EtcdClient;
  readonly handler: FleetApiHandler;
  /** `http://127.0.0.1:PORT` of the API. */
  readonly base: string;
  readonly logs: string[];
  ready: boolean;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  stop(): Promise<void>;
}

export async function startApi(extra: Partial<FleetApiOptions> = {}): Promise<ApiHarness> {
  const face = new MemoryServer({ syncIntervalMs: 3_600_000 });
  const etcd = createClientServer(face);
  await new Promise<void>((r) => etcd.listen(0, '127.0.0.1', r));
  const etcdUrl = `http://127.0.0.1:${(etcd.address() as AddressInfo).port}`;
  face.clientURL = etcdUrl;
  const client = new EtcdClient({ endpoints: [etcdUrl] });
  const registry = new Registry(client);
  const logs: string[] = [];
  const state = { ready: true };
  const handler = createFleetApi({
    registry,
    machineId: MACHINE_ID,
    version: 'v1.0.0',
    tokenLimit: 100,
    isReady: () => state.ready,
    log: (line) => logs.push(line),
    ...extra,
  });
  let listeners: FleetApiListeners;
  try {
    listeners = await listenFleetApi(handler, ['127.0.0.1:0']);
  } catch (e) {
    client.close();
    face.close();
    etcd.close();
    throw e;
  }
  const base = listeners.addresses[0]!;
  return {
    registry,
    client,
    handler,
    base,
    logs,
    get ready() {
      return state.ready;
    },
    set ready(v: boolean) {
      state.ready = v;
    },
    request: (method, path, options) => send(base, method, path, options),
    async stop() {
      await listeners.close();
      client.close();
      face.close();
      etcd.closeAllConnections();
      await new Promise((r) => etcd.close(r));
    },
  };
}

/** The exact error body fleet sends. */
export function errorBody(code: number, message: string): string {
  return `{"error":{"code":${code},"message":${JSON.stringify(message)}}}`;
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
