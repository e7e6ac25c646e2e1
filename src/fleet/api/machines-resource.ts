/** `/machines`: the machines present (GET) and their dynamic metadata (PATCH). */
import { fromRegistry, type ApiContext, type ApiRequest } from './api-request.js';
import { sendEmpty, sendError, sendJson } from './api-reply.js';
import { planMetadataPatch } from './machine-metadata-patch.js';
import { findPageToken, pageOf } from './page-token.js';
import { MAX_BODY_BYTES, readBody } from './request-body.js';
import { machinePageJson } from './schema-json.js';
import { schemaMachine } from './unit-schema.js';

export async function listMachines(ctx: ApiContext, r: ApiRequest): Promise<void> {
  const found = findPageToken(r.url.query.get('nextPageToken') ?? [], ctx.tokenLimit);
  if (!found.ok) return sendError(r.res, 400, found.error);
  const got = await fromRegistry(ctx, r, 'Failed fetching page of Machines', () => ctx.options.registry.machines());
  if (got === undefined) return;
  const page = pageOf(got.value, found.token);
  sendJson(r.res, 200, machinePageJson(page.items.map(schemaMachine), page.next));
}

/** Validates every operation first, then writes them in order (a removal writes ''); no Content-Type check. */
export async function patchMachines(ctx: ApiContext, r: ApiRequest): Promise<void> {
  const body = await readBody(r.req);
  if (body === null) return sendError(r.res, 413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const plan = planMetadataPatch(body);
  if (!plan.ok) return sendError(r.res, 400, plan.error);
  for (const w of plan.writes) {
    const what = `Failed setting metadata ${w.key} of Machine(${w.machineId})`;
    const done = await fromRegistry(ctx, r, what, () => ctx.options.registry.setMachineMetadata(w.machineId, w.key, w.value));
    if (done === undefined) return;
  }
  sendEmpty(r.res, 204, true);
}
