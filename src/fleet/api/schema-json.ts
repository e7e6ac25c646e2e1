/**
 * fleet's API v1 entities as its Go server writes them (schema/v1-gen.go through json.Marshal):
 * camelCase keys in alphabetical order, every field `omitempty` (an empty string or list is left
 * out, so an empty page is `{}`), Go's string escapes, map keys sorted.
 */
import { goJsonString, goJsonStringMap } from '../registry/go-json-encode.js';
import type { UnitOption } from '../unit/unit-file.js';

export interface SchemaUnit {
  currentState: string;
  desiredState: string;
  machineID: string;
  name: string;
  options: readonly UnitOption[];
}

export interface SchemaUnitState {
  hash: string;
  machineID: string;
  name: string;
  systemdActiveState: string;
  systemdLoadState: string;
  systemdSubState: string;
}

export interface SchemaMachine {
  id: string;
  metadata: Readonly<Record<string, string>>;
  primaryIP: string;
}

/** An object of the given fields in the given order, leaving out the undefined ones. */
function goObject(fields: readonly (readonly [string, string | undefined])[]): string {
  const parts: string[] = [];
  for (const [key, json] of fields) if (json !== undefined) parts.push(`"${key}":${json}`);
  return `{${parts.join(',')}}`;
}

function str(s: string): string | undefined {
  return s === '' ? undefined : goJsonString(s);
}

function list<T>(items: readonly T[], one: (item: T) => string): string | undefined {
  return items.length === 0 ? undefined : `[${items.map(one).join(',')}]`;
}

export function unitOptionJson(o: UnitOption): string {
  return goObject([
    ['name', str(o.name)],
    ['section', str(o.section)],
    ['value', str(o.value)],
  ]);
}

export function unitJson(u: SchemaUnit): string {
  return goObject([
    ['currentState', str(u.currentState)],
    ['desiredState', str(u.desiredState)],
    ['machineID', str(u.machineID)],
    ['name', str(u.name)],
    ['options', list(u.options, unitOptionJson)],
  ]);
}

export function unitStateJson(s: SchemaUnitState): string {
  return goObject([
    ['hash', str(s.hash)],
    ['machineID', str(s.machineID)],
    ['name', str(s.name)],
    ['systemdActiveState', str(s.systemdActiveState)],
    ['systemdLoadState', str(s.systemdLoadState)],
    ['systemdSubState', str(s.systemdSubState)],
  ]);
}

export function machineJson(m: SchemaMachine): string {
  return goObject([
    ['id', str(m.id)],
    ['metadata', Object.keys(m.metadata).length === 0 ? undefined : goJsonStringMap(m.metadata)],
    ['primaryIP', str(m.primaryIP)],
  ]);
}

export function unitPageJson(units: readonly SchemaUnit[], next: string): string {
  return goObject([
    ['nextPageToken', str(next)],
    ['units', list(units, unitJson)],
  ]);
}

export function unitStatePageJson(states: readonly SchemaUnitState[], next: string): string {
  return goObject([
    ['nextPageToken', str(next)],
    ['states', list(states, unitStateJson)],
  ]);
}

export function machinePageJson(machines: readonly SchemaMachine[], next: string): string {
  return goObject([
    ['machines', list(machines, machineJson)],
    ['nextPageToken', str(next)],
  ]);
}

/** fleet's error body (googleapi.Error): `code` and `message`, the message kept even when empty. */
export function errorJson(code: number, message: string): string {
  return `{"error":{"code":${code},"message":${goJsonString(message)}}}`;
}
