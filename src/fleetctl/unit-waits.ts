/**
 * fleetctl's blocking waits: each unit is polled (every 250 ms, 2 s per attempt) until its state
 * reads the wanted job state, then `Unit hello.service launched on 2c5a1b7e.../10.0.0.11` is
 * printed; after `--block-attempts` attempts it times out (0 waits for ever). Global units are
 * judged by their desired state, since they have no current state. While a unit waits without a
 * machine, the reason the engine gave for not placing it is printed once on stderr.
 */
import type { CommandContext } from './command-context.js';
import type { FleetUnit } from './fleet-client.js';
import { errorText } from './go-format.js';
import { machineFullLegend } from './machine-legend.js';
import { isGlobalUnit } from './unit-kind.js';

export const POLL_INTERVAL_MS = 250;
export const ATTEMPT_MS = 2000;
const POLLS_PER_ATTEMPT = ATTEMPT_MS / POLL_INTERVAL_MS;

export interface WaitOptions {
  /** Report the engine's placement failure while the unit has no machine. */
  reportPlacement?: boolean;
}

interface Assertion {
  done: boolean;
  unit: FleetUnit | null;
}

/** fleetctl's assertUnitState: prints the unit's line when it is in the state `js`. */
async function assertUnitState(ctx: CommandContext, name: string, js: string): Promise<Assertion> {
  let u: FleetUnit | null;
  try {
    u = await ctx.client.unit(name);
  } catch (err) {
    ctx.io.log('WARN', 'fleetctl.go:560', `Error retrieving Unit(${name}) from Registry: ${errorText(err)}`);
    return { done: false, unit: null };
  }
  if (u === null) {
    ctx.io.log('WARN', 'fleetctl.go:564', `Unit ${name} not found`);
    return { done: false, unit: null };
  }
  const state = isGlobalUnit(u.options) ? u.desiredState : u.currentState;
  if (state !== js) {
    ctx.io.log('DEBUG', 'fleetctl.go:575', `Waiting for Unit(${name}) state(${state}) to be ${js}`);
    return { done: false, unit: u };
  }
  let msg = `Unit ${name} ${u.currentState}`;
  if (u.machineID !== '') {
    const ms = await ctx.machines.get(u.machineID);
    if (ms !== null) msg = `${msg} on ${machineFullLegend(ms, false)}`;
  }
  ctx.io.stdout(msg);
  return { done: true, unit: u };
}

function aborted(ctx: CommandContext): boolean {
  return ctx.signal?.aborted === true;
}

/** Waits for one unit; the time-out message, or null once it reached the state. */
export async function checkUnitState(
  ctx: CommandContext,
  name: string,
  js: string,
  maxAttempts: number,
  options: WaitOptions = {},
): Promise<string | null> {
  const totalPolls = maxAttempts < 1 ? Infinity : maxAttempts * POLLS_PER_ATTEMPT;
  let placementReported = false;
  for (let poll = 0; poll < totalPolls && !aborted(ctx); poll++) {
    const { done, unit } = await assertUnitState(ctx, name, js);
    if (done) return null;
    if (
      options.reportPlacement === true &&
      !placementReported &&
      unit !== null &&
      unit.machineID === '' &&
      !isGlobalUnit(unit.options) &&
      poll % POLLS_PER_ATTEMPT === 0
    ) {
      const reason = await ctx.client.placementFailure(name);
      if (reason !== null) {
        ctx.io.stderr(`Unit ${name} cannot be placed yet: ${reason}`);
        placementReported = true;
      }
    }
    if (poll + 1 < totalPolls) await ctx.io.clock.sleep(POLL_INTERVAL_MS);
  }
  return `timed out waiting for unit ${name} to report state ${js}`;
}

/** Waits for several units at once; the time-out messages in the order they happened. */
export async function waitForUnitStates(
  ctx: CommandContext,
  units: readonly string[],
  js: string,
  maxAttempts: number,
  options: WaitOptions = {},
): Promise<string[]> {
  const errors: string[] = [];
  await Promise.all(
    units.map(async (name) => {
      const err = await checkUnitState(ctx, name, js, maxAttempts, options);
      if (err !== null) errors.push(err);
    }),
  );
  return errors;
}

/**
 * fleetctl's tryWaitForUnitStates: without blocking it prints `Triggered unit X <state>`;
 * otherwise it waits and reports each time-out. Returns the exit status (0 or 1).
 */
export async function tryWaitForUnitStates(
  ctx: CommandContext,
  units: readonly string[],
  stateWord: string,
  js: string,
  maxAttempts: number,
  options: WaitOptions = {},
): Promise<number> {
  if (maxAttempts <= -1) {
    for (const name of units) ctx.io.stdout(`Triggered unit ${name} ${stateWord}`);
    return 0;
  }
  let ret = 0;
  for (const err of await waitForUnitStates(ctx, units, js, maxAttempts, options)) {
    ctx.io.stderr(`Error waiting for units: ${err}`);
    ret = 1;
  }
  return ret;
}

/**
 * The second wait of `start`: without blocking it prints `Triggered unit X start` (again);
 * otherwise it gives each unit up to one attempt to report systemd's `active` (or `failed`)
 * state. It prints nothing and never fails, as in fleetctl 1.0.
 */
export async function tryWaitForSystemdActiveState(ctx: CommandContext, units: readonly string[], maxAttempts: number): Promise<void> {
  if (maxAttempts <= -1) {
    for (const name of units) ctx.io.stdout(`Triggered unit ${name} start`);
    return;
  }
  const pending = new Set(units);
  for (let poll = 0; poll < POLLS_PER_ATTEMPT && pending.size > 0 && !aborted(ctx); poll++) {
    try {
      for (const s of await ctx.client.unitStates()) {
        if (!pending.has(s.name)) continue;
        if ((s.systemdActiveState === 'active' && s.systemdLoadState === 'loaded') || s.systemdActiveState === 'failed') {
          pending.delete(s.name);
        }
      }
    } catch {
      return;
    }
    if (pending.size > 0 && poll + 1 < POLLS_PER_ATTEMPT) await ctx.io.clock.sleep(POLL_INTERVAL_MS);
  }
}
