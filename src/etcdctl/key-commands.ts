/** The key commands: get, ls, set, mk, update, mkdir, setdir, updatedir, rm, rmdir. */
import type { EtcdResponse } from '../client/index.js';
import type { ParsedFlags } from '../go/flags.js';
import { CtlExit, EXIT } from './ctl-io.js';
import type { CtlSession } from './ctl-session.js';
import { printListing, printResponseKey } from './response-printer.js';

export type CommandAction = (session: CtlSession, flags: ParsedFlags, args: string[]) => Promise<void>;

function keyArg(s: CtlSession, args: string[]): string {
  if (args.length === 0) s.fail(EXIT.badArgs, new Error('key required'));
  return args[0]!;
}

/** The value argument, or all of standard input when it is missing. */
async function valueArg(s: CtlSession, args: string[]): Promise<string> {
  if (args.length > 1) return args[1]!;
  let text = '';
  try {
    text = await s.io.readStdin();
  } catch {
    text = '';
  }
  if (text === '') s.fail(EXIT.badArgs, new Error('value required'));
  return text;
}

/** etcdctl sends a TTL only when it is positive. */
function ttlOf(flags: ParsedFlags): number | undefined {
  const ttl = flags.number('ttl');
  return ttl > 0 ? ttl : undefined;
}

async function serverCall(s: CtlSession, call: () => Promise<EtcdResponse>): Promise<EtcdResponse> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof CtlExit) throw err;
    return s.fail(EXIT.serverError, err);
  }
}

export const getCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  const key = keyArg(s, args);
  const r = await serverCall(s, () =>
    client.get(key, { sorted: flags.bool('sort'), quorum: flags.bool('quorum'), timeoutMs: s.totalTimeoutMs }),
  );
  if (r.node.dir) {
    s.io.stderr(`${r.node.key}: is a directory\n`);
    throw new CtlExit(EXIT.badArgs);
  }
  printResponseKey(s.io, r, s.output);
};

export const lsCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  const key = args.length > 0 ? args[0]! : '/';
  const r = await serverCall(s, () =>
    client.get(key, {
      sorted: flags.bool('sort'),
      recursive: flags.bool('recursive'),
      quorum: flags.bool('quorum'),
      timeoutMs: s.totalTimeoutMs,
    }),
  );
  if (s.output === 'simple') printListing(s.io, r, flags.bool('p'));
  else printResponseKey(s.io, r, s.output);
};

export const setCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  const key = keyArg(s, args);
  const value = await valueArg(s, args);
  const r = await serverCall(s, () =>
    client.set(key, value, {
      ttl: ttlOf(flags),
      prevValue: flags.string('swap-with-value') || undefined,
      prevIndex: flags.number('swap-with-index') || undefined,
      timeoutMs: s.totalTimeoutMs,
    }),
  );
  printResponseKey(s.io, r, s.output);
};

export const mkCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  const key = keyArg(s, args);
  const value = await valueArg(s, args);
  const ttl = ttlOf(flags);
  const r = await serverCall(s, () =>
    flags.bool('in-order')
      ? client.createInOrder(key, value, { ttl, timeoutMs: s.totalTimeoutMs })
      : client.create(key, value, { ttl, timeoutMs: s.totalTimeoutMs }),
  );
  printResponseKey(s.io, r, s.output);
};

export const updateCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  const key = keyArg(s, args);
  const value = await valueArg(s, args);
  const r = await serverCall(s, () => client.update(key, value, { ttl: ttlOf(flags), timeoutMs: s.totalTimeoutMs }));
  printResponseKey(s.io, r, s.output);
};

/** mkdir (must not exist), setdir (no condition) and updatedir (must exist): print only in non-simple formats. */
function dirCommand(prevExist: boolean | undefined): CommandAction {
  return async (s, flags, args) => {
    const client = await s.syncedClient();
    const key = keyArg(s, args);
    const r = await serverCall(s, () =>
      client.set(key, '', { dir: true, prevExist, ttl: ttlOf(flags), timeoutMs: s.totalTimeoutMs }),
    );
    if (s.output !== 'simple') printResponseKey(s.io, r, s.output);
  };
}

export const mkdirCommand = dirCommand(false);
export const setdirCommand = dirCommand(undefined);
export const updatedirCommand = dirCommand(true);

export const rmCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  const key = keyArg(s, args);
  const r = await serverCall(s, () =>
    client.delete(key, {
      dir: flags.bool('dir'),
      recursive: flags.bool('recursive'),
      prevValue: flags.string('with-value') || undefined,
      prevIndex: flags.number('with-index') || undefined,
      timeoutMs: s.totalTimeoutMs,
    }),
  );
  if (!r.node.dir || s.output !== 'simple') printResponseKey(s.io, r, s.output);
};

export const rmdirCommand: CommandAction = async (s, _flags, args) => {
  const client = await s.syncedClient();
  const key = keyArg(s, args);
  const r = await serverCall(s, () => client.delete(key, { dir: true, timeoutMs: s.totalTimeoutMs }));
  if (!r.node.dir || s.output !== 'simple') printResponseKey(s.io, r, s.output);
};
