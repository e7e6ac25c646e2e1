/** etcdctl's entry: global flags, command dispatch, help and usage errors, exit codes. */
import { appHelp, commandGroupHelp, commandHelp } from './help-text.js';
import { COMMANDS, ETCDCTL_VERSION, GLOBAL_FLAGS, findCommand, type CommandSpec } from './command-table.js';
import { FlagError, FlagSet, type ParsedFlags } from '../go/flags.js';
import { reorderCommandArgs } from './go-flags.js';
import { CtlExit, EXIT, type CtlIO } from './ctl-io.js';
import type { CtlSession } from './ctl-session.js';
import type { CommandAction } from './key-commands.js';

/** Command implementations, loaded only when a command runs (keeps --version and help fast). */
async function loadAction(name: string): Promise<CommandAction | undefined> {
  switch (name) {
    case 'get':
    case 'ls':
    case 'set':
    case 'mk':
    case 'update':
    case 'mkdir':
    case 'setdir':
    case 'updatedir':
    case 'rm':
    case 'rmdir': {
      const m = await import('./key-commands.js');
      const table: Record<string, CommandAction> = {
        get: m.getCommand,
        ls: m.lsCommand,
        set: m.setCommand,
        mk: m.mkCommand,
        update: m.updateCommand,
        mkdir: m.mkdirCommand,
        setdir: m.setdirCommand,
        updatedir: m.updatedirCommand,
        rm: m.rmCommand,
        rmdir: m.rmdirCommand,
      };
      return table[name];
    }
    case 'watch':
      return (await import('./watch-commands.js')).watchCommand;
    case 'exec-watch':
      return (await import('./watch-commands.js')).execWatchCommand;
    case 'cluster-health':
      return (await import('./member-commands.js')).clusterHealthCommand;
    case 'member list':
      return (await import('./member-commands.js')).memberListCommand;
    case 'member add':
      return (await import('./member-commands.js')).memberAddCommand;
    case 'member remove':
      return (await import('./member-commands.js')).memberRemoveCommand;
    case 'member update':
      return (await import('./member-commands.js')).memberUpdateCommand;
    default:
      return undefined;
  }
}

function noHelpTopic(io: CtlIO, name: string): never {
  io.stderr(`No help topic for '${name}'\n`);
  throw new CtlExit(3);
}

function parseCommandFlags(io: CtlIO, cmd: CommandSpec, helpName: string, args: string[]): ParsedFlags {
  try {
    return new FlagSet(cmd.flags).parse(reorderCommandArgs(cmd.flags, args));
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    if (err.isHelp) {
      io.stdout(commandHelp(cmd, helpName));
      throw new CtlExit(EXIT.success);
    }
    io.stdout(`Incorrect Usage: ${err.message}\n\n${commandHelp(cmd, helpName)}`);
    io.stderr(`${err.message}\n`);
    throw new CtlExit(EXIT.badArgs);
  }
}

async function dispatch(io: CtlIO, argv: string[], sessionRef: { session?: CtlSession }): Promise<void> {
  const api = io.env.ETCDCTL_API;
  if (api !== undefined && api !== '' && api !== '2') {
    io.stderr(`unsupported API version ${api}\n`);
    throw new CtlExit(EXIT.badArgs);
  }
  let globals: ParsedFlags;
  try {
    globals = new FlagSet(GLOBAL_FLAGS).parse(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    if (err.isHelp) {
      io.stdout(appHelp());
      return;
    }
    io.stdout(`Incorrect Usage. ${err.message}\n\n${appHelp()}`);
    io.stderr(`${err.message}\n`);
    throw new CtlExit(EXIT.badArgs);
  }
  if (globals.bool('help')) {
    io.stdout(appHelp());
    return;
  }
  if (globals.bool('version')) {
    io.stdout(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: 2\n`);
    return;
  }
  const rest = globals.rest;
  if (rest.length === 0) {
    io.stdout(appHelp());
    return;
  }
  const name = rest[0]!;
  if (name === 'help' || name === 'h') {
    if (rest.length < 2) {
      io.stdout(appHelp());
      return;
    }
    const target = findCommand(COMMANDS, rest[1]!);
    if (!target) noHelpTopic(io, rest[1]!);
    io.stdout(commandHelp(target, `etcdctl ${target.name}`));
    return;
  }
  const cmd = findCommand(COMMANDS, name);
  if (!cmd) noHelpTopic(io, name);

  let spec: CommandSpec = cmd;
  let helpName = `etcdctl ${cmd.name}`;
  let actionName = cmd.name;
  let args = rest.slice(1);
  if (cmd.subcommands) {
    const subName = args[0];
    if (subName === undefined || subName === '--help' || subName === '-h' || subName === 'help' || subName === 'h') {
      io.stdout(commandGroupHelp(cmd));
      return;
    }
    const sub = findCommand(cmd.subcommands, subName);
    if (!sub) noHelpTopic(io, subName);
    spec = sub;
    helpName = `etcdctl ${cmd.name} ${sub.name}`;
    actionName = `${cmd.name} ${sub.name}`;
    args = args.slice(1);
  }
  const flags = parseCommandFlags(io, spec, helpName, args);
  const positional = flags.rest;
  const action = await loadAction(actionName);
  if (!action) {
    io.stderr(`Error:  ${actionName} is not supported by this etcdctl\n`);
    throw new CtlExit(EXIT.badArgs);
  }
  const { CtlSession } = await import('./ctl-session.js');
  const session = new CtlSession(io, globals);
  sessionRef.session = session;
  await action(session, flags, positional);
}

/** Runs etcdctl with the arguments after the program name; resolves with the exit code. */
export async function runEtcdctl(argv: string[], io: CtlIO): Promise<number> {
  const ref: { session?: CtlSession } = {};
  try {
    await dispatch(io, argv, ref);
    return EXIT.success;
  } catch (err) {
    if (err instanceof CtlExit) return err.code;
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.badArgs;
  } finally {
    ref.session?.close();
  }
}
