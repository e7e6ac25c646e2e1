/**
 * fleetd's HTTP API v1, as fleet 1.0.0 serves it (api/mux.go and its resources), mounted under
 * `/fleet/v1` and `/v1-alpha`, plus `/metrics` and Flotilla's own `/fleet/v1/x-flotilla/` routes.
 * Every answer carries `Server: fleetd/<version>`; while fleetd cannot reach etcd every request is
 * answered 503 `fleet server unable to communicate with etcd`.
 *
 * Where fleet 1.0.0 crashes or stores bad input, this server answers with a clear error instead:
 *  - `GET /fleet/v1/state/<unknown>` → 404 `unit state does not exist` (1.0.0 dereferences nil and
 *    closes the connection without an answer).
 *  - A PUT whose `desiredState` is not inactive, loaded or launched → 400
 *    `invalid desiredState "bogus": expect inactive, loaded or launched` (1.0.0 stores it, after
 *    which GET and DELETE of the unit fail with 500 and it disappears from lists).
 *  - A PUT that creates a template (`x@.service`) with a state other than inactive → 400
 *    `cannot activate template "x@.service"` (1.0.0 checks templates only when an existing unit's
 *    state changes, so such a create stored a launched template).
 *  - A PUT that replaces a unit's options (a different hash) validates them as a create does.
 *  - A PUT whose `options` hold a `null` → 400 `unable to decode body: options[N] is null` (1.0.0
 *    dereferences the nil option).
 *  - Request bodies larger than 16 MiB → 413.
 * Additions: `PATCH /machines` also takes the flat `"value":"x"` form; the 503 answer carries the
 * Server header as every other does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { FleetApiMetrics } from './api-metrics.js';
import type { FleetApiOptions } from './api-options.js';
import { sendEmpty, sendError, sendText } from './api-reply.js';
import { errorText, type ApiContext, type ApiRequest } from './api-request.js';
import { DISCOVERY_DOCUMENT } from './discovery-document.js';
import { listMachines, patchMachines } from './machines-resource.js';
import { cleanPath, escapePath, parseRequestUrl } from './request-url.js';
import { getState, listStates } from './state-resource.js';
import { destroyUnit, getUnit, listUnits, putUnit } from './units-resource.js';
import { serveXFlotilla, X_FLOTILLA_PREFIX, xFlotillaRoute } from './x-flotilla-resource.js';

export type FleetApiHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** The API's metrics registry, for a process that wants to merge it with others. */
  readonly metrics: FleetApiMetrics;
};

const PREFIXES = ['/fleet/v1', '/v1-alpha'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface Route {
  /** The metrics label: the route with its variable part as `{name}`. */
  readonly label: string;
  serve(ctx: ApiContext, r: ApiRequest): Promise<void> | void;
}

const notFound: Route = { label: 'other', serve: (_ctx, r) => sendError(r.res, 404, '') };

function methodNotAllowed(label: string, message: string): Route {
  return { label, serve: (_ctx, r) => sendError(r.res, 405, message) };
}

/** `base` itself, or `base/<item>` (one path element, no trailing slash); null for anything else. */
function collectionOrItem(path: string, base: string): { item: string | null } | null {
  if (path === base) return { item: null };
  if (!path.startsWith(`${base}/`)) return null;
  const item = path.slice(base.length + 1);
  return item === '' || item.includes('/') ? { item: '' } : { item };
}

function unitsRoute(method: string, item: string | null): Route {
  if (item === null) {
    if (method === 'GET') return { label: 'units', serve: listUnits };
    return methodNotAllowed('units', 'only GET supported against this resource');
  }
  const label = 'units/{name}';
  if (method === 'GET') return { label, serve: (ctx, r) => getUnit(ctx, r, item) };
  if (method === 'PUT') return { label, serve: (ctx, r) => putUnit(ctx, r, item) };
  if (method === 'DELETE') return { label, serve: (ctx, r) => destroyUnit(ctx, r, item) };
  return methodNotAllowed(label, 'only GET, PUT and DELETE supported against this resource');
}

function stateRoute(method: string, item: string | null): Route {
  const label = item === null ? 'state' : 'state/{name}';
  if (method !== 'GET') return methodNotAllowed(label, 'only GET supported against this resource');
  if (item === null) return { label, serve: listStates };
  return { label, serve: (ctx, r) => getState(ctx, r, item) };
}

function prefixedRoute(method: string, path: string, prefix: string): Route | null {
  if (path === prefix) return methodNotAllowed('version root', '');
  if (path === `${prefix}/discovery`) {
    if (method !== 'GET') return { label: 'discovery', serve: (_ctx, r) => sendError(r.res, 400, 'only HTTP GET supported against this resource') };
    return { label: 'discovery', serve: (_ctx, r) => sendText(r.res, 200, 'application/json', DISCOVERY_DOCUMENT) };
  }
  if (path === `${prefix}/machines`) {
    if (method === 'GET') return { label: 'machines', serve: listMachines };
    if (method === 'PATCH') return { label: 'machines', serve: patchMachines };
    return methodNotAllowed('machines', 'only GET and PATCH supported against this resource');
  }
  const units = collectionOrItem(path, `${prefix}/units`);
  if (units !== null) return units.item === '' ? notFound : unitsRoute(method, units.item);
  const state = collectionOrItem(path, `${prefix}/state`);
  if (state !== null) return state.item === '' ? notFound : stateRoute(method, state.item);
  if (prefix === '/fleet/v1' && path.startsWith(X_FLOTILLA_PREFIX)) {
    const rest = path.slice(X_FLOTILLA_PREFIX.length);
    const label = xFlotillaRoute(rest);
    return label === null ? notFound : { label, serve: (ctx, r) => serveXFlotilla(ctx, r, rest) };
  }
  return null;
}

function resolve(method: string, path: string): Route {
  if (path === '/') return methodNotAllowed('root', '');
  if (path === '/metrics') {
    return {
      label: 'metrics',
      serve: async (ctx, r) => sendText(r.res, 200, ctx.metrics.contentType, await ctx.metrics.text()),
    };
  }
  for (const prefix of PREFIXES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      const route = prefixedRoute(method, path, prefix);
      if (route !== null) return route;
    }
  }
  return notFound;
}

/** ServeMux's answer to a path that is not clean: a permanent redirect to the cleaned one. */
function redirect(r: ApiRequest, cleaned: string): void {
  const location = escapePath(cleaned) + (r.url.rawQuery === '' ? '' : `?${r.url.rawQuery}`);
  r.res.setHeader('Location', location);
  if (r.method !== 'GET') return sendEmpty(r.res, 301);
  const href = location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  sendText(r.res, 301, 'text/html; charset=utf-8', `<a href="${href}">Moved Permanently</a>.\n\n`);
}

/** The request handler of fleetd's API, for node:http servers (see listenFleetApi). */
export function createFleetApi(options: FleetApiOptions): FleetApiHandler {
  if (!Number.isInteger(options.tokenLimit) || options.tokenLimit < 1 || options.tokenLimit > 0xffff) {
    throw new RangeError(`token_limit must be a whole number from 1 to 65535, not ${options.tokenLimit}`);
  }
  const metrics = new FleetApiMetrics({ version: options.version, machineId: options.machineId, isReady: () => options.isReady() });
  const log = options.log ?? ((): void => {});
  const ctx: ApiContext = { options, tokenLimit: options.tokenLimit, metrics, log };
  const server = `fleetd/${options.version}`;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    let label = 'other';
    res.setHeader('Server', server);
    res.on('close', () => {
      metrics.observe(METHODS.has(method) ? method : 'OTHER', label, res.statusCode, (performance.now() - started) / 1000);
    });
    if (!options.isReady()) return sendError(res, 503, 'fleet server unable to communicate with etcd');
    const url = parseRequestUrl(req.url ?? '/');
    if (url === null) {
      res.setHeader('Connection', 'close');
      return sendText(res, 400, 'text/plain; charset=utf-8', '400 Bad Request');
    }
    const r: ApiRequest = { req, res, method, url };
    if (method !== 'CONNECT') {
      const cleaned = cleanPath(url.path);
      if (cleaned !== url.path) return redirect(r, cleaned);
    }
    const route = resolve(method, url.path);
    label = route.label;
    Promise.resolve()
      .then(() => route.serve(ctx, r))
      .catch((e: unknown) => {
        log(`Failed serving ${method} ${url.path}: ${errorText(e)}`);
        if (!res.headersSent) sendError(res, 500, '');
        else res.destroy();
      });
  };
  return Object.assign(handler, { metrics });
}
