/** `/state` and `/state/<name>`: the unit states machines publish. */
import { firstQueryValue, fromRegistry, type ApiContext, type ApiRequest } from './api-request.js';
import { sendError, sendJson } from './api-reply.js';
import { findPageToken, pageOf } from './page-token.js';
import { unitStateJson, unitStatePageJson } from './schema-json.js';
import { schemaUnitState } from './unit-schema.js';

/** Every state, or those of one machine (`?machineID=`) and/or one unit (`?unitName=`); an empty filter is none. */
export async function listStates(ctx: ApiContext, r: ApiRequest): Promise<void> {
  const found = findPageToken(r.url.query.get('nextPageToken') ?? [], ctx.tokenLimit);
  if (!found.ok) return sendError(r.res, 400, found.error);
  const machineId = firstQueryValue(r, 'machineID');
  const unitName = firstQueryValue(r, 'unitName');
  const got = await fromRegistry(ctx, r, 'Failed fetching page of UnitStates', () => ctx.options.registry.unitStates());
  if (got === undefined) return;
  const states = got.value.filter(
    (s) => (machineId === '' || s.machineId === machineId) && (unitName === '' || s.unitName === unitName),
  );
  const page = pageOf(states, found.token);
  sendJson(r.res, 200, unitStatePageJson(page.items.map(schemaUnitState), page.next));
}

/** The first state published for a unit (lowest machine ID); 404 when there is none. */
export async function getState(ctx: ApiContext, r: ApiRequest, name: string): Promise<void> {
  const got = await fromRegistry(ctx, r, `Failed fetching UnitState(${name}) from Registry`, () => ctx.options.registry.unitStates());
  if (got === undefined) return;
  const state = got.value.find((s) => s.unitName === name);
  if (state === undefined) return sendError(r.res, 404, 'unit state does not exist');
  sendJson(r.res, 200, unitStateJson(schemaUnitState(state)));
}
