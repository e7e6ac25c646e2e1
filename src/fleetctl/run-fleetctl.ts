/**
 * One fleetctl invocation, in process: cobra-style command lookup and flag parsing, help and
 * usage errors (exit 0, as cobra leaves them), client setup, and the command itself.
 */
import { FlagError, FlagSet, type ParsedFlags } from '../go/flags.js';
import { runFdForward, runSsh, runVerify, runVersion } from './access-commands.js';
import { ClientInitError, checkVersion, connect, type FleetConnection } from './client-factory.js';
import { findCommand } from './cobra-dispatch.js';
import { MachineCache, type CommandContext, type CommandRun } from './command-context.js';
import { GLOBAL_FLAGS, type CommandName, type CommandSpec } from './command-table.js';
import type { FleetAgentAccess, FleetClient } from './fleet-client.js';
import { FleetctlIO, SYSTEM_CLOCK, type FleetctlClock, type OutputStream } from './fleetctl-io.js';
import { resolveGlobalOptions } from './global-options.js';
import { errorText, goBackquotedSlice } from './go-format.js';
import { usageText } from './help-text.js';
import { runCat, runJournal, runStatus } from './inspect-commands.js';
import {
  runDestroy,
  runLoad,
  runRestart,
  runStart,
  runStop,
  runSubmit,
  runUnload,
} from './lifecycle-commands.js';
import { runListMachines, runListUnitFiles, runListUnits } from './list-commands.js';

export interface RunFleetctlOptions {
  env?: Readonly<Record<string, string | undefined>>;
  stdout: OutputStream;
  stderr: OutputStream;
  stdin?: NodeJS.ReadableStream;
  /** Use this client instead of the one the global flags describe. */
  client?: FleetClient;
  /** How status/journal reach agents with an injected client (default: the client, if it can). */
  agent?: FleetAgentAccess | null;
  clock?: FleetctlClock;
  /** Directory relative unit file paths are read from (default process.cwd()). */
  cwd?: string;
  /** Aborting ends waits and follows. */
  signal?: AbortSignal;
}

const RUNS: Record<Exclude<CommandName, 'help'>, CommandRun> = {
  cat: runCat,
  destroy: runDestroy,
  'fd-forward': runFdForward,
  journal: runJournal,
  'list-machines': (ctx) => runListMachines(ctx),
  'list-unit-files': (ctx) => runListUnitFiles(ctx),
  'list-units': (ctx) => runListUnits(ctx),
  load: runLoad,
  restart: runRestart,
  ssh: runSsh,
  start: runStart,
  status: runStatus,
  stop: runStop,
  submit: runSubmit,
  unload: runUnload,
  verify: (ctx) => runVerify(ctx),
  version: (ctx) => runVersion(ctx),
};

/** fleetctl's currentCommand: the last of start, load or submit among the raw arguments. */
function replaceContextOf(argv: readonly string[]): string {
  let current = '';
  for (const a of argv) if (a === 'start' || a === 'load' || a === 'submit') current = a;
  return current;
}

function isAgentAccess(c: unknown): c is FleetAgentAccess {
  const a = c as Partial<FleetAgentAccess>;
  return typeof a.unitStatus === 'function' && typeof a.unitJournal === 'function';
}

/** cobra's report of an error it met before the command ran (exit status stays 0). */
function cobraError(io: FleetctlIO, message: string, usageOf: CommandSpec | null | undefined): number {
  io.err(`Error: ${message}\n`);
  if (usageOf !== undefined) {
    io.out(usageText(usageOf));
    io.err('\n');
  } else {
    io.err("Run 'fleetctl --help' for usage.\n");
  }
  io.stderr(`cannot execute cmdFleet: ${message}`);
  return 0;
}

function helpCommand(io: FleetctlIO, args: readonly string[]): number {
  const found = findCommand(args, GLOBAL_FLAGS);
  if (found.kind === 'unknown') {
    io.err(`Unknown help topic ${goBackquotedSlice(args)}.`);
    io.out(usageText(null));
  } else {
    io.out(usageText(found.kind === 'command' ? found.command : null));
  }
  return 0;
}

/** Runs fleetctl with `argv` (without the program name); resolves to the exit status. */
export async function runFleetctl(argv: readonly string[], options: RunFleetctlOptions): Promise<number> {
  const env = options.env ?? {};
  const io = new FleetctlIO(options.stdout, options.stderr, options.clock ?? SYSTEM_CLOCK);
  if (argv.length === 0) {
    io.out(usageText(null));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') return runVersion({ io });

  const found = findCommand(argv, GLOBAL_FLAGS);
  if (found.kind === 'unknown') return cobraError(io, found.message, undefined);
  const command = found.kind === 'command' ? found.command : null;

  let flags: ParsedFlags;
  try {
    flags = new FlagSet(command === null ? GLOBAL_FLAGS : [...command.flags, ...GLOBAL_FLAGS], { style: 'pflag' }).parse(found.args);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    if (err.isHelp) {
      io.out(usageText(command));
      return 0;
    }
    return cobraError(io, err.message, command);
  }
  const global = resolveGlobalOptions(flags, env);
  io.debug = global.debug;
  if (global.help || command === null) {
    io.out(usageText(command));
    return 0;
  }
  if (command.name === 'help') return helpCommand(io, flags.rest);

  let connection: FleetConnection = { client: options.client as FleetClient, agent: null };
  if (options.client !== undefined) {
    connection.agent = options.agent !== undefined ? options.agent : isAgentAccess(options.client) ? options.client : null;
    if (command.needsClient && options.client.driver === 'etcd') await checkVersion(options.client, io);
  } else if (command.needsClient) {
    try {
      connection = await connect(global, io, env);
    } catch (err) {
      if (!(err instanceof ClientInitError)) throw err;
      io.stderr(`Unable to initialize client: ${err.message}`);
      return 1;
    }
  }

  const ctx: CommandContext = {
    io,
    flags,
    global,
    client: connection.client,
    agent: connection.agent,
    command: command.name,
    replaceContext: replaceContextOf(argv),
    cwd: options.cwd ?? process.cwd(),
    env,
    stdin: options.stdin,
    signal: options.signal,
    machines: new MachineCache(connection.client),
  };
  try {
    return await RUNS[command.name](ctx, flags.rest);
  } catch (err) {
    io.stderr(errorText(err));
    return 1;
  }
}
