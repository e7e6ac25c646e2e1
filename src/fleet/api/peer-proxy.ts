/**
 * Forwarding an x-flotilla machine request to the fleetd API of the machine it names, and its
 * answer back, streamed (so that a followed journal keeps flowing until either side goes away).
 */
import { request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';

import { errorText, type ApiContext, type ApiRequest } from './api-request.js';
import { sendError } from './api-reply.js';
import { parseListenerAddress } from './listener-address.js';
import { escapePath } from './request-url.js';

/** Marks a forwarded request with the machine that forwarded it; such a request is never forwarded again. */
export const FORWARDED_BY_HEADER = 'x-flotilla-forwarded-by';

/** How long a peer has to begin its answer. */
export const PEER_ANSWER_TIMEOUT_MS = 10_000;

export function proxyToPeer(ctx: ApiContext, r: ApiRequest, machineId: string, address: string): Promise<void> {
  const parsed = parseListenerAddress(address);
  if (typeof parsed === 'string') {
    sendError(r.res, 502, `machine ${machineId} published an unusable API address: ${parsed}`);
    return Promise.resolve();
  }
  const target: RequestOptions = {
    method: 'GET',
    path: escapePath(r.url.path) + (r.url.rawQuery === '' ? '' : `?${r.url.rawQuery}`),
    headers: { [FORWARDED_BY_HEADER]: ctx.options.machineId, accept: String(r.req.headers.accept ?? '*/*') },
  };
  if (parsed.kind === 'unix') target.socketPath = parsed.path;
  else {
    target.host = parsed.host === '' ? 'localhost' : parsed.host;
    target.port = parsed.port;
  }
  return new Promise((resolve) => {
    let upstream: ClientRequest | undefined;
    let answered = false;
    const finish = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const fail = (status: number, message: string): void => {
      if (answered) return;
      answered = true;
      upstream?.destroy();
      if (!r.res.headersSent) sendError(r.res, status, message);
      else r.res.destroy();
      finish();
    };
    const timer = setTimeout(
      () => fail(504, `machine ${machineId} did not answer at ${address} within ${PEER_ANSWER_TIMEOUT_MS / 1000}s`),
      PEER_ANSWER_TIMEOUT_MS,
    );
    upstream = request(target, (answer: IncomingMessage) => {
      if (answered) {
        answer.destroy();
        return;
      }
      answered = true;
      clearTimeout(timer);
      const headers: Record<string, string> = {};
      const type = answer.headers['content-type'];
      if (type !== undefined) headers['Content-Type'] = type;
      const length = answer.headers['content-length'];
      if (length !== undefined) headers['Content-Length'] = length;
      r.res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(r.res);
      answer.on('error', () => r.res.destroy());
      answer.on('close', () => {
        if (!answer.complete) r.res.destroy();
        finish();
      });
    });
    upstream.on('error', (e) => fail(502, `unable to reach machine ${machineId} at ${address}: ${errorText(e)}`));
    r.res.on('close', () => {
      upstream?.destroy();
      finish();
    });
    upstream.end();
  });
}
