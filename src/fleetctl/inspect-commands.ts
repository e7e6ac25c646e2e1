/**
 * cat, status and journal. fleetctl 1.0 ran `systemctl status -l` and `journalctl` over SSH on
 * the unit's machine; here they come from the fleetd that runs the unit, through the routes
 * Flotilla's fleetd adds (`/fleet/v1/x-flotilla/machines/<id>/units/<name>/{status,journal}`).
 * A failure to reach that fleetd exits 255, as a failed SSH session did.
 */
import { serializeUnit } from '../fleet/unit/unit-file.js';
import { mangleUnitName } from '../fleet/unit/unit-name.js';
import { flagBool, flagNumber, type CommandContext } from './command-context.js';
import type { FleetAgentAccess, FleetUnit } from './fleet-client.js';
import { errorText } from './go-format.js';
import { isGlobalUnit } from './unit-kind.js';

export const REMOTE_FAILURE_EXIT = 255;

export async function runCat(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length !== 1) {
    ctx.io.stderr('One unit file must be provided');
    return 1;
  }
  const name = mangleUnitName(args[0]!);
  let u: FleetUnit | null;
  try {
    u = await ctx.client.unit(name);
  } catch (err) {
    ctx.io.stderr(`Error retrieving Unit ${name}: ${errorText(err)}`);
    return 1;
  }
  if (u === null) {
    ctx.io.stderr(`Unit ${name} not found`);
    return 1;
  }
  ctx.io.out(serializeUnit(u.options));
  return 0;
}

function agentOrFail(ctx: CommandContext, name: string, what: string): FleetAgentAccess | null {
  if (ctx.agent === null) ctx.io.stderr(`Unit ${name} ${what} requires the fleet API (use --driver=API)`);
  return ctx.agent;
}

/** Machines that report a state for a global unit, sorted. */
async function reportingMachines(ctx: CommandContext, name: string): Promise<string[]> {
  return (await ctx.client.unitStates()).filter((s) => s.name === name).map((s) => s.machineID);
}

async function showStatus(ctx: CommandContext, agent: FleetAgentAccess, machineID: string, name: string): Promise<number> {
  try {
    const report = await agent.unitStatus(machineID, name);
    ctx.io.out(report.text);
    return report.exitCode;
  } catch (err) {
    ctx.io.stderr(`Error running remote command: ${errorText(err)}`);
    return REMOTE_FAILURE_EXIT;
  }
}

export async function runStatus(ctx: CommandContext, args: string[]): Promise<number> {
  let shown = 0;
  for (const arg of args) {
    const name = mangleUnitName(arg);
    let unit: FleetUnit | null;
    try {
      unit = await ctx.client.unit(name);
    } catch (err) {
      ctx.io.stderr(`Error retrieving unit ${name}: ${errorText(err)}`);
      return 1;
    }
    if (unit === null) {
      ctx.io.stderr(`Unit ${name} does not exist.`);
      return 1;
    }
    let machines: string[];
    if (isGlobalUnit(unit.options)) {
      try {
        machines = await reportingMachines(ctx, name);
      } catch (err) {
        ctx.io.stderr(`Error retrieving unit ${name}: ${errorText(err)}`);
        return 1;
      }
    } else {
      machines = unit.currentState === 'inactive' || unit.machineID === '' ? [] : [unit.machineID];
    }
    if (machines.length === 0) {
      ctx.io.stderr(`Unit ${name} does not appear to be loaded.`);
      return 1;
    }
    const agent = agentOrFail(ctx, name, 'status');
    if (agent === null) return 1;
    for (const machineID of machines) {
      // The blank line between units matches systemctl status output.
      if (shown > 0) ctx.io.out('\n');
      shown += 1;
      const exit = await showStatus(ctx, agent, machineID, name);
      if (exit !== 0) return exit;
    }
  }
  return 0;
}

export async function runJournal(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.length !== 1) {
    ctx.io.stderr('One unit file must be provided.');
    return 1;
  }
  const name = mangleUnitName(args[0]!);
  let u: FleetUnit | null;
  try {
    u = await ctx.client.unit(name);
  } catch (err) {
    ctx.io.stderr(`Error retrieving unit ${name}: ${errorText(err)}`);
    return 1;
  }
  if (u === null) {
    ctx.io.stderr(`Unit ${name} does not exist.`);
    return 1;
  }
  if (isGlobalUnit(u.options)) {
    ctx.io.stderr(`Unable to retrieve journal of global unit ${name}.`);
    return 1;
  }
  if (u.currentState === 'inactive') {
    ctx.io.stderr(`Unit ${name} does not appear to be running.`);
    return 1;
  }
  const agent = agentOrFail(ctx, name, 'journal');
  if (agent === null) return 1;
  const follow = flagBool(ctx.flags, 'follow') || flagBool(ctx.flags, 'f');
  try {
    await agent.unitJournal(u.machineID, name, { lines: flagNumber(ctx.flags, 'lines'), follow }, (text) => ctx.io.out(text));
    return 0;
  } catch (err) {
    ctx.io.stderr(`Error running remote command: ${errorText(err)}`);
    return REMOTE_FAILURE_EXIT;
  }
}
