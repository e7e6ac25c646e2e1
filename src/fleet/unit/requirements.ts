/** The `[X-Fleet]` section: what a unit requires of the machine it runs on. */
import { pathMatch } from '../../go/path-match.js';
import { goFields, goQuote } from './go-text.js';
import { serializedOptionsError, type UnitOption } from './unit-file.js';
import { unitNameInfo, type UnitNameParts } from './unit-name.js';

export interface FleetRequirements {
  /** Full or 8-character machine ID; '' when unset. */
  machineId: string;
  /**
   * Whether a MachineID (or deprecated alias) option is present at all. fleet treats a present but
   * empty `MachineID=` as a requirement no machine satisfies; see `machineIdAllows`.
   */
  hasMachineId?: boolean;
  /** MachineOf (fleet's "Peers"): exact unit names. */
  machineOf: string[];
  /** MachineMetadata grouped by key: every key must match one of its values. */
  metadata: Map<string, string[]>;
  /** Conflicts glob patterns (each value split on whitespace). */
  conflicts: string[];
  global: boolean;
  /** Replaces glob patterns. */
  replaces: string[];
  /** Unrecognised [X-Fleet] keys, in file order (fleetctl warns about them). */
  unknown: string[];
}

/** The `[X-Fleet]` keys fleet knows, current and deprecated. */
export const KNOWN_REQUIREMENT_KEYS: ReadonlySet<string> = new Set([
  'MachineID',
  'X-ConditionMachineID',
  'X-ConditionMachineBootID',
  'MachineOf',
  'X-ConditionMachineOf',
  'Conflicts',
  'X-Conflicts',
  'MachineMetadata',
  'X-ConditionMachineMetadata',
  'Global',
  'Replaces',
]);

/**
 * fleet's multi-value form: a value that starts and ends with `"` is split on spaces outside
 * quotes, with every `"` dropped (`"a=1" "b=2"` → `a=1`, `b=2`); any other value is one item.
 */
export function splitMultiValue(value: string): string[] {
  if (!value.startsWith('"') || !value.endsWith('"')) return [value];
  const values: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') {
      quoted = !quoted;
      continue;
    }
    if (ch === ' ' && !quoted) {
      values.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  values.push(cur);
  return values;
}

/** systemd-style specifiers, replaced in this order with no `%%` escape: %n %N %p %i. */
export function expandSpecifiers(value: string, info: UnitNameParts): string {
  return value
    .replaceAll('%n', info.full)
    .replaceAll('%N', info.withoutSuffix)
    .replaceAll('%p', info.prefix)
    .replaceAll('%i', info.instance);
}

/**
 * The `[X-Fleet]` values by key, keys in order of first appearance, values in file order after
 * multi-value splitting, and specifiers expanded when `name` is given and contains a `.`.
 */
export function fleetRequirementValues(name: string, options: readonly UnitOption[]): Map<string, string[]> {
  const info = unitNameInfo(name);
  const values = new Map<string, string[]>();
  for (const opt of options) {
    if (opt.section !== 'X-Fleet') continue;
    let list = values.get(opt.name);
    if (list === undefined) {
      list = [];
      values.set(opt.name, list);
    }
    for (const v of splitMultiValue(opt.value)) list.push(info === null ? v : expandSpecifiers(v, info));
  }
  return values;
}

/** `true yes 1 on t`, in any case. */
export function isTruthy(value: string): boolean {
  const v = value.toLowerCase();
  return v === 'true' || v === 'yes' || v === '1' || v === 'on' || v === 't';
}

function requirementsFromValues(values: ReadonlyMap<string, readonly string[]>): FleetRequirements {
  const get = (key: string): readonly string[] => values.get(key) ?? [];

  let machineId = '';
  let hasMachineId = false;
  for (const key of ['MachineID', 'X-ConditionMachineID', 'X-ConditionMachineBootID']) {
    const ids = get(key);
    if (ids.length > 0) {
      machineId = ids[0]!;
      hasMachineId = true;
      break;
    }
  }

  const metadata = new Map<string, string[]>();
  for (const pair of [...get('X-ConditionMachineMetadata'), ...get('MachineMetadata')]) {
    const parts = pair.split('=');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') continue;
    const [key, val] = parts as [string, string];
    const list = metadata.get(key);
    if (list === undefined) metadata.set(key, [val]);
    else if (!list.includes(val)) list.push(val);
  }

  const globals = get('Global');
  return {
    machineId,
    hasMachineId,
    machineOf: [...get('X-ConditionMachineOf'), ...get('MachineOf')],
    metadata,
    conflicts: [...get('X-Conflicts'), ...get('Conflicts')].flatMap((v) => goFields(v)),
    global: globals.length > 0 && isTruthy(globals[globals.length - 1]!),
    replaces: [...get('Replaces')],
    unknown: [...values.keys()].filter((key) => !KNOWN_REQUIREMENT_KEYS.has(key)),
  };
}

/** The requirements of a unit, with %n %N %p %i expanded for its name. */
export function unitRequirements(name: string, options: readonly UnitOption[]): FleetRequirements {
  return requirementsFromValues(fleetRequirementValues(name, options));
}

/** Whether the unit is global (`[X-Fleet] Global`, last value wins, specifiers expanded for `name`). */
export function isGlobalUnit(name: string, options: readonly UnitOption[]): boolean {
  return unitRequirements(name, options).global;
}

/**
 * fleet's submit-time check: the error text (`MachineID cannot be used with Peers`,
 * `unresolvable requirements: peer "a.service" matches conflict "a.*"`, ...) or null.
 *
 * This is the whole of fleet's option validation, in its order: first the canonical text must
 * parse again (a go-systemd error such as `line too long (max 2048 bytes)`), then the
 * requirements are checked. As in fleet, the unit's name plays no part: specifiers are not
 * expanded here (`name` is accepted for symmetry and ignored).
 */
export function validateRequirements(name: string, options: readonly UnitOption[]): string | null {
  void name;
  const parseError = serializedOptionsError(options);
  if (parseError !== null) return parseError;

  const req = requirementsFromValues(fleetRequirementValues('', options));
  const conflicts = unique(req.conflicts);
  const replaces = unique(req.replaces);
  const peers = unique(req.machineOf);
  for (const peer of peers) {
    for (const conflict of conflicts) {
      if (pathMatch(conflict, peer)) {
        return `unresolvable requirements: peer ${goQuote(peer)} matches conflict ${goQuote(conflict)}`;
      }
    }
    for (const replace of replaces) {
      if (pathMatch(replace, peer)) {
        return `unresolvable requirements: peer ${goQuote(peer)} matches replace ${goQuote(replace)}`;
      }
    }
  }
  const hasPeers = peers.length > 0;
  const hasConflicts = conflicts.length > 0;
  const hasReplaces = replaces.length > 0;
  const hasTarget = req.hasMachineId === true;
  if (hasTarget && hasPeers) return 'MachineID cannot be used with Peers';
  if (hasTarget && hasConflicts) return 'MachineID cannot be used with Conflicts';
  if (hasTarget && req.global) return 'MachineID cannot be used with Global';
  if (hasTarget && hasReplaces) return 'MachineID cannot be used with Replaces';
  if (req.global && hasPeers) return 'Global cannot be used with Peers';
  if (req.global && hasReplaces) return 'Global cannot be used with Replaces';
  if (hasConflicts && hasReplaces) return 'Conflicts cannot be used with Replaces';
  return null;
}

/**
 * fleetctl's warning for an unknown `[X-Fleet]` key (logged, not fatal), e.g.
 * `Unit warn.service: unrecognized requirement in [X-Fleet] section: "BogusOption"`, or null.
 * fleet reports one key only; this is the first in file order.
 */
export function unrecognizedRequirementWarning(name: string, options: readonly UnitOption[]): string | null {
  const unknown = unitRequirements(name, options).unknown;
  if (unknown.length === 0) return null;
  return `Unit ${name}: unrecognized requirement in [X-Fleet] section: ${goQuote(unknown[0]!)}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Whether two units may not share a machine (either one's Conflicts matches the other's name). */
export function unitsConflict(aName: string, a: FleetRequirements, bName: string, b: FleetRequirements): boolean {
  if (aName === bName) return false;
  return a.conflicts.some((p) => pathMatch(p, bName)) || b.conflicts.some((p) => pathMatch(p, aName));
}

/**
 * Whether `aName` replaces `bName` (a's Replaces matches b's name). The engine moves the other
 * unit only when exactly one direction holds.
 */
export function unitReplaces(aName: string, a: FleetRequirements, bName: string): boolean {
  if (aName === bName) return false;
  return a.replaces.some((p) => pathMatch(p, bName));
}

/** Whether a machine's metadata satisfies the unit's MachineMetadata. */
export function metadataMatches(required: ReadonlyMap<string, readonly string[]>, metadata: Readonly<Record<string, string>>): boolean {
  for (const [key, values] of required) {
    if (!Object.hasOwn(metadata, key)) return false;
    if (!values.includes(metadata[key]!)) return false;
  }
  return true;
}

/** Whether a MachineID requirement names this machine (full ID or its first 8 characters). */
export function machineIdMatches(required: string, machineId: string): boolean {
  return machineId === required || machineId.slice(0, 8) === required;
}

/** AbleToRun's first test: true when the unit has no MachineID requirement or it names this machine. */
export function machineIdAllows(req: FleetRequirements, machineId: string): boolean {
  const has = req.hasMachineId ?? req.machineId !== '';
  return !has || machineIdMatches(req.machineId, machineId);
}
