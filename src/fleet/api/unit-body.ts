/**
 * The body of `PUT /units/<name>`: fleet's schema `Unit` (`currentState`, `desiredState`,
 * `machineID`, `name`, `options` of `{name, section, value}`), decoded as fleet's Go server decodes
 * it, so that the error texts after `unable to decode body: ` are Go's.
 */
import type { UnitOption } from '../unit/unit-file.js';
import { decodeGoJson } from './go-json-decode.js';
import { GoUnmarshal } from './go-json-unmarshal.js';

export interface UnitBody {
  name: string;
  desiredState: string;
  currentState: string;
  machineID: string;
  options: UnitOption[];
}

export type UnitBodyDecoded = { readonly ok: true; readonly unit: UnitBody } | { readonly ok: false; readonly error: string };

/** Decodes a unit body; the error is the Go text (without the `unable to decode body: ` prefix). */
export function decodeUnitBody(body: Uint8Array): UnitBodyDecoded {
  const decoded = decodeGoJson(body);
  if (!decoded.ok) return decoded;
  const unit: UnitBody = { name: '', desiredState: '', currentState: '', machineID: '', options: [] };
  let nullOption = -1;
  const error = GoUnmarshal.run((u) => {
    u.struct(decoded.value, 'schema.Unit', (key, v) => {
      switch (key) {
        case 'name':
          unit.name = u.string(v, unit.name);
          break;
        case 'desiredstate':
          unit.desiredState = u.string(v, unit.desiredState);
          break;
        case 'currentstate':
          unit.currentState = u.string(v, unit.currentState);
          break;
        case 'machineid':
          unit.machineID = u.string(v, unit.machineID);
          break;
        case 'options': {
          nullOption = -1;
          const options = u.slice(v, '[]*schema.UnitOption', (item, index) => {
            const option: UnitOption = { name: '', section: '', value: '' };
            if (item.kind === 'null' && nullOption < 0) nullOption = index;
            u.struct(item, 'schema.UnitOption', (field, fv) => {
              if (field === 'name') option.name = u.string(fv, option.name);
              else if (field === 'section') option.section = u.string(fv, option.section);
              else if (field === 'value') option.value = u.string(fv, option.value);
            });
            return option;
          });
          // A null or mistyped `options` makes a nil slice in Go, replacing what came before.
          unit.options = options ?? [];
          break;
        }
      }
    });
  });
  if (error !== null) return { ok: false, error };
  // fleet 1.0.0 takes a null option as a nil pointer and crashes on it; it is refused here.
  if (nullOption >= 0) return { ok: false, error: `options[${nullOption}] is null` };
  return { ok: true, unit };
}
