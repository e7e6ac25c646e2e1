/**
 * Validation of a `/v2/keys` request and its translation into a store request, with etcd's checks in
 * etcd's order (the first failure wins; every validation error carries index 0).
 */
import { EtcdError, ErrorCode } from '../../store/errors.js';
import type { WriteRequest } from '../../store/request.js';
import { parseGoBool, parseGoUint64, type FormValues } from './form.js';
import { parseGoDuration } from '../../go/time.js';
import { watchableActions, type WatchFilter } from '../../store/watch-filter.js';

export interface KeyRequest {
  readonly method: string;
  /** Cleaned absolute key, `/` for the keys root. */
  readonly key: string;
  readonly value: string;
  readonly dir: boolean;
  readonly prevValue: string;
  readonly prevIndex: number;
  readonly prevExist: boolean | null;
  readonly wait: boolean;
  readonly waitIndex: number;
  readonly recursive: boolean;
  readonly sorted: boolean;
  readonly quorum: boolean;
  /**
   * etcd 0.4's `consistent=true`: a read that must see every acknowledged write, served here as a
   * quorum read. etcd 2.x and 3.4 ignore the parameter; as in 0.4, only a true value counts and
   * no value is an error.
   */
  readonly consistent: boolean;
  readonly stream: boolean;
  /**
   * Flotilla's opt-in `waitTimeout` for a watch (`wait=true`), in ms: the watch ends with an empty
   * body once it has waited that long without an event. Null when absent or zero: wait forever,
   * as etcd does. Ignored, like etcd ignores unknown parameters, when `wait` is not true.
   */
  readonly waitTimeoutMs: number | null;
  /**
   * Flotilla's opt-in narrowing of a watch: `level=N` (only keys at most N levels below the
   * watched one) and `filter=create,delete` (only these actions). Null when neither is given, and
   * when `wait` is not true (then both are ignored, as etcd ignores parameters it does not know).
   */
  readonly watchFilter: WatchFilter | null;
  readonly ttl: number | null;
  readonly refresh: boolean | null;
  readonly noValueOnSuccess: boolean;
}

function requestError(code: number, cause: string): EtcdError {
  return new EtcdError(code, cause, 0);
}

function uintParam(form: FormValues, name: string): number {
  const raw = form.get(name);
  if (raw === undefined) return 0;
  const v = parseGoUint64(raw);
  if (v === null) throw requestError(ErrorCode.IndexNaN, `invalid value for "${name}"`);
  return v;
}

function boolParam(form: FormValues, name: string): boolean {
  const raw = form.get(name);
  if (raw === undefined) return false;
  const v = parseGoBool(raw);
  if (v === null) throw requestError(ErrorCode.InvalidField, `invalid value for "${name}"`);
  return v;
}

/** Node's timers hold at most this many ms; a longer wait is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `waitTimeout`: a Go duration ("30s", "1m30s", "500ms") or a bare count of nanoseconds, the form
 * proposed for etcd itself (etcd-io/etcd#3816). Zero means no timeout.
 */
function waitTimeoutParam(form: FormValues): number | null {
  const raw = form.get('waitTimeout');
  if (raw === undefined || raw === '') return null;
  const ns = parseGoUint64(raw);
  const ms = ns !== null ? ns / 1e6 : parseGoDuration(raw);
  if (ms === null || ms < 0 || !Number.isFinite(ms)) throw requestError(ErrorCode.InvalidField, 'invalid value for "waitTimeout"');
  if (ms === 0) return null;
  return Math.min(Math.max(1, Math.ceil(ms)), MAX_TIMER_MS);
}

/** `level` and `filter` of a watch; null when neither narrows it. */
function watchFilterParams(form: FormValues): WatchFilter | null {
  let maxDepth: number | null = null;
  const rawLevel = form.get('level');
  if (rawLevel !== undefined && rawLevel !== '') {
    const level = parseGoUint64(rawLevel);
    if (level === null) throw requestError(ErrorCode.InvalidField, 'invalid value for "level"');
    if (level > 0) maxDepth = level;
  }
  let actions: Set<string> | null = null;
  const rawFilter = form.get('filter');
  if (rawFilter !== undefined) {
    for (const part of rawFilter.split(',')) {
      const action = part.trim();
      if (action === '') continue;
      if (!watchableActions.has(action)) throw requestError(ErrorCode.InvalidField, 'invalid value for "filter"');
      (actions ??= new Set()).add(action);
    }
  }
  return maxDepth === null && actions === null ? null : { maxDepth, actions };
}

/** Parses and validates the parameters of a keys request. Throws `EtcdError` (index 0). */
export function parseKeyRequest(method: string, key: string, form: FormValues): KeyRequest {
  const prevIndex = uintParam(form, 'prevIndex');
  const waitIndex = uintParam(form, 'waitIndex');
  const recursive = boolParam(form, 'recursive');
  const sorted = boolParam(form, 'sorted');
  const wait = boolParam(form, 'wait');
  const dir = boolParam(form, 'dir');
  const quorum = boolParam(form, 'quorum');
  const stream = boolParam(form, 'stream');
  if (wait && method !== 'GET') {
    throw requestError(ErrorCode.InvalidField, '"wait" can only be used with GET requests');
  }
  const prevValue = form.get('prevValue');
  if (prevValue === '') throw requestError(ErrorCode.PrevValueRequired, '"prevValue" cannot be empty');
  const noValueOnSuccess = boolParam(form, 'noValueOnSuccess');
  let ttl: number | null = null;
  const rawTtl = form.get('ttl');
  if (rawTtl !== undefined && rawTtl !== '') {
    ttl = parseGoUint64(rawTtl);
    if (ttl === null) throw requestError(ErrorCode.TtlNaN, 'invalid value for "ttl"');
  }
  let prevExist: boolean | null = null;
  const rawPrevExist = form.get('prevExist');
  if (rawPrevExist !== undefined) {
    prevExist = parseGoBool(rawPrevExist);
    if (prevExist === null) throw requestError(ErrorCode.InvalidField, 'invalid value for prevExist');
  }
  let refresh: boolean | null = null;
  const rawRefresh = form.get('refresh');
  const value = form.get('value') ?? '';
  if (rawRefresh !== undefined) {
    refresh = parseGoBool(rawRefresh);
    if (refresh === null) throw requestError(ErrorCode.InvalidField, 'invalid value for refresh');
    if (refresh) {
      if (value !== '') throw requestError(ErrorCode.RefreshValue, 'A value was provided on a refresh');
      if (ttl === null) throw requestError(ErrorCode.RefreshTtlRequired, 'No TTL value set');
    }
  }
  const waitTimeoutMs = wait ? waitTimeoutParam(form) : null;
  const watchFilter = wait ? watchFilterParams(form) : null;
  const consistent = (form.get('consistent') ?? '').toLowerCase() === 'true';
  return {
    method,
    key,
    value,
    dir,
    prevValue: prevValue ?? '',
    prevIndex,
    prevExist,
    wait,
    waitIndex,
    recursive,
    sorted,
    quorum,
    consistent,
    stream,
    waitTimeoutMs,
    watchFilter,
    ttl,
    refresh,
    noValueOnSuccess,
  };
}

/** The store write for a PUT, POST or DELETE (null for reads), stamped with `time`. */
export function toStoreRequest(r: KeyRequest, time: number): WriteRequest | null {
  const key = r.key;
  switch (r.method) {
    case 'PUT': {
      const refresh = r.refresh === true;
      if (r.prevExist !== null) {
        if (r.prevExist) {
          if (r.prevIndex === 0 && r.prevValue === '') {
            return { op: 'update', key, value: r.value, ttl: r.ttl, refresh, time };
          }
          return { op: 'compareAndSwap', key, value: r.value, prevValue: r.prevValue, prevIndex: r.prevIndex, ttl: r.ttl, refresh, time };
        }
        return { op: 'create', key, value: r.value, dir: r.dir, unique: false, ttl: r.ttl, time };
      }
      if (r.prevIndex > 0 || r.prevValue !== '') {
        return { op: 'compareAndSwap', key, value: r.value, prevValue: r.prevValue, prevIndex: r.prevIndex, ttl: r.ttl, refresh, time };
      }
      return { op: 'set', key, value: r.value, dir: r.dir, ttl: r.ttl, refresh, time };
    }
    case 'POST':
      return { op: 'create', key, value: r.value, dir: r.dir, unique: true, ttl: r.ttl, time };
    case 'DELETE':
      if (r.prevIndex > 0 || r.prevValue !== '') {
        return { op: 'compareAndDelete', key, prevValue: r.prevValue, prevIndex: r.prevIndex, time };
      }
      return { op: 'delete', key, dir: r.dir, recursive: r.recursive, time };
    default:
      return null;
  }
}
