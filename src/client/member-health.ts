/** Asks one member URL for its health (GET <url>/health), without failover: cluster-health checks each member. */
import http from 'node:http';
import https from 'node:https';
import { sendRequest } from './http-exchange.js';
import { parseEndpoint } from './cluster-transport.js';
import { EndpointError } from './errors.js';
import type { TlsOptions } from './types.js';

export type MemberHealthResult =
  | { reachable: true; healthy: boolean }
  | { reachable: false; error: string };

/** `timeoutMs` bounds the whole check (0: none). */
export async function checkMemberHealth(url: string, tls: TlsOptions = {}, timeoutMs = 0): Promise<MemberHealthResult> {
  const agents = {
    http: new http.Agent({ keepAlive: false }),
    https: new https.Agent({ keepAlive: false, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName }),
  };
  const controller = new AbortController();
  const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  try {
    const reply = await sendRequest(parseEndpoint(url), { method: 'GET', pathAndQuery: '/health', headerTimeoutMs: 0 }, agents, controller.signal);
    let body: unknown;
    try {
      body = JSON.parse(reply.body);
    } catch {
      return { reachable: false, error: 'invalid character in health reply' };
    }
    const health = (body as { health?: unknown } | null)?.health;
    return { reachable: true, healthy: health === 'true' || health === true };
  } catch (err) {
    const text = err instanceof EndpointError ? err.message : controller.signal.aborted ? 'context deadline exceeded' : String(err);
    return { reachable: false, error: `Get "${url}/health": ${text}` };
  } finally {
    if (timer) clearTimeout(timer);
    agents.http.destroy();
    agents.https.destroy();
  }
}
