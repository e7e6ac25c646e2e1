/**
 * ssh, fd-forward, verify and version. Flotilla's machines run no SSH server: `ssh` finds the
 * machine as fleetctl does (ID prefix, or the machine of a unit) and then says so, exiting 255 as
 * a failed SSH session does.
 */
import * as net from 'node:net';
import { mangleUnitName } from '../fleet/unit/unit-name.js';
import { flagString, type CommandContext } from './command-context.js';
import { FLEETCTL_VERSION } from './command-table.js';
import type { FleetMachine } from './fleet-client.js';
import { errorText } from './go-format.js';
import { isGlobalUnit } from './unit-kind.js';

export const SSH_FAILURE_EXIT = 255;

interface Lookup {
  machine: FleetMachine | null;
  ok: boolean;
}

/** findAddressInMachineList: the one machine whose ID starts with `lookup`. */
async function findMachine(ctx: CommandContext, lookup: string): Promise<Lookup> {
  const machines = await ctx.client.machines();
  let match: FleetMachine | null = null;
  for (const m of machines) {
    if (!m.id.startsWith(lookup)) continue;
    if (match !== null) throw new Error('found more than one machine');
    match = m;
  }
  if (match === null) throw new Error('machine does not exist');
  return { machine: match, ok: true };
}

/** findAddressInRunningUnits: the machine a (non-global) unit is scheduled to, when it has an IP. */
async function findUnitMachine(ctx: CommandContext, arg: string): Promise<Lookup> {
  const name = mangleUnitName(arg);
  const u = await ctx.client.unit(name);
  if (u === null) throw new Error('unit does not exist');
  if (isGlobalUnit(u.options)) throw new Error('global units unsupported');
  const m = await ctx.machines.get(u.machineID);
  if (m !== null && m.publicIP !== '') return { machine: m, ok: true };
  return { machine: null, ok: false };
}

async function settle(p: Promise<Lookup>): Promise<Lookup> {
  try {
    return await p;
  } catch {
    return { machine: null, ok: false };
  }
}

/** globalMachineLookup: the argument as a machine or a unit, refusing when it is both. */
async function lookupEither(ctx: CommandContext, args: readonly string[]): Promise<FleetMachine | null> {
  if (args.length === 0) throw new Error('one machine or unit must be provided');
  const lookup = args[0]!;
  const byMachine = await settle(findMachine(ctx, lookup));
  const byUnit = await settle(findUnitMachine(ctx, lookup));
  if (byMachine.ok && byUnit.ok) {
    throw new Error(`ambiguous argument, both machine and unit found for \`${lookup}\`.\nPlease use flag \`-m\` or \`-u\` to refine the search`);
  }
  if (byMachine.ok) return byMachine.machine;
  if (byUnit.ok) return byUnit.machine;
  throw new Error('could not find matching unit or machine');
}

export async function runSsh(ctx: CommandContext, args: string[]): Promise<number> {
  const flagMachine = flagString(ctx.flags, 'machine');
  const flagUnit = flagString(ctx.flags, 'unit');
  if (flagUnit !== '' && flagMachine !== '') {
    ctx.io.stderr('Both machine and unit flags provided, please specify only one.');
    return 1;
  }
  let machine: FleetMachine | null;
  try {
    if (flagMachine !== '') machine = (await findMachine(ctx, flagMachine)).machine;
    else if (flagUnit !== '') machine = (await findUnitMachine(ctx, flagUnit)).machine;
    else machine = await lookupEither(ctx, args);
  } catch (err) {
    ctx.io.stderr(`Unable to proceed: ${errorText(err)}`);
    return 1;
  }
  if (machine === null || machine.publicIP === '') {
    ctx.io.stderr('Could not determine address of machine.');
    return 1;
  }
  ctx.io.stderr(`fleetctl ssh: machine ${machine.id} has no SSH server; use 'flotilla cluster ssh' or fleetctl status/journal`);
  return SSH_FAILURE_EXIT;
}

/** fd-forward: copies stdin to the unix socket and the socket to stdout until one side ends. */
export async function runFdForward(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length !== 1) {
    ctx.io.stderr('Provide a single argument');
    return 1;
  }
  const socketPath = args[0]!;
  return new Promise<number>((resolve) => {
    let connected = false;
    let finished = false;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      ctx.stdin?.unpipe?.(sock);
      sock.destroy();
      resolve(code);
    };
    const sock = net.connect({ path: socketPath });
    sock.on('connect', () => {
      connected = true;
      if (ctx.stdin !== undefined) {
        ctx.stdin.on('end', () => finish(0));
        ctx.stdin.pipe(sock);
      }
    });
    sock.on('data', (chunk: Buffer) => ctx.io.stdoutStream.write(chunk));
    sock.on('end', () => finish(0));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        const reason = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'ECONNREFUSED' ? 'connection refused' : err.message;
        ctx.io.stderr(`Failed dialing remote address: dial unix ${socketPath}: connect: ${reason}`);
        finish(0);
        return;
      }
      ctx.io.stderr(`Encountered error during copy: ${err.message}`);
      finish(1);
    });
  });
}

export async function runVerify(ctx: CommandContext): Promise<number> {
  ctx.io.stderr('WARNING: The signed/verified units feature is DEPRECATED and cannot be used.');
  return 2;
}

export async function runVersion(ctx: Pick<CommandContext, 'io'>): Promise<number> {
  ctx.io.stdout(`fleetctl version ${FLEETCTL_VERSION}`);
  return 0;
}
