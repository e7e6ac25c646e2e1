/**
 * What `PUT /units/<name>` does, decided from the request and the unit already registered, in
 * fleet's order of checks (api/units.go `set`): Content-Type, body, name, then create, replace or
 * a desired-state change. Pure: the caller reads the body and the registry and carries out the plan.
 */
import type { JobState, RegistryUnit } from '../registry/types.js';
import { validateRequirements } from '../unit/requirements.js';
import { parseUnitFile, serializeUnit, UnitFileError, unitHash, type UnitOption } from '../unit/unit-file.js';
import { unitNameParts, validateUnitName } from '../unit/unit-name.js';
import { goQuote } from '../unit/go-text.js';
import { decodeUnitBody, type UnitBody } from './unit-body.js';

export interface PutRefusal {
  readonly kind: 'error';
  readonly status: number;
  readonly message: string;
}

export type PutBodyCheck = PutRefusal | { readonly kind: 'unit'; readonly unit: UnitBody };

export type PutAction =
  | PutRefusal
  /** Create or replace the unit (201). */
  | { readonly kind: 'create'; readonly name: string; readonly options: UnitOption[]; readonly state: JobState }
  /** Change the desired state of the existing unit (204). */
  | { readonly kind: 'setState'; readonly name: string; readonly state: JobState };

const JOB_STATES: readonly string[] = ['inactive', 'loaded', 'launched'];

function refuse(status: number, message: string): PutRefusal {
  return { kind: 'error', status, message };
}

/** Exactly one Content-Type, whose media type (before any `;`, trimmed) is application/json. */
export function checkContentType(values: readonly string[] | undefined): PutRefusal | null {
  const ok = values !== undefined && values.length === 1 && values[0]!.split(';', 1)[0]!.trim() === 'application/json';
  return ok ? null : refuse(415, 'only acceptable Content-Type is application/json');
}

/** Decodes the body and settles the unit's name (empty → the URL's; another one is refused; then validated). */
export function checkPutBody(body: Uint8Array, item: string): PutBodyCheck {
  const decoded = decodeUnitBody(body);
  if (!decoded.ok) return refuse(400, `unable to decode body: ${decoded.error}`);
  const unit = decoded.unit;
  if (unit.name === '') unit.name = item;
  if (unit.name !== item) {
    return refuse(400, `name in URL ${goQuote(item)} differs from unit name in request body ${goQuote(unit.name)}`);
  }
  const nameError = validateUnitName(unit.name);
  if (nameError !== null) return refuse(400, nameError);
  return { kind: 'unit', unit };
}

/** fleet's option check: the options survive a serialize and parse, and the [X-Fleet] requirements are consistent. */
export function validateOptions(name: string, options: readonly UnitOption[]): string | null {
  try {
    parseUnitFile(serializeUnit(options));
  } catch (e) {
    if (e instanceof UnitFileError) return e.message;
    throw e;
  }
  return validateRequirements(name, options);
}

/** The desired state asked for ('' = none), or a refusal of one fleet does not know or of activating a template. */
function desiredState(unit: UnitBody, fallback: JobState | null): PutRefusal | JobState | null {
  if (unit.desiredState === '') return fallback;
  if (!JOB_STATES.includes(unit.desiredState)) {
    return refuse(400, `invalid desiredState ${goQuote(unit.desiredState)}: expect inactive, loaded or launched`);
  }
  const state = unit.desiredState as JobState;
  if (state !== 'inactive' && unitNameParts(unit.name).isTemplate) {
    return refuse(400, `cannot activate template ${goQuote(unit.name)}`);
  }
  return state;
}

function isRefusal(x: PutRefusal | JobState | null): x is PutRefusal {
  return typeof x === 'object' && x !== null;
}

/** The plan for a checked unit body, given the unit registered under its name (or null). */
export function planPut(unit: UnitBody, existing: RegistryUnit | null): PutAction {
  const hasOptions = unit.options.length > 0;
  if (existing === null && !hasOptions) return refuse(409, 'unit does not exist and options field empty');
  if (existing === null || (hasOptions && unitHash(unit.options) !== existing.hash)) {
    const invalid = validateOptions(unit.name, unit.options);
    if (invalid !== null) return refuse(400, invalid);
    const state = desiredState(unit, 'inactive');
    if (isRefusal(state)) return state;
    return { kind: 'create', name: unit.name, options: unit.options, state: state ?? 'inactive' };
  }
  if (unit.desiredState === '') return refuse(409, 'must provide DesiredState to update existing unit');
  const state = desiredState(unit, null);
  if (isRefusal(state)) return state;
  return { kind: 'setState', name: unit.name, state: state! };
}
