/**
 * Processing one template resource, step for step as confd 0.16.0 does it: target mode, fetch,
 * render into a stage file next to the destination, compare, check, atomic rename, reload.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileModeString, parseModeString } from './file-mode.js';
import { goQuote } from './gotemplate/escapers.js';
import { Template } from './gotemplate/template.js';
import { goMap } from './gotemplate/values.js';
import type { ConfdLogger } from './logger.js';
import { MemKV } from './memkv.js';
import type { CommandResult } from './shell-command.js';
import { BackendError, type StoreClient } from './store-client.js';
import { confdFunctions, type FunctionHost } from './template-functions.js';
import { fetchKeys, storeKey, type TemplateResource } from './template-resource.js';

export interface ProcessorContext {
  readonly store: StoreClient;
  readonly log: ConfdLogger;
  readonly functionHost: FunctionHost;
  readonly noop: boolean;
  readonly syncOnly: boolean;
  readonly keepStageFile: boolean;
  /** Nine random digits for stage file names. */
  readonly randomDigits: () => string;
  readonly runCommand: (command: string) => Promise<CommandResult>;
}

/** A failed processing; the message is what confd logs. */
export class ProcessError extends Error {
  override readonly name = 'ProcessError';
  constructor(
    message: string,
    /** Store index the failure was observed at, when known. */
    readonly fetchIndex?: number,
    /** The backend could not be reached (no index known): worth retrying without waiting for a change. */
    readonly backendUnreachable = false,
  ) {
    super(message);
  }
}

export interface ProcessOutcome {
  /** Lowest store index the values were read at (0 when the backend has none). */
  readonly fetchIndex: number;
  readonly changed: boolean;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EBUSY: 'device or resource busy',
  EXDEV: 'invalid cross-device link',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
};

/** Go's `*PathError` / `*LinkError` text for a Node fs error. */
function goFsError(op: string, paths: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return `${op} ${paths}: ${ERRNO_TEXT[code] ?? (e as Error).message}`;
}

interface FileFacts {
  uid: number;
  gid: number;
  mode: number;
  md5: string;
}

function fileFacts(path: string): FileFacts {
  const st = statSync(path);
  const md5 = createHash('md5').update(readFileSync(path)).digest('hex');
  return { uid: st.uid, gid: st.gid, mode: st.mode, md5 };
}

/** Compares the stage file with the destination, logging each difference like confd. */
function isConfigChanged(stage: string, dest: string, log: ConfdLogger): boolean {
  if (!existsSync(dest)) return true;
  let d: FileFacts;
  let s: FileFacts;
  try {
    d = fileFacts(dest);
    s = fileFacts(stage);
  } catch (e) {
    log.error((e as Error).message);
    return true;
  }
  if (d.uid !== s.uid) log.info(`${dest} has UID ${d.uid} should be ${s.uid}`);
  if (d.gid !== s.gid) log.info(`${dest} has GID ${d.gid} should be ${s.gid}`);
  if (d.mode !== s.mode) log.info(`${dest} has mode ${fileModeString(d.mode)} should be ${fileModeString(s.mode)}`);
  if (d.md5 !== s.md5) log.info(`${dest} has md5sum ${d.md5} should be ${s.md5}`);
  return d.uid !== s.uid || d.gid !== s.gid || d.mode !== s.mode || d.md5 !== s.md5;
}

async function runLogged(ctx: ProcessorContext, command: string): Promise<string | undefined> {
  ctx.log.debug(`Running ${command}`);
  const r = await ctx.runCommand(command);
  if (r.error !== undefined) {
    ctx.log.error(goQuote(r.output));
    return r.error;
  }
  ctx.log.debug(goQuote(r.output));
  return undefined;
}

/** Processes one resource. Throws `ProcessError` with confd's message on failure. */
export async function processResource(r: TemplateResource, ctx: ProcessorContext): Promise<ProcessOutcome> {
  const { log } = ctx;
  // 1. Target mode.
  let mode: number;
  if (r.mode === '') {
    mode = existsSync(r.dest) ? statSync(r.dest).mode & 0o7777 : 0o644;
  } else {
    try {
      mode = parseModeString(r.mode) & 0o777;
    } catch (e) {
      throw new ProcessError((e as Error).message);
    }
  }
  // 2. Fetch.
  let values: Map<string, string>;
  let fetchIndex: number;
  try {
    const fetched = await ctx.store.getValues(fetchKeys(r));
    values = fetched.values;
    fetchIndex = fetched.index;
  } catch (e) {
    const backend = e instanceof BackendError ? e : undefined;
    throw new ProcessError((e as Error).message, backend?.index, backend?.unreachable ?? false);
  }
  const store = new MemKV();
  store.replaceAll([...values].map(([k, v]) => [storeKey(r.prefix, k), v] as const));
  log.debug(`Got the following map from store: ${values.size} keys`);
  // 3. Render into a stage file.
  log.debug(`Using source template ${r.src}`);
  if (!existsSync(r.src)) throw new ProcessError(`Missing template: ${r.src}`, fetchIndex);
  log.debug(`Compiling source template ${r.src}`);
  let template: Template;
  try {
    template = new Template(basename(r.src), confdFunctions(store, ctx.functionHost)).parse(readFileSync(r.src, 'utf8'));
  } catch (e) {
    throw new ProcessError(`Unable to process template ${r.src}, ${(e as Error).message}`, fetchIndex);
  }
  const stage = join(dirname(r.dest), `.${basename(r.dest)}${ctx.randomDigits()}`);
  let fd: number;
  try {
    fd = openSync(stage, 'wx', 0o600);
  } catch (e) {
    throw new ProcessError(goFsError('open', stage, e), fetchIndex);
  }
  try {
    const text = template.execute(undefined);
    writeSync(fd, text);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(stage);
    } catch {
      /* already gone */
    }
    throw new ProcessError((e as Error).message, fetchIndex);
  }
  closeSync(fd);
  try {
    chmodSync(stage, mode);
  } catch {
    /* confd ignores chmod errors */
  }
  try {
    chownSync(stage, r.uid, r.gid);
  } catch {
    /* confd ignores chown errors */
  }
  // 4. Sync.
  try {
    if (ctx.keepStageFile) log.info(`Keeping staged file: ${stage}`);
    log.debug(`Comparing candidate config to ${r.dest}`);
    const changed = isConfigChanged(stage, r.dest, log);
    if (ctx.noop) {
      log.warning(`Noop mode enabled. ${r.dest} will not be modified`);
      return { fetchIndex, changed: false };
    }
    if (!changed) {
      log.debug(`Target config ${r.dest} in sync`);
      return { fetchIndex, changed: false };
    }
    log.info(`Target config ${r.dest} out of sync`);
    if (!ctx.syncOnly && r.checkCmd !== '') {
      const failure = await check(r, stage, ctx);
      if (failure !== undefined) throw new ProcessError(`Config check failed: ${failure}`, fetchIndex);
    }
    log.debug(`Overwriting target config ${r.dest}`);
    try {
      renameSync(stage, r.dest);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EBUSY') throw new ProcessError(goFsError('rename', `${stage} ${r.dest}`, e), fetchIndex);
      // dest is a bind mount: write in place instead.
      log.debug(`Rename failed - target is likely a mount. Trying to write instead`);
      try {
        writeFileSync(r.dest, readFileSync(stage));
        chmodSync(r.dest, mode);
        try {
          chownSync(r.dest, r.uid, r.gid);
        } catch {
          /* ignored */
        }
      } catch (e2) {
        throw new ProcessError(goFsError('open', r.dest, e2), fetchIndex);
      }
    }
    if (!ctx.syncOnly && r.reloadCmd !== '') {
      const failure = await runLogged(ctx, r.reloadCmd);
      if (failure !== undefined) throw new ProcessError(failure, fetchIndex);
    }
    log.info(`Target config ${r.dest} has been updated`);
    return { fetchIndex, changed: true };
  } finally {
    if (!ctx.keepStageFile) {
      try {
        unlinkSync(stage);
      } catch {
        /* renamed away */
      }
    }
  }
}

/** Renders check_cmd (plain text/template, data `{src: stage}`) and runs it; returns the failure text. */
async function check(r: TemplateResource, stage: string, ctx: ProcessorContext): Promise<string | undefined> {
  let command: string;
  try {
    command = new Template('checkcmd').parse(r.checkCmd).execute(goMap('map[string]string', new Map([['src', stage]])));
  } catch (e) {
    return (e as Error).message;
  }
  return runLogged(ctx, command);
}
