/** `/units` and `/units/<name>`: list, get, create/replace/change state (PUT), destroy. */
import { fromRegistry, type ApiContext, type ApiRequest } from './api-request.js';
import { sendEmpty, sendError, sendJson } from './api-reply.js';
import { findPageToken, pageOf } from './page-token.js';
import { MAX_BODY_BYTES, readBody } from './request-body.js';
import { unitJson, unitPageJson } from './schema-json.js';
import { checkContentType, checkPutBody, planPut } from './unit-put-plan.js';
import { schemaUnit } from './unit-schema.js';

export async function listUnits(ctx: ApiContext, r: ApiRequest): Promise<void> {
  const found = findPageToken(r.url.query.get('nextPageToken') ?? [], ctx.tokenLimit);
  if (!found.ok) return sendError(r.res, 400, found.error);
  const { registry } = ctx.options;
  const got = await fromRegistry(ctx, r, 'Failed fetching page of Units', () => Promise.all([registry.units(), registry.unitStates()]));
  if (got === undefined) return;
  const [units, states] = got.value;
  const page = pageOf(units, found.token);
  sendJson(r.res, 200, unitPageJson(page.items.map((u) => schemaUnit(u, states, false)), page.next));
}

export async function getUnit(ctx: ApiContext, r: ApiRequest, name: string): Promise<void> {
  const { registry } = ctx.options;
  const got = await fromRegistry(ctx, r, `Failed fetching Unit(${name}) from Registry`, async () => {
    const unit = await registry.unit(name);
    return unit === null ? null : { unit, states: await registry.unitStates() };
  });
  if (got === undefined) return;
  if (got.value === null) return sendError(r.res, 404, 'unit does not exist');
  sendJson(r.res, 200, unitJson(schemaUnit(got.value.unit, got.value.states, true)));
}

export async function destroyUnit(ctx: ApiContext, r: ApiRequest, name: string): Promise<void> {
  const { registry } = ctx.options;
  const got = await fromRegistry(ctx, r, `Failed fetching Unit(${name})`, () => registry.unit(name));
  if (got === undefined) return;
  if (got.value === null) return sendError(r.res, 404, 'unit does not exist');
  const destroyed = await fromRegistry(ctx, r, `Failed destroying Unit(${name})`, () => registry.destroyUnit(name));
  if (destroyed === undefined) return;
  if (!destroyed.value) return sendError(r.res, 404, 'unit does not exist');
  sendEmpty(r.res, 204);
}

export async function putUnit(ctx: ApiContext, r: ApiRequest, item: string): Promise<void> {
  const badType = checkContentType(r.req.headersDistinct['content-type']);
  if (badType !== null) return sendError(r.res, badType.status, badType.message);
  const body = await readBody(r.req);
  if (body === null) return sendError(r.res, 413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const checked = checkPutBody(body, item);
  if (checked.kind === 'error') return sendError(r.res, checked.status, checked.message);
  const name = checked.unit.name;
  const { registry } = ctx.options;
  const existing = await fromRegistry(ctx, r, `Failed fetching Unit(${name}) from Registry`, () => registry.unit(name));
  if (existing === undefined) return;
  const action = planPut(checked.unit, existing.value);
  switch (action.kind) {
    case 'error':
      return sendError(r.res, action.status, action.message);
    case 'create': {
      const done = await fromRegistry(ctx, r, `Failed creating Unit(${name}) in Registry`, () =>
        registry.createUnit(action.name, action.options, action.state),
      );
      if (done !== undefined) sendEmpty(r.res, 201);
      return;
    }
    case 'setState': {
      const done = await fromRegistry(ctx, r, `Failed setting target state of Unit(${name})`, () =>
        registry.setTargetState(action.name, action.state),
      );
      if (done !== undefined) sendEmpty(r.res, 204);
      return;
    }
  }
}
