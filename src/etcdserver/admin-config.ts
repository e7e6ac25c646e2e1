/**
 * The cluster configuration of etcd 0.4's admin API (`/v2/admin/config`): how many machines take
 * part in Raft (`activeSize`), how long a peer may be unreachable before the leader removes it
 * (`removeDelay`, seconds) and how often standbys re-read the cluster (`syncInterval`, seconds).
 *
 * The configuration changes only by applying log entries, so every member holds the same one at the
 * same index. An entry carries an update (the fields a client sent, nothing else); applying merges
 * it into the current configuration and clamps the result to the minimums. Because the merge happens
 * at apply time, two concurrent updates of different fields both take effect.
 *
 * 0.4 kept the configuration in the hidden store key `/_etcd/config`; here it lives beside the
 * membership (and in the snapshot with it) so that using the admin API never moves the etcd index
 * clients see.
 */

export interface AdminConfig {
  /** Machines that take part in Raft; further machines run as standbys. An integer. */
  readonly activeSize: number;
  /** Seconds a peer may be unreachable before the leader removes it. */
  readonly removeDelay: number;
  /** Seconds between a standby's re-reads of the cluster. */
  readonly syncInterval: number;
}

/** The fields of a configuration change; a missing field keeps its current value. */
export interface AdminConfigUpdate {
  readonly activeSize?: number;
  readonly removeDelay?: number;
  readonly syncInterval?: number;
}

export const DEFAULT_ADMIN_CONFIG: AdminConfig = Object.freeze({ activeSize: 9, removeDelay: 1800, syncInterval: 5 });

export const MIN_ACTIVE_SIZE = 3;
export const MIN_REMOVE_DELAY = 2;
export const MIN_SYNC_INTERVAL = 1;

/** A body `PUT /v2/admin/config` cannot use; the HTTP layer answers 500 with the message. */
export class AdminConfigSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminConfigSyntaxError';
  }
}

/** Go's `int(float64)`: toward zero, kept inside the range a JS number counts exactly. */
function toInt(n: number): number {
  const t = Math.trunc(n);
  if (t > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (t < -Number.MAX_SAFE_INTEGER) return -Number.MAX_SAFE_INTEGER;
  return t;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The configuration with every value raised to its minimum and `activeSize` made an integer. */
export function clampAdminConfig(c: AdminConfig): AdminConfig {
  const activeSize = toInt(c.activeSize);
  return {
    activeSize: activeSize < MIN_ACTIVE_SIZE ? MIN_ACTIVE_SIZE : activeSize,
    removeDelay: c.removeDelay < MIN_REMOVE_DELAY ? MIN_REMOVE_DELAY : c.removeDelay,
    syncInterval: c.syncInterval < MIN_SYNC_INTERVAL ? MIN_SYNC_INTERVAL : c.syncInterval,
  };
}

/**
 * The numeric fields of a decoded JSON value; anything else (strings, booleans, unknown fields, a
 * value that is not an object) is ignored, as 0.4 ignores it.
 */
export function adminConfigUpdateFrom(value: unknown): AdminConfigUpdate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const out: { activeSize?: number; removeDelay?: number; syncInterval?: number } = {};
  if (finite(v.activeSize)) out.activeSize = toInt(v.activeSize);
  if (finite(v.removeDelay)) out.removeDelay = v.removeDelay;
  if (finite(v.syncInterval)) out.syncInterval = v.syncInterval;
  return out;
}

/**
 * Reads the body of `PUT /v2/admin/config`. The body must be one JSON object (or `null`, which
 * changes nothing); other JSON values and unparsable text raise `AdminConfigSyntaxError` with the
 * message Go's decoder gives for the common cases.
 */
export function parseAdminConfigBody(body: string): AdminConfigUpdate {
  const text = body.trim();
  if (text === '') throw new AdminConfigSyntaxError('EOF');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AdminConfigSyntaxError(err instanceof Error ? err.message : String(err));
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
    throw new AdminConfigSyntaxError(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  return adminConfigUpdateFrom(value);
}

/** The configuration after an update entry is applied: merged, then clamped. */
export function applyAdminConfigUpdate(current: AdminConfig, update: AdminConfigUpdate): AdminConfig {
  return clampAdminConfig({
    activeSize: update.activeSize ?? current.activeSize,
    removeDelay: update.removeDelay ?? current.removeDelay,
    syncInterval: update.syncInterval ?? current.syncInterval,
  });
}

/** Go's encoding of a float64 for the values this configuration can hold. */
function goFloat(n: number): string {
  const s = String(n);
  // Go writes exponents with at least two digits (1e+21 stays, 1e-7 becomes 1e-07).
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `{"activeSize":9,"removeDelay":1800,"syncInterval":5}` (no trailing newline). */
export function adminConfigJSON(c: AdminConfig): string {
  return `{"activeSize":${toInt(c.activeSize)},"removeDelay":${goFloat(c.removeDelay)},"syncInterval":${goFloat(c.syncInterval)}}`;
}

/** The payload of an admin-config log entry: only the fields the update sets. */
export function adminConfigEntryPayload(update: AdminConfigUpdate): AdminConfigUpdate {
  return adminConfigUpdateFrom(update);
}

/**
 * The configuration a snapshot records, read from the snapshot's membership JSON (its
 * `adminConfig` field); a snapshot written before the field existed means the defaults.
 */
export function adminConfigFromSnapshotJSON(json: unknown): AdminConfig {
  if (typeof json !== 'object' || json === null) return DEFAULT_ADMIN_CONFIG;
  const stored = (json as { adminConfig?: unknown }).adminConfig;
  return applyAdminConfigUpdate(DEFAULT_ADMIN_CONFIG, adminConfigUpdateFrom(stored));
}

/** The membership JSON of a snapshot with the configuration added as its `adminConfig` field. */
export function withAdminConfig<T extends object>(membershipJSON: T, config: AdminConfig): T & { adminConfig: AdminConfig } {
  return { ...membershipJSON, adminConfig: { activeSize: config.activeSize, removeDelay: config.removeDelay, syncInterval: config.syncInterval } };
}

/**
 * The update a member that starts a new cluster proposes once from the 0.4 flags
 * `-cluster-active-size`, `-cluster-remove-delay` and `-cluster-sync-interval`; null when none was
 * given.
 */
export function seedAdminConfigUpdate(flags: AdminConfigUpdate): AdminConfigUpdate | null {
  const update = adminConfigUpdateFrom(flags);
  return Object.keys(update).length === 0 ? null : update;
}
