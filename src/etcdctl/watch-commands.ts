/** watch (print changes) and exec-watch (run a command per change). */
import { spawn } from 'node:child_process';
import type { CommandAction } from './key-commands.js';
import { CtlExit, EXIT } from './ctl-io.js';
import { printResponseKey } from './response-printer.js';
import type { EtcdResponse, Watcher } from '../client/index.js';
import type { CtlSession } from './ctl-session.js';

/** The watch's next event, null once it has ended; a failed watch ends etcdctl as a server error. */
async function nextEvent(watcher: Watcher, s: CtlSession): Promise<EtcdResponse | null> {
  let r: IteratorResult<EtcdResponse>;
  try {
    r = await watcher.next();
  } catch (err) {
    return s.fail(EXIT.serverError, err);
  }
  return r.done ? null : r.value;
}

export const watchCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  if (args.length === 0) s.fail(EXIT.badArgs, new Error('key required'));
  const key = args[0]!;
  const recursive = flags.bool('recursive');
  const forever = flags.bool('forever');
  s.io.exitOnInterrupt?.();
  const watcher = client.watch(key, { recursive, afterIndex: flags.number('after-index'), resumeOnError: false });
  for (;;) {
    const event = await nextEvent(watcher, s);
    if (event === null) return;
    if (event.node.dir) continue;
    if (recursive) s.io.stdout(`[${event.action}] ${event.node.key}\n`);
    printResponseKey(s.io, event, s.output);
    if (!forever) {
      watcher.stop();
      return;
    }
  }
};

export const execWatchCommand: CommandAction = async (s, flags, args) => {
  const client = await s.syncedClient();
  if (args.length < 2) s.fail(EXIT.badArgs, new Error('key and command to exec required'));
  let key: string;
  let command: string[];
  const sep = args.findIndex((a, i) => a === '--' && i !== 0);
  if (sep !== -1) {
    key = args[0]!;
    command = args.slice(2);
  } else {
    key = args[args.length - 1]!;
    command = args.slice(0, -1);
  }
  s.io.exitOnInterrupt?.();
  const watcher = client.watch(key, {
    recursive: flags.bool('recursive'),
    afterIndex: flags.number('after-index'),
    resumeOnError: false,
  });
  for (;;) {
    const event = await nextEvent(watcher, s);
    if (event === null) return;
    if (event.node.dir) {
      s.io.stderr(`Ignored dir ${event.node.key} change\n`);
      continue;
    }
    const env: Record<string, string | undefined> = {
      ...s.io.env,
      ETCD_WATCH_ACTION: event.action,
      ETCD_WATCH_MODIFIED_INDEX: String(event.node.modifiedIndex),
      ETCD_WATCH_KEY: event.node.key,
      ETCD_WATCH_VALUE: event.node.value ?? '',
    };
    const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const text = err.code === 'ENOENT' ? `exec: "${command[0]}": executable file not found in $PATH` : err.message;
      s.io.stderr(text);
      s.io.hardExit?.(EXIT.badArgs);
    });
  }
};

export { CtlExit };
