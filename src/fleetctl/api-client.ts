/**
 * The API driver: fleet's HTTP API v1 spoken as real fleetctl 1.0 speaks it (schema/v1-gen.go):
 * every URL has `?alt=json`, PUT bodies are Go-encoded JSON with a trailing newline, list calls
 * follow `nextPageToken`, and HTTP errors read `googleapi: Error 400: <message>` or
 * `googleapi: got HTTP response code 404 with body: ...`. Also the routes Flotilla's fleetd adds
 * under `/fleet/v1/x-flotilla/` (placement failures, unit status and journal).
 */
import { goQuote } from '../etcdctl/go-json.js';
import type { UnitOption } from '../fleet/unit/unit-file.js';
import { expandPathParam, queryEscape, type ApiEndpoint } from './api-endpoint.js';
import { apiExchange, type ApiExchange, type ApiReply, type ApiTls } from './api-transport.js';
import {
  UnitNotFoundError,
  type FleetAgentAccess,
  type FleetClient,
  type FleetMachine,
  type FleetUnit,
  type FleetUnitState,
  type JournalRequest,
  type UnitStatusReport,
} from './fleet-client.js';

/** An HTTP error reply, worded as googleapi.Error prints. */
export class GoogleApiError extends Error {
  override readonly name = 'GoogleApiError';
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** googleapi.CheckResponse: the error for a non-2xx reply. */
export function googleApiError(reply: ApiReply): GoogleApiError {
  let code = reply.status;
  let message = '';
  try {
    const parsed = JSON.parse(reply.body) as { error?: { code?: unknown; message?: unknown } | null };
    const e = parsed.error;
    if (e !== null && typeof e === 'object') {
      if (typeof e.code === 'number' && e.code !== 0) code = e.code;
      if (typeof e.message === 'string') message = e.message;
    }
  } catch {
    // not fleet's error JSON: reported with the body below
  }
  if (message === '') return new GoogleApiError(code, `googleapi: got HTTP response code ${code} with body: ${reply.body}`);
  return new GoogleApiError(code, `googleapi: Error ${code}: ${message}`.trim());
}

type Json = { [key: string]: unknown };

function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function decodeUnit(raw: unknown): FleetUnit {
  const u = asObject(raw);
  return {
    name: str(u.name),
    options: list(u.options).map((o) => {
      const opt = asObject(o);
      return { section: str(opt.section), name: str(opt.name), value: str(opt.value) };
    }),
    desiredState: str(u.desiredState),
    currentState: str(u.currentState),
    machineID: str(u.machineID),
  };
}

function decodeUnitState(raw: unknown): FleetUnitState {
  const s = asObject(raw);
  return {
    name: str(s.name),
    hash: str(s.hash),
    machineID: str(s.machineID),
    systemdLoadState: str(s.systemdLoadState),
    systemdActiveState: str(s.systemdActiveState),
    systemdSubState: str(s.systemdSubState),
  };
}

function decodeMachine(raw: unknown): FleetMachine {
  const m = asObject(raw);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(m.metadata))) metadata[k] = str(v);
  return { id: str(m.id), publicIP: str(m.primaryIP), metadata, version: '' };
}

/** The create body: schema.Unit with name and options (UnitOption fields name, section, value). */
export function createUnitBody(name: string, options: readonly UnitOption[]): string {
  const opts = options
    .map((o) => `{"name":${goQuote(o.name)},"section":${goQuote(o.section)},"value":${goQuote(o.value)}}`)
    .join(',');
  return `{"name":${goQuote(name)}${options.length > 0 ? `,"options":[${opts}]` : ''}}\n`;
}

/** The state-change body: schema.Unit with desiredState and name. */
export function targetStateBody(name: string, state: string): string {
  return `${state === '' ? '{' : `{"desiredState":${goQuote(state)},`}"name":${goQuote(name)}}\n`;
}

function decodeBody(reply: ApiReply): Json {
  try {
    return asObject(JSON.parse(reply.body));
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : String(err));
  }
}

export class ApiClient implements FleetClient, FleetAgentAccess {
  readonly driver = 'API' as const;

  constructor(private readonly endpoint: ApiEndpoint, private readonly tls: ApiTls = {}) {}

  private url(path: string, params: Record<string, string> = {}): string {
    const query = Object.entries({ alt: 'json', ...params })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`)
      .join('&');
    return `${this.endpoint.baseUrl}${path}?${query}`;
  }

  private exchange(exchange: ApiExchange): Promise<ApiReply> {
    return apiExchange(this.endpoint, this.tls, exchange);
  }

  private async call(exchange: ApiExchange): Promise<ApiReply> {
    const reply = await this.exchange(exchange);
    if (reply.status < 200 || reply.status > 299) throw googleApiError(reply);
    return reply;
  }

  /** Follows nextPageToken until a page comes without one. */
  private async pages(path: string, field: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let token = '';
    for (;;) {
      const params: Record<string, string> = token === '' ? {} : { nextPageToken: token };
      const page = decodeBody(await this.call({ method: 'GET', url: this.url(path, params) }));
      items.push(...list(page[field]));
      token = str(page.nextPageToken);
      if (token === '') return items;
    }
  }

  async units(): Promise<FleetUnit[]> {
    return (await this.pages('units', 'units')).map(decodeUnit);
  }

  async unit(name: string): Promise<FleetUnit | null> {
    try {
      const reply = await this.call({ method: 'GET', url: this.url(`units/${expandPathParam(name)}`) });
      return decodeUnit(decodeBody(reply));
    } catch (err) {
      if (err instanceof GoogleApiError && err.code === 404) return null;
      throw err;
    }
  }

  async createUnit(name: string, options: readonly UnitOption[]): Promise<void> {
    await this.call({ method: 'PUT', url: this.url(`units/${expandPathParam(name)}`), body: createUnitBody(name, options) });
  }

  async destroyUnit(name: string): Promise<void> {
    try {
      await this.call({ method: 'DELETE', url: this.url(`units/${expandPathParam(name)}`) });
    } catch (err) {
      if (err instanceof GoogleApiError && err.code === 404) throw new UnitNotFoundError(err.message);
      throw err;
    }
  }

  async setUnitTargetState(name: string, state: string): Promise<void> {
    await this.call({ method: 'PUT', url: this.url(`units/${expandPathParam(name)}`), body: targetStateBody(name, state) });
  }

  async machines(): Promise<FleetMachine[]> {
    return (await this.pages('machines', 'machines')).map(decodeMachine);
  }

  async unitStates(): Promise<FleetUnitState[]> {
    return (await this.pages('state', 'states')).map(decodeUnitState);
  }

  async placementFailure(name: string): Promise<string | null> {
    try {
      const reply = await this.exchange({ method: 'GET', url: this.url(`x-flotilla/units/${expandPathParam(name)}/placement`) });
      if (reply.status !== 200) return null;
      const reason = str(decodeBody(reply).reason);
      return reason === '' ? null : reason;
    } catch {
      return null;
    }
  }

  async unitStatus(machineID: string, name: string): Promise<UnitStatusReport> {
    const path = `x-flotilla/machines/${expandPathParam(machineID)}/units/${expandPathParam(name)}/status`;
    const body = decodeBody(await this.call({ method: 'GET', url: this.url(path) }));
    return { text: str(body.text), exitCode: typeof body.exitCode === 'number' ? body.exitCode : 0 };
  }

  async unitJournal(machineID: string, name: string, request: JournalRequest, onText: (text: string) => void): Promise<void> {
    const path = `x-flotilla/machines/${expandPathParam(machineID)}/units/${expandPathParam(name)}/journal`;
    const params: Record<string, string> = { lines: String(request.lines) };
    if (request.follow) params.follow = 'true';
    await this.call({ method: 'GET', url: this.url(path, params), onData: onText });
  }
}
