/**
 * What every etcdctl command shares: the global flags, the client built from them (endpoints from
 * flags or environment, TLS, timeouts, credentials), the member-list sync before a command, and
 * etcdctl's way of reporting an error and exiting.
 */
import { readFileSync } from 'node:fs';
import {
  EtcdClient,
  EtcdError,
  ClusterUnavailableError,
  TotalTimeoutError,
  type TlsOptions,
  type OutgoingRequest,
} from '../client/index.js';
import type { ParsedFlags } from '../go/flags.js';
import { CtlExit, EXIT, type CtlIO } from './ctl-io.js';
import { discoverEndpoints } from './srv-discovery.js';

const DEFAULT_ENDPOINTS = 'http://127.0.0.1:2379,http://127.0.0.1:4001';

/** Mirrors Go's url.Parse checks that matter here, then adds http:// when the scheme is missing. */
export function normalizeEndpoint(text: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text)) return text;
  const firstSegment = text.split('/')[0]!;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text) && firstSegment.includes(':')) {
    throw new Error(`parse "${text}": first path segment in URL cannot contain colon`);
  }
  return `http://${text}`;
}

export class CtlSession {
  private client: EtcdClient | undefined;

  constructor(readonly io: CtlIO, readonly globals: ParsedFlags) {}

  get output(): string {
    return this.globals.string('output');
  }

  /** --debug: report the endpoints and every request as a curl command line on stderr. */
  get debug(): boolean {
    return this.globals.bool('debug');
  }

  get totalTimeoutMs(): number {
    return this.globals.number('total-timeout');
  }

  private env(name: string): string {
    return this.io.env[name] ?? '';
  }

  private discoveryDomain(): { domain: string; insecure: boolean; serviceName: string } {
    return {
      domain: this.globals.string('discovery-srv') || this.env('ETCDCTL_DISCOVERY_SRV'),
      insecure: this.globals.bool('insecure-discovery') || this.env('ETCDCTL_INSECURE_DISCOVERY') !== '',
      serviceName: this.env('ETCDCTL_DISCOVERY_SRV_NAME'),
    };
  }

  /** Endpoints from DNS SRV discovery when a domain is given, else from the flags and environment. */
  async endpoints(): Promise<string[]> {
    const { domain, insecure, serviceName } = this.discoveryDomain();
    if (domain !== '') {
      const found = await discoverEndpoints(domain, serviceName);
      const kept = insecure
        ? found
        : found.filter((ep) => {
            if (!ep.startsWith('http://')) return true;
            this.io.stderr(`ignoring discovered insecure endpoint ${JSON.stringify(ep)}\n`);
            return false;
          });
      if (kept.length > 0) return kept;
    }
    return this.configuredEndpoints();
  }

  private configuredEndpoints(): string[] {
    const g = this.globals;
    const text =
      g.string('endpoints') ||
      this.env('ETCDCTL_ENDPOINTS') ||
      g.string('endpoint') ||
      this.env('ETCDCTL_ENDPOINT') ||
      g.string('peers') ||
      this.env('ETCDCTL_PEERS') ||
      DEFAULT_ENDPOINTS;
    return text.split(',').map(normalizeEndpoint);
  }

  /** TLS material named by --ca-file/--cert-file/--key-file or ETCDCTL_CA_FILE/_CERT_FILE/_KEY_FILE. */
  tlsOptions(): TlsOptions {
    const caFile = this.globals.string('ca-file') || this.env('ETCDCTL_CA_FILE');
    const certFile = this.globals.string('cert-file') || this.env('ETCDCTL_CERT_FILE');
    const keyFile = this.globals.string('key-file') || this.env('ETCDCTL_KEY_FILE');
    const tls: TlsOptions = {};
    if (caFile) tls.ca = readFileSync(caFile);
    if (certFile) tls.cert = readFileSync(certFile);
    if (keyFile) tls.key = readFileSync(keyFile);
    const { domain, insecure } = this.discoveryDomain();
    if (domain !== '' && !insecure) tls.serverName = domain;
    return tls;
  }

  /** --username user:password, or user alone and the password asked for. */
  private async credentials(): Promise<{ username?: string; password?: string }> {
    const flag = this.globals.string('username') || this.env('ETCDCTL_USERNAME');
    if (flag === '') return {};
    const colon = flag.indexOf(':');
    if (colon !== -1) return { username: flag.slice(0, colon), password: flag.slice(colon + 1) };
    const password = this.io.promptSecret ? await this.io.promptSecret('Password: ') : '';
    return { username: flag, password };
  }

  /** The client, without syncing the member list. Exits 1 on bad endpoints or unreadable TLS files. */
  async rawClient(): Promise<EtcdClient> {
    if (this.client) return this.client;
    try {
      const endpoints = await this.endpoints();
      const tls = this.tlsOptions();
      this.client = new EtcdClient({
        endpoints,
        requestTimeoutMs: this.globals.number('timeout'),
        tls,
        ...(await this.credentials()),
        onRequest: this.debug ? (r) => this.io.stderr(`cURL Command: ${curlCommand(r)}\n`) : undefined,
      });
    } catch (err) {
      this.io.stderr(`${goErrorText(err)}\n`);
      throw new CtlExit(EXIT.badArgs);
    }
    return this.client;
  }

  /** The client without the sync, as cluster-health uses it. */
  async unsyncedClient(): Promise<EtcdClient> {
    const client = await this.rawClient();
    if (this.debug) this.io.stderr(`Cluster-Endpoints: ${client.endpoints.join(', ')}\n`);
    return client;
  }

  /** The client after the member-list sync (unless --no-sync), as etcdctl's key and member commands use it. */
  async syncedClient(): Promise<EtcdClient> {
    const client = await this.rawClient();
    if (!this.globals.bool('no-sync')) await this.sync(client);
    if (this.debug) this.io.stderr(`Cluster-Endpoints: ${client.endpoints.join(', ')}\n`);
    return client;
  }

  private async sync(client: EtcdClient): Promise<void> {
    if (this.debug) this.io.stderr(`start to sync cluster using endpoints(${client.endpoints.join(',')})\n`);
    try {
      const members = await client.listMembers({ timeoutMs: this.totalTimeoutMs });
      const urls = members.flatMap((m) => m.clientURLs).sort();
      if (urls.length === 0) {
        this.io.stderr('etcd cluster has no published client endpoints.\n');
        this.io.stderr(
          `Try '--no-sync' if you want to access non-published client endpoints(${client.endpoints.join(',')}).\n`,
        );
        this.fail(EXIT.serverError, new Error('client: no endpoints available'));
      }
      const current = [...client.endpoints].sort();
      if (urls.join('\n') !== current.join('\n')) client.setEndpoints(urls);
    } catch (err) {
      if (err instanceof CtlExit) throw err;
      if (isConnectionError(err)) this.fail(EXIT.badConnection, err);
    }
    if (this.debug) this.io.stderr(`got endpoints(${client.endpoints.join(',')}) after sync\n`);
  }

  /** Prints `Error:  <err>` (plus the per-endpoint detail of a cluster error) and exits with code. */
  fail(code: number, err: unknown): never {
    let text = `Error:  ${goErrorText(err)}\n`;
    if (err instanceof ClusterUnavailableError) text += err.detail() + '\n';
    this.io.stderr(text);
    throw new CtlExit(code);
  }

  close(): void {
    this.client?.close();
  }
}

/** A request as the curl command that repeats it, in the wording of etcd's client debug output. */
export function curlCommand(r: OutgoingRequest): string {
  let command = `curl -X ${r.method} ${r.url}`;
  if (r.body !== undefined) command += ` -d ${goQuoteString(r.body)}`;
  return command;
}

/** Go's strconv.Quote for the ASCII text of request bodies. */
function goQuoteString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** The text Go's etcd client gives for an error. */
export function goErrorText(err: unknown): string {
  if (err instanceof EtcdError) return err.describe();
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const path = (err as NodeJS.ErrnoException).path;
    if (code === 'ENOENT' && path) return `open ${path}: no such file or directory`;
    if (code === 'EACCES' && path) return `open ${path}: permission denied`;
    return err.message;
  }
  return String(err);
}

function isConnectionError(err: unknown): boolean {
  if (err instanceof TotalTimeoutError) return true;
  return err instanceof ClusterUnavailableError && err.allConnectionFailures;
}
