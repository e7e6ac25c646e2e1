/**
 * list-machines, list-units and list-unit-files: a header of the chosen field names upper-cased
 * (unless --no-legend), one row per item, aligned by fleetctl's tabwriter.
 */
import { shortHash, unitHash, unitDescription } from '../fleet/unit/unit-file.js';
import { TabWriter } from '../go/tabwriter.js';
import { flagBool, flagString, type CommandContext } from './command-context.js';
import type { FleetMachine, FleetUnit, FleetUnitState } from './fleet-client.js';
import { errorText, goQ } from './go-format.js';
import { formatMetadata, machineFullLegend, machineIdLegend } from './machine-legend.js';
import { isGlobalUnit } from './unit-kind.js';

type Field<T> = (item: T, full: boolean, ctx: CommandContext) => string | Promise<string>;

const MACHINE_FIELDS: Record<string, Field<FleetMachine>> = {
  machine: (m, full) => machineIdLegend(m, full),
  ip: (m) => (m.publicIP.length === 0 ? '-' : m.publicIP),
  metadata: (m) => (Object.keys(m.metadata).length === 0 ? '-' : formatMetadata(m.metadata)),
};

async function machineColumn(ctx: CommandContext, machineID: string, full: boolean): Promise<string> {
  const m = (await ctx.machines.get(machineID)) ?? { id: machineID, publicIP: '' };
  return machineFullLegend(m, full);
}

const UNIT_STATE_FIELDS: Record<string, Field<FleetUnitState>> = {
  unit: (s) => s.name,
  load: (s) => s.systemdLoadState,
  active: (s) => s.systemdActiveState,
  sub: (s) => s.systemdSubState,
  machine: (s, full, ctx) => (s.machineID === '' ? '-' : machineColumn(ctx, s.machineID, full)),
  hash: (s, full) => (s.hash === '' ? '-' : full ? s.hash : s.hash.slice(0, 7)),
};

const target: Field<FleetUnit> = (u, full, ctx) => {
  if (isGlobalUnit(u.options)) return 'global';
  if (u.machineID === '') return '-';
  return machineColumn(ctx, u.machineID, full);
};

const UNIT_FILE_FIELDS: Record<string, Field<FleetUnit>> = {
  unit: (u) => u.name,
  global: (u) => String(isGlobalUnit(u.options)),
  dstate: (u) => (u.desiredState === '' ? '-' : u.desiredState),
  target,
  tmachine: target,
  state: (u) => (isGlobalUnit(u.options) || u.currentState === '' ? '-' : u.currentState),
  hash: (u, full) => (full ? unitHash(u.options) : shortHash(unitHash(u.options))),
  desc: (u) => unitDescription(u.options) || '-',
};

/** Validates --fields; null (after printing fleetctl's error) when they are not usable. */
function columns<T>(ctx: CommandContext, fields: Record<string, Field<T>>, warnTmachine: boolean): string[] | null {
  const spec = flagString(ctx.flags, 'fields');
  if (spec === '') {
    ctx.io.stderr('Must define output format');
    return null;
  }
  const cols = spec.split(',');
  for (const c of cols) {
    if (!Object.prototype.hasOwnProperty.call(fields, c)) {
      ctx.io.stderr(`Invalid key in output format: ${goQ(c)}`);
      return null;
    }
    if (warnTmachine && c === 'tmachine') ctx.io.stderr('WARNING: The "tmachine" field is deprecated. Use "target" instead');
  }
  return cols;
}

async function printTable<T>(ctx: CommandContext, cols: string[], fields: Record<string, Field<T>>, items: readonly T[]): Promise<void> {
  const out = new TabWriter((t) => ctx.io.out(t));
  if (!flagBool(ctx.flags, 'no-legend')) out.write(`${cols.join('\t').toUpperCase()}\n`);
  const full = flagBool(ctx.flags, 'full') || flagBool(ctx.flags, 'l');
  for (const item of items) {
    const cells: string[] = [];
    for (const c of cols) cells.push(await fields[c]!(item, full, ctx));
    out.write(`${cells.join('\t')}\n`);
  }
  out.flush();
}

export async function runListMachines(ctx: CommandContext): Promise<number> {
  const cols = columns(ctx, MACHINE_FIELDS, false);
  if (cols === null) return 1;
  let machines: FleetMachine[];
  try {
    machines = await ctx.client.machines();
  } catch (err) {
    ctx.io.stderr(`Error retrieving list of active machines from fleet API (${errorText(err)})`);
    ctx.io.stderr('Possible issues:');
    ctx.io.stderr('  etcd is unhealthy and/or lost quorum');
    ctx.io.stderr('  connection cannot be established to any etcd servers');
    return 1;
  }
  await printTable(ctx, cols, MACHINE_FIELDS, machines);
  return 0;
}

export async function runListUnits(ctx: CommandContext): Promise<number> {
  const cols = columns(ctx, UNIT_STATE_FIELDS, false);
  if (cols === null) return 1;
  let states: FleetUnitState[];
  try {
    states = await ctx.client.unitStates();
  } catch (err) {
    ctx.io.stderr(`Error retrieving list of units from repository: ${errorText(err)}`);
    return 1;
  }
  await printTable(ctx, cols, UNIT_STATE_FIELDS, states);
  return 0;
}

export async function runListUnitFiles(ctx: CommandContext): Promise<number> {
  const cols = columns(ctx, UNIT_FILE_FIELDS, true);
  if (cols === null) return 1;
  let units: FleetUnit[];
  try {
    units = await ctx.client.units();
  } catch (err) {
    ctx.io.stderr(`Error retrieving list of units from repository: ${errorText(err)}`);
    return 1;
  }
  await printTable(ctx, cols, UNIT_FILE_FIELDS, units);
  return 0;
}
