/** submit, load, start, stop, unload, destroy and restart, with fleetctl 1.0's messages and exit codes. */
import { mangleUnitName } from '../fleet/unit/unit-name.js';
import { blockAttempts, type CommandContext } from './command-context.js';
import { UnitNotFoundError, type FleetUnit } from './fleet-client.js';
import { errorText, goStringSlice } from './go-format.js';
import { findUnits, lazyCreateUnits, setTargetStateOfUnits } from './unit-creation.js';
import { isGlobalUnit } from './unit-kind.js';
import { POLL_INTERVAL_MS, tryWaitForSystemdActiveState, tryWaitForUnitStates } from './unit-waits.js';

function noUnits(ctx: CommandContext, args: readonly string[]): boolean {
  if (args.length > 0) return false;
  ctx.io.stderr('No units given');
  return true;
}

async function createOrFail(ctx: CommandContext, args: readonly string[]): Promise<boolean> {
  try {
    await lazyCreateUnits(ctx, args);
    return true;
  } catch (err) {
    ctx.io.stderr(`Error creating units: ${errorText(err)}`);
    return false;
  }
}

export async function runSubmit(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  return (await createOrFail(ctx, args)) ? 0 : 1;
}

/** Sets the state of the named units; globals are reported at once, the rest returned for waiting. */
async function trigger(ctx: CommandContext, args: readonly string[], state: string, word: string, failure: string): Promise<string[] | null> {
  let triggered: FleetUnit[];
  try {
    triggered = await setTargetStateOfUnits(ctx, args.map(mangleUnitName), state);
  } catch (err) {
    ctx.io.stderr(`${failure}: ${errorText(err)}`);
    return null;
  }
  const waiting: string[] = [];
  for (const u of triggered) {
    if (isGlobalUnit(u.options)) ctx.io.stdout(`Triggered global unit ${u.name} ${word}`);
    else waiting.push(u.name);
  }
  return waiting;
}

export async function runLoad(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  if (!(await createOrFail(ctx, args))) return 1;
  const loading = await trigger(ctx, args, 'loaded', 'load', 'Error loading units');
  if (loading === null) return 1;
  const exit = await tryWaitForUnitStates(ctx, loading, 'load', 'loaded', blockAttempts(ctx.flags), { reportPlacement: true });
  if (exit !== 0) {
    ctx.io.stderr(`Error waiting for unit states, exit status: ${exit}`);
    return 1;
  }
  return 0;
}

export async function runStart(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  if (!(await createOrFail(ctx, args))) return 1;
  const starting = await trigger(ctx, args, 'launched', 'start', 'Error starting units');
  if (starting === null) return 1;
  const attempts = blockAttempts(ctx.flags);
  const exit = await tryWaitForUnitStates(ctx, starting, 'start', 'launched', attempts, { reportPlacement: true });
  if (exit !== 0) {
    ctx.io.stderr(`Error waiting for unit states, exit status: ${exit}`);
    return 1;
  }
  await tryWaitForSystemdActiveState(ctx, starting, attempts);
  return 0;
}

async function findOrFail(ctx: CommandContext, args: readonly string[]): Promise<FleetUnit[] | number> {
  let units: FleetUnit[];
  try {
    units = await findUnits(ctx, args);
  } catch (err) {
    ctx.io.stderr(errorText(err));
    return 1;
  }
  if (units.length === 0) {
    ctx.io.stderr('Units not found in registry');
    return 0;
  }
  return units;
}

async function setStateQuietly(ctx: CommandContext, name: string, state: string): Promise<void> {
  try {
    await ctx.client.setUnitTargetState(name, state);
  } catch {
    // fleetctl does not look at this result
  }
}

export async function runStop(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  const units = await findOrFail(ctx, args);
  if (typeof units === 'number') return units;
  const stopping: string[] = [];
  for (const u of units) {
    const global = isGlobalUnit(u.options);
    if (!global) {
      if (u.currentState === 'inactive') {
        ctx.io.stderr(`Unable to stop unit ${u.name} in state inactive`);
        return 1;
      }
      if (u.currentState === 'loaded') continue;
    }
    await setStateQuietly(ctx, u.name, 'loaded');
    if (global) ctx.io.stdout(`Triggered global unit ${u.name} stop`);
    else stopping.push(u.name);
  }
  const exit = await tryWaitForUnitStates(ctx, stopping, 'stop', 'loaded', blockAttempts(ctx.flags));
  if (exit === 0) ctx.io.stderr(`Successfully stopped units ${goStringSlice(stopping)}.`);
  else ctx.io.stderr(`Failed to stop units ${goStringSlice(stopping)}. exit == ${exit}.`);
  return exit;
}

export async function runUnload(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  const units = await findOrFail(ctx, args);
  if (typeof units === 'number') return units;
  const waiting: string[] = [];
  for (const u of units) {
    const global = isGlobalUnit(u.options);
    if (!global && u.currentState === 'inactive') continue;
    await setStateQuietly(ctx, u.name, 'inactive');
    if (global) ctx.io.stdout(`Triggered global unit ${u.name} unload`);
    else waiting.push(u.name);
  }
  const exit = await tryWaitForUnitStates(ctx, waiting, 'unload', 'inactive', blockAttempts(ctx.flags));
  if (exit === 0) ctx.io.stderr(`Successfully unloaded units ${goStringSlice(waiting)}.`);
  else ctx.io.stderr(`Failed to unload units ${goStringSlice(waiting)}. exit == ${exit}.`);
  return exit;
}

export async function runDestroy(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  const units = await findOrFail(ctx, args);
  if (typeof units === 'number') return units;
  let exit = 0;
  const noBlock = ctx.flags.values.has('no-block') && ctx.flags.bool('no-block');
  const maxAttempts = ctx.flags.values.has('block-attempts') ? ctx.flags.number('block-attempts') : 0;
  for (const v of units) {
    try {
      await ctx.client.destroyUnit(v.name);
    } catch (err) {
      if (err instanceof UnitNotFoundError) continue;
      ctx.io.stderr(`Error destroying units: ${errorText(err)}`);
      exit = 1;
      continue;
    }
    // fleetctl 1.0 waits for the unit to disappear only when --no-block is given.
    if (noBlock) {
      let attempts = maxAttempts;
      const retry = (): boolean => maxAttempts < 1 || --attempts !== 0;
      while (retry() && ctx.signal?.aborted !== true) {
        let u: FleetUnit | null;
        try {
          u = await ctx.client.unit(v.name);
        } catch (err) {
          ctx.io.stderr(`Error destroying units: ${errorText(err)}`);
          exit = 1;
          break;
        }
        if (u === null) break;
        await ctx.io.clock.sleep(POLL_INTERVAL_MS);
      }
    }
    ctx.io.stdout(`Destroyed ${v.name}`);
  }
  return exit;
}

/** Sets one unit's state and waits for it (restart's setUnitStateAndWait). */
async function setUnitStateAndWait(ctx: CommandContext, unit: FleetUnit, state: string, attempts: number): Promise<number> {
  try {
    await ctx.client.setUnitTargetState(unit.name, state);
  } catch (err) {
    ctx.io.stderr(`Error setting target state for unit ${unit.name}: ${errorText(err)}`);
    return 1;
  }
  if ((await tryWaitForUnitStates(ctx, [unit.name], 'restart', state, attempts)) !== 0) {
    ctx.io.stderr('Error waiting for unit states, exit status: 1');
    return 1;
  }
  return 0;
}

/**
 * restart: a loaded unit is started, a launched one stopped (waiting until it reads loaded) and
 * started again. fleetctl 1.0 waited for `launched` after the stop too, so it often did not
 * restart at all; this waits for each state in turn. Global units are left alone, as in 1.0.
 */
export async function runRestart(ctx: CommandContext, args: string[]): Promise<number> {
  if (noUnits(ctx, args)) return 0;
  let units: FleetUnit[];
  try {
    units = await findUnits(ctx, args);
  } catch (err) {
    ctx.io.stderr(errorText(err));
    return 1;
  }
  if (!(await createOrFail(ctx, args))) return 1;
  const attempts = blockAttempts(ctx.flags);
  let exit = 0;
  for (const unit of units) {
    if (isGlobalUnit(unit.options)) continue;
    if (unit.currentState === 'inactive') {
      ctx.io.stderr(`Unable to restart unit ${unit.name} in state inactive`);
      continue;
    }
    if (unit.currentState === 'loaded') {
      ctx.io.log('INFO', 'restart.go:78', `Unit(${unit.name}) already loaded, starting.`);
      exit = await setUnitStateAndWait(ctx, unit, 'launched', attempts);
      if (exit === 1) return exit;
      continue;
    }
    exit = await setUnitStateAndWait(ctx, unit, 'loaded', attempts);
    if (exit === 1) return exit;
    exit = await setUnitStateAndWait(ctx, unit, 'launched', attempts);
    if (exit === 1) return exit;
    ctx.io.log('INFO', 'restart.go:95', `Unit(${unit.name}) was restarted.`);
  }
  return exit;
}
