/** One request as the fleet API's resources see it, and the server facts they share. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FleetApiMetrics } from './api-metrics.js';
import type { FleetApiOptions } from './api-options.js';
import { sendError } from './api-reply.js';
import type { RequestUrl } from './request-url.js';

export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly url: RequestUrl;
}

export interface ApiContext {
  readonly options: FleetApiOptions;
  /** The page size as fleet keeps it (a uint16). */
  readonly tokenLimit: number;
  readonly metrics: FleetApiMetrics;
  log(line: string): void;
}

/** The text of a thrown value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs a registry call; on failure logs `<what>: <error>` and answers 500 with an empty message,
 * as fleet does, and gives undefined.
 */
export async function fromRegistry<T>(ctx: ApiContext, r: ApiRequest, what: string, call: () => Promise<T>): Promise<{ value: T } | undefined> {
  try {
    return { value: await call() };
  } catch (e) {
    ctx.log(`${what}: ${errorText(e)}`);
    if (!r.res.headersSent) sendError(r.res, 500, '');
    return undefined;
  }
}

/** The first value of a query parameter, '' when absent. */
export function firstQueryValue(r: ApiRequest, name: string): string {
  return r.url.query.get(name)?.[0] ?? '';
}
