/**
 * Routes of Flotilla's own under `/fleet/v1/x-flotilla/` (fleet's routes and bodies are left as
 * they are):
 *   GET units/<name>/placement                          → {"reason":"..."}: why the engine could not place the unit
 *   GET machines/<machineID>/units/<name>/status        → {"exitCode":N,"text":"..."}: `systemctl status` of the unit there
 *   GET machines/<machineID>/units/<name>/journal?lines=N&follow=true → text/plain journal lines,
 *       streamed (chunked) while `follow` until the client goes away
 * Machine routes are answered from this machine's units when the ID is ours, and forwarded to the
 * API address the other machine published otherwise.
 */
import { parseGoBool } from '../../go/strconv.js';
import { goJsonString } from '../registry/go-json-encode.js';
import { goQuote } from '../unit/go-text.js';
import { errorText, firstQueryValue, fromRegistry, type ApiContext, type ApiRequest } from './api-request.js';
import { sendError, sendJson, sendText } from './api-reply.js';
import { FORWARDED_BY_HEADER, proxyToPeer } from './peer-proxy.js';

export const X_FLOTILLA_PREFIX = '/fleet/v1/x-flotilla/';

/** fleetctl's default `--lines`. */
const DEFAULT_JOURNAL_LINES = 10;
/** A follower whose unsent output grows past this is cut off rather than buffered without end. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

const PLACEMENT = /^units\/([^/]+)\/placement$/;
const MACHINE_UNIT = /^machines\/([^/]+)\/units\/([^/]+)\/(status|journal)$/;

/** The metrics route of an x-flotilla path, or null when it is not one of ours. */
export function xFlotillaRoute(rest: string): string | null {
  if (PLACEMENT.test(rest)) return 'x-flotilla/placement';
  const m = MACHINE_UNIT.exec(rest);
  return m === null ? null : `x-flotilla/${m[3]}`;
}

/** Serves `rest`, the path after X_FLOTILLA_PREFIX; 404 with an empty message for any other path. */
export async function serveXFlotilla(ctx: ApiContext, r: ApiRequest, rest: string): Promise<void> {
  const placement = PLACEMENT.exec(rest);
  const machineUnit = MACHINE_UNIT.exec(rest);
  if (placement === null && machineUnit === null) return sendError(r.res, 404, '');
  if (r.method !== 'GET') return sendError(r.res, 405, 'only GET supported against this resource');
  if (placement !== null) return placementOf(ctx, r, placement[1]!);
  const [, machineId, name, what] = machineUnit as RegExpExecArray;
  if (machineId !== ctx.options.machineId) return forward(ctx, r, machineId!);
  if (what === 'status') return statusOf(ctx, r, name!);
  return journalOf(ctx, r, name!);
}

async function placementOf(ctx: ApiContext, r: ApiRequest, name: string): Promise<void> {
  const registry = ctx.options.registry;
  const got = await fromRegistry(ctx, r, `Failed fetching placement of Unit(${name})`, async () =>
    registry.placementFailure === undefined ? null : registry.placementFailure(name),
  );
  if (got === undefined) return;
  if (got.value === null) return sendError(r.res, 404, 'no placement failure recorded for this unit');
  sendJson(r.res, 200, `{"reason":${goJsonString(got.value)}}`);
}

async function forward(ctx: ApiContext, r: ApiRequest, machineId: string): Promise<void> {
  const forwardedBy = r.req.headers[FORWARDED_BY_HEADER];
  if (forwardedBy !== undefined) {
    return sendError(r.res, 502, `request for machine ${machineId} forwarded by ${String(forwardedBy)} reached machine ${ctx.options.machineId}`);
  }
  const { peerApi, registry } = ctx.options;
  let address: string | null;
  try {
    if (peerApi !== undefined) address = await peerApi(machineId);
    else address = registry.machineApiAddress === undefined ? null : await registry.machineApiAddress(machineId);
  } catch (e) {
    ctx.log(`Failed fetching API address of Machine(${machineId}): ${errorText(e)}`);
    return sendError(r.res, 500, '');
  }
  if (address === null) return sendError(r.res, 404, 'machine API address unknown');
  return proxyToPeer(ctx, r, machineId, address);
}

function statusOf(ctx: ApiContext, r: ApiRequest, name: string): void {
  const local = ctx.options.local;
  if (local === undefined) return sendError(r.res, 404, 'this machine has no local unit access');
  const status = local.statusText(name);
  if (status === null) return sendError(r.res, 404, 'unit is not loaded on this machine');
  sendJson(r.res, 200, `{"exitCode":${status.exitCode},"text":${goJsonString(status.text)}}`);
}

function journalOf(ctx: ApiContext, r: ApiRequest, name: string): void {
  const local = ctx.options.local;
  if (local === undefined) return sendError(r.res, 404, 'this machine has no local unit access');
  const linesText = firstQueryValue(r, 'lines');
  if (linesText !== '' && !/^[0-9]{1,9}$/.test(linesText)) {
    return sendError(r.res, 400, `invalid lines ${goQuote(linesText)}: expect a number of lines`);
  }
  const followText = firstQueryValue(r, 'follow');
  const follow = followText === '' ? false : parseGoBool(followText);
  if (follow === null) return sendError(r.res, 400, `invalid follow ${goQuote(followText)}: expect true or false`);
  const lines = linesText === '' ? DEFAULT_JOURNAL_LINES : Number(linesText);
  const type = 'text/plain; charset=utf-8';
  const text = (ls: readonly string[]): string => ls.map((l) => `${l}\n`).join('');
  if (!follow) return sendText(r.res, 200, type, text(local.journalLines(name, lines)));

  const res = r.res;
  res.writeHead(200, { 'Content-Type': type });
  // Taking the backlog and subscribing in one turn leaves no line between the two.
  const backlog = text(local.journalLines(name, lines));
  const stop = local.followJournal(name, (line) => {
    if (res.writableLength > MAX_UNSENT_BYTES) {
      ctx.log(`Journal follower of Unit(${name}) cut off: ${MAX_UNSENT_BYTES} bytes unsent`);
      res.destroy();
      return;
    }
    res.write(`${line}\n`);
  });
  ctx.metrics.journalStreamOpened();
  if (backlog === '') res.flushHeaders();
  else res.write(backlog);
  res.on('close', () => {
    stop();
    ctx.metrics.journalStreamClosed();
  });
}
