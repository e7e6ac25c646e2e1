/** Unit names as fleet validates, splits and (in fleetctl) mangles them. */
import { goQuote, goQuoteRune } from './go-text.js';

export interface UnitNameParts {
  /** `foo@bar.service` */
  full: string;
  /** `foo@bar` */
  withoutSuffix: string;
  /** `foo`: text before the first `@` (the whole stem when there is none). */
  prefix: string;
  /** `bar`: text after the first `@` up to the last `.` ('' when none). */
  instance: string;
  /** `service` */
  suffix: string;
  /** `foo@.service` for a template or an instance, '' otherwise. */
  template: string;
  /** A name with `@` and an empty instance. */
  isTemplate: boolean;
  /** A name with `@` and a non-empty instance. */
  isInstance: boolean;
}

/** fleet's limit on a unit name, in bytes (systemd's UNIT_NAME_MAX). */
export const UNIT_NAME_MAX = 256;

/** The unit types the API accepts. */
export const VALID_UNIT_TYPES: ReadonlySet<string> = new Set([
  'automount',
  'busname',
  'device',
  'mount',
  'path',
  'scope',
  'service',
  'slice',
  'snapshot',
  'socket',
  'swap',
  'target',
  'timer',
]);

/** The unit types a name containing `@` (template or instance) may have. */
export const VALID_TEMPLATE_TYPES: ReadonlySet<string> = new Set(['path', 'service', 'socket', 'target', 'timer']);

/** The suffixes fleetctl and the agent recognise as unit files (anything else gets `.service`). */
export const RECOGNIZED_UNIT_SUFFIXES: readonly string[] = [
  '.service',
  '.socket',
  '.timer',
  '.path',
  '.device',
  '.mount',
  '.automount',
];

const VALID_CHARS = /^[0-9a-zA-Z:\-_.\\@]$/u;

/** fleet's validation: the error text (`unit name must contain "."`, ...) or null when valid. */
export function validateUnitName(name: string): string | null {
  const length = Buffer.byteLength(name, 'utf8');
  if (length === 0) return 'unit name cannot be empty';
  if (length > UNIT_NAME_MAX) return `unit name exceeds maximum length (${UNIT_NAME_MAX})`;
  const dot = name.lastIndexOf('.');
  if (dot === -1) return 'unit name must contain "."';
  if (dot === name.length - 1) return 'unit name cannot end in "."';
  const suffix = name.slice(dot + 1);
  if (!VALID_UNIT_TYPES.has(suffix)) return `invalid unit type: ${goQuote(suffix)}`;
  if (name.includes('@') && !VALID_TEMPLATE_TYPES.has(suffix)) {
    return `invalid unit type for template: ${goQuote(suffix)}`;
  }
  for (const ch of name.slice(0, dot)) {
    if (!VALID_CHARS.test(ch)) return `invalid character ${goQuoteRune(ch.codePointAt(0)!)} in unit name`;
  }
  if (name.startsWith('@')) return 'unit name cannot start in "@"';
  return null;
}

/**
 * fleet's UnitNameInfo: null when the name has no `.` (fleet then expands no specifiers for it).
 */
export function unitNameInfo(name: string): UnitNameParts | null {
  const dot = name.lastIndexOf('.');
  if (dot === -1) return null;
  const stem = name.slice(0, dot);
  const suffix = name.slice(dot + 1);
  const at = stem.indexOf('@');
  if (at === -1) {
    return {
      full: name,
      withoutSuffix: stem,
      prefix: stem,
      instance: '',
      suffix,
      template: '',
      isTemplate: false,
      isInstance: false,
    };
  }
  const instance = stem.slice(at + 1);
  return {
    full: name,
    withoutSuffix: stem,
    prefix: stem.slice(0, at),
    instance,
    suffix,
    template: `${stem.slice(0, at)}@.${suffix}`,
    isTemplate: instance === '',
    isInstance: instance !== '',
  };
}

/** The parts of a name; a name without `.` is all stem, with an empty suffix. */
export function unitNameParts(name: string): UnitNameParts {
  return (
    unitNameInfo(name) ?? {
      full: name,
      withoutSuffix: name,
      prefix: name,
      instance: '',
      suffix: '',
      template: '',
      isTemplate: false,
      isInstance: false,
    }
  );
}

/** Whether a name ends in one of the seven suffixes fleetctl and the agent recognise. */
export function hasRecognizedUnitSuffix(name: string): boolean {
  return RECOGNIZED_UNIT_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** Go's `path.Base`. */
export function goPathBase(p: string): string {
  if (p === '') return '.';
  let s = p;
  while (s.length > 0 && s.endsWith('/')) s = s.slice(0, -1);
  if (s === '') return '/';
  const slash = s.lastIndexOf('/');
  return slash >= 0 ? s.slice(slash + 1) : s;
}

/** fleetctl's mangling: basename, `.service` appended unless it has one of the seven known suffixes. */
export function mangleUnitName(arg: string): string {
  const base = goPathBase(arg);
  return hasRecognizedUnitSuffix(base) ? base : `${base}.service`;
}
