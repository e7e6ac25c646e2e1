/** The typed etcd v2 client: keys, watches, members, stats, version and health over a failover transport. */
import { ClusterTransport, type CallBounds, type RequestShape } from './cluster-transport.js';
import { cleanPath, keysPath, encodeParams } from './key-path.js';
import { passesFilter, type WatchFilter } from '../store/watch-filter.js';
import { decodeKeysReply } from './reply-decoder.js';
import { Watcher } from './watcher.js';
import { InvalidResponseError, MembersApiError } from './errors.js';
import type { HttpReply } from './http-exchange.js';
import type {
  CallOptions,
  CompareAndSwapOptions,
  CompareOptions,
  CreateInOrderOptions,
  DeleteOptions,
  EtcdClientOptions,
  EtcdResponse,
  GetOptions,
  HealthInfo,
  Member,
  SetOptions,
  StatsDocument,
  TtlOptions,
  VersionInfo,
  WatchOptions,
} from './types.js';

const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

function withQuery(path: string, params: Record<string, string>): string {
  const q = encodeParams(params);
  return q === '' ? path : `${path}?${q}`;
}

function parseJsonOrThrow(reply: HttpReply): unknown {
  try {
    return JSON.parse(reply.body);
  } catch {
    throw new InvalidResponseError(reply.status);
  }
}

function toMember(raw: unknown): Member {
  const m = (typeof raw === 'object' && raw !== null ? raw : {}) as { [k: string]: unknown };
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    id: typeof m.id === 'string' ? m.id : '',
    name: typeof m.name === 'string' ? m.name : '',
    peerURLs: strings(m.peerURLs),
    clientURLs: strings(m.clientURLs),
  };
}

function membersError(reply: HttpReply): MembersApiError {
  let message = reply.body.trim();
  try {
    const body = JSON.parse(reply.body) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    /* keep the raw text */
  }
  return new MembersApiError(reply.status, message);
}

export class EtcdClient {
  private readonly transport: ClusterTransport;
  private readonly totalTimeoutMs: number | undefined;

  constructor(options: EtcdClientOptions) {
    this.transport = new ClusterTransport(options.endpoints, {
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      tls: options.tls,
      username: options.username,
      password: options.password,
      onRequest: options.onRequest,
    });
    this.totalTimeoutMs = options.totalTimeoutMs;
  }

  /** The endpoints in use (after sync(), the cluster's advertised client URLs). */
  get endpoints(): string[] {
    return this.transport.endpoints;
  }

  setEndpoints(endpoints: string[]): void {
    this.transport.setEndpoints(endpoints);
  }

  /** Replaces the endpoint list by the client URLs the cluster advertises in /v2/members. */
  async sync(options: CallOptions = {}): Promise<string[]> {
    const members = await this.listMembers(options);
    const urls = members.flatMap((m) => m.clientURLs).sort();
    const current = [...this.transport.endpoints].sort();
    if (urls.length > 0 && urls.join('\n') !== current.join('\n')) this.transport.setEndpoints(urls);
    return urls;
  }

  /** Frees pooled connections; the client can still be used afterwards (new connections are made). */
  close(): void {
    this.transport.close();
  }

  // ------------------------------------------------------------------ keys

  get(key: string, options: GetOptions = {}): Promise<EtcdResponse> {
    const params: Record<string, string> = {
      recursive: String(options.recursive === true),
      sorted: String(options.sorted === true),
      quorum: String(options.quorum === true),
    };
    return this.keysCall({ method: 'GET', pathAndQuery: withQuery(keysPath(key), params) }, options);
  }

  /** PUT with any combination of conditions; the other write methods are shorthands for it. */
  set(key: string, value: string, options: SetOptions = {}): Promise<EtcdResponse> {
    const params: Record<string, string> = {};
    const form: Record<string, string> = {};
    if (options.dir) {
      params.dir = 'true';
    } else {
      if (options.prevValue !== undefined && options.prevValue !== '') params.prevValue = options.prevValue;
      form.value = value;
    }
    if (options.prevIndex !== undefined && options.prevIndex > 0) params.prevIndex = String(options.prevIndex);
    if (options.prevExist !== undefined) params.prevExist = String(options.prevExist);
    if (options.ttl !== undefined) form.ttl = String(options.ttl);
    if (options.refresh) form.refresh = 'true';
    return this.keysCall(
      {
        method: 'PUT',
        pathAndQuery: withQuery(keysPath(key), params),
        body: encodeParams(form),
        contentType: 'application/x-www-form-urlencoded',
      },
      options,
    );
  }

  /** Creates a key that must not exist yet (etcd error 105 otherwise). */
  create(key: string, value: string, options: TtlOptions = {}): Promise<EtcdResponse> {
    return this.set(key, value, { ...options, prevExist: false });
  }

  /** Creates a uniquely, increasingly named child of the directory `dir` (POST). */
  createInOrder(dir: string, value: string, options: CreateInOrderOptions = {}): Promise<EtcdResponse> {
    const form: Record<string, string> = { value };
    if (options.ttl !== undefined) form.ttl = String(options.ttl);
    return this.keysCall(
      {
        method: 'POST',
        pathAndQuery: withQuery(keysPath(dir), options.dir ? { dir: 'true' } : {}),
        body: encodeParams(form),
        contentType: 'application/x-www-form-urlencoded',
      },
      options,
    );
  }

  /** Changes an existing key (etcd error 100 when it is missing). Omitting ttl makes it permanent. */
  update(key: string, value: string, options: TtlOptions = {}): Promise<EtcdResponse> {
    return this.set(key, value, { ...options, prevExist: true });
  }

  /** Creates a directory that must not exist yet. */
  mkdir(key: string, options: TtlOptions = {}): Promise<EtcdResponse> {
    return this.set(key, '', { ...options, dir: true, prevExist: false });
  }

  /** Changes the TTL of an existing directory (no ttl: permanent). */
  updateDir(key: string, options: TtlOptions = {}): Promise<EtcdResponse> {
    return this.set(key, '', { ...options, dir: true, prevExist: true });
  }

  delete(key: string, options: DeleteOptions = {}): Promise<EtcdResponse> {
    const params: Record<string, string> = {};
    if (options.prevValue !== undefined && options.prevValue !== '') params.prevValue = options.prevValue;
    if (options.prevIndex !== undefined && options.prevIndex > 0) params.prevIndex = String(options.prevIndex);
    if (options.dir) params.dir = 'true';
    if (options.recursive) params.recursive = 'true';
    return this.keysCall({ method: 'DELETE', pathAndQuery: withQuery(keysPath(key), params) }, options);
  }

  /** Removes an empty directory (or a key). */
  rmdir(key: string, options: CallOptions = {}): Promise<EtcdResponse> {
    return this.delete(key, { ...options, dir: true });
  }

  /** Replaces the value only if the current one matches prevValue and/or prevIndex (etcd error 101 otherwise). */
  compareAndSwap(key: string, value: string, options: CompareAndSwapOptions): Promise<EtcdResponse> {
    return this.set(key, value, options);
  }

  /** Deletes only if the current value matches prevValue and/or prevIndex. */
  compareAndDelete(key: string, options: CompareOptions): Promise<EtcdResponse> {
    return this.delete(key, options);
  }

  /** Renews the TTL of an existing key or directory without changing it or waking watchers. */
  refresh(key: string, ttl: number, options: CallOptions = {}): Promise<EtcdResponse> {
    return this.set(key, '', { ...options, ttl, refresh: true, prevExist: true });
  }

  /** Waits for the next change of `key` (after `afterIndex` when given) and returns it. */
  async watchOnce(key: string, options: WatchOptions = {}): Promise<EtcdResponse> {
    const watcher = this.watch(key, options);
    try {
      const r = await watcher.next();
      if (r.done) throw new Error('watch stopped');
      return r.value;
    } finally {
      watcher.stop();
    }
  }

  /** A stream of changes of `key` (or its subtree with recursive), as an async iterator. */
  watch(key: string, options: WatchOptions = {}): Watcher {
    const base = keysPath(key);
    const maxDepth = options.level !== undefined && options.level > 0 ? options.level : null;
    const actions = options.actions !== undefined && options.actions.length > 0 ? new Set<string>(options.actions) : null;
    const filter: WatchFilter | null = maxDepth === null && actions === null ? null : { maxDepth, actions };
    const watched = cleanPath(key);
    return new Watcher(async (waitIndex, signal, onRegisteredAt) => {
      const params: Record<string, string> = {
        wait: 'true',
        waitIndex: String(waitIndex ?? 0),
        recursive: String(options.recursive === true),
      };
      if (filter?.maxDepth != null) params.level = String(filter.maxDepth);
      if (filter?.actions != null) params.filter = [...filter.actions].join(',');
      if (options.pollTimeoutMs !== undefined && options.pollTimeoutMs > 0) params.waitTimeout = `${Math.ceil(options.pollTimeoutMs)}ms`;
      const reply = await this.transport.request(
        {
          method: 'GET',
          pathAndQuery: withQuery(base, params),
          onHeaders: (status, headers) => {
            const idx = headers['x-etcd-index'];
            if (status === 200 && typeof idx === 'string' && /^\d+$/.test(idx)) onRegisteredAt(Number(idx));
          },
        },
        { signal, isWait: true },
      );
      return decodeKeysReply(reply);
    }, options, filter === null ? null : (event) => passesFilter(filter, watched, event));
  }

  // ------------------------------------------------------------------ members

  async listMembers(options: CallOptions = {}): Promise<Member[]> {
    const reply = await this.call({ method: 'GET', pathAndQuery: '/v2/members' }, options);
    if (reply.status !== 200) throw membersError(reply);
    const body = parseJsonOrThrow(reply) as { members?: unknown };
    if (!Array.isArray(body.members)) throw new InvalidResponseError(reply.status);
    return body.members.map(toMember);
  }

  async leader(options: CallOptions = {}): Promise<Member> {
    const reply = await this.call({ method: 'GET', pathAndQuery: '/v2/members/leader' }, options);
    if (reply.status !== 200) throw membersError(reply);
    return toMember(parseJsonOrThrow(reply));
  }

  async addMember(peerURLs: string[], options: CallOptions = {}): Promise<Member> {
    const reply = await this.call(
      {
        method: 'POST',
        pathAndQuery: '/v2/members',
        body: JSON.stringify({ peerURLs }),
        contentType: 'application/json',
      },
      options,
    );
    if (reply.status !== 201) throw membersError(reply);
    return toMember(parseJsonOrThrow(reply));
  }

  async removeMember(id: string, options: CallOptions = {}): Promise<void> {
    const reply = await this.call({ method: 'DELETE', pathAndQuery: `/v2/members/${encodeURIComponent(id)}` }, options);
    if (reply.status !== 204) throw membersError(reply);
  }

  async updateMember(id: string, peerURLs: string[], options: CallOptions = {}): Promise<void> {
    const reply = await this.call(
      {
        method: 'PUT',
        pathAndQuery: `/v2/members/${encodeURIComponent(id)}`,
        body: JSON.stringify({ peerURLs }),
        contentType: 'application/json',
      },
      options,
    );
    if (reply.status !== 204) throw membersError(reply);
  }

  // ------------------------------------------------------------------ stats, version, health

  selfStats(options: CallOptions = {}): Promise<StatsDocument> {
    return this.jsonDocument('/v2/stats/self', options);
  }

  leaderStats(options: CallOptions = {}): Promise<StatsDocument> {
    return this.jsonDocument('/v2/stats/leader', options);
  }

  storeStats(options: CallOptions = {}): Promise<StatsDocument> {
    return this.jsonDocument('/v2/stats/store', options);
  }

  async version(options: CallOptions = {}): Promise<VersionInfo> {
    const doc = await this.jsonDocument('/version', options);
    return {
      etcdserver: typeof doc.etcdserver === 'string' ? doc.etcdserver : '',
      etcdcluster: typeof doc.etcdcluster === 'string' ? doc.etcdcluster : '',
    };
  }

  /** Health of the member that answers (GET /health). */
  async health(options: CallOptions = {}): Promise<HealthInfo> {
    const reply = await this.call({ method: 'GET', pathAndQuery: '/health' }, options);
    const body = parseJsonOrThrow(reply) as { health?: unknown };
    return { healthy: body.health === 'true' || body.health === true };
  }

  // ------------------------------------------------------------------ plumbing

  private bounds(options: CallOptions): CallBounds {
    return { timeoutMs: options.timeoutMs ?? this.totalTimeoutMs, signal: options.signal };
  }

  private call(shape: RequestShape, options: CallOptions): Promise<HttpReply> {
    return this.transport.request(shape, this.bounds(options));
  }

  private async jsonDocument(path: string, options: CallOptions): Promise<StatsDocument> {
    const reply = await this.call({ method: 'GET', pathAndQuery: path }, options);
    if (reply.status !== 200) throw membersError(reply);
    const body = parseJsonOrThrow(reply);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidResponseError(reply.status);
    return body as StatsDocument;
  }

  private async keysCall(shape: RequestShape, options: CallOptions): Promise<EtcdResponse> {
    const reply = await this.call(shape, options);
    const response = decodeKeysReply(reply);
    if (response === null) throw new InvalidResponseError(reply.status, 'client: response body is empty');
    return response;
  }
}
