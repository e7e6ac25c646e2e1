/**
 * Making sure the named units exist before submit, load and start (fleetctl's lazyCreateUnits):
 * a unit already in the registry is used (with a warning when the local file differs, or replaced
 * with `--replace` where its state allows), else the local file, else for an instance the
 * template from the registry or from the file next to the argument. Each created unit is then
 * waited for until it reads back (`Unit hello.service inactive`).
 */
import { serializedOptionsError, optionsEqual, type UnitOption } from '../fleet/unit/unit-file.js';
import { unitRequirements, validateRequirements } from '../fleet/unit/requirements.js';
import { mangleUnitName, unitNameParts, validateUnitName } from '../fleet/unit/unit-name.js';
import { flagBool, flagNumber, type CommandContext } from './command-context.js';
import type { FleetUnit } from './fleet-client.js';
import { errorText, goQ } from './go-format.js';
import { fileExists, fileMayExist, goBase, goDir, goJoin, readUnitFile, withDefaultUnitType } from './local-unit-files.js';
import { checkUnitState } from './unit-waits.js';

const REPLACE_ALLOWED: Record<string, readonly string[]> = {
  submit: ['inactive'],
  load: ['inactive', 'loaded'],
  start: ['inactive', 'loaded', 'launched'],
};

/** matchLocalFileAndUnit: whether the file has the unit's contents; throws only when the file cannot be stat'ed. */
async function matchLocalFileAndUnit(ctx: CommandContext, file: string, su: FleetUnit): Promise<boolean> {
  if (!(await fileExists(ctx.cwd, file))) throw new Error(`stat ${file}: no such file or directory`);
  try {
    return optionsEqual(su.options, await readUnitFile(ctx.cwd, file));
  } catch {
    return false;
  }
}

/** isLocalUnitDifferent: compares the registry unit with the local file, or with the local template. */
async function isLocalUnitDifferent(ctx: CommandContext, file: string, su: FleetUnit): Promise<boolean> {
  const replace = flagBool(ctx.flags, 'replace');
  try {
    const same = await matchLocalFileAndUnit(ctx, file, su);
    if (!same && !replace) {
      ctx.io.stderr(`WARNING: Unit ${su.name} in registry differs from local unit file ${file}. Add --replace to override.`);
    }
    return !same;
  } catch {
    // no such file: try the template next to it
  }
  const info = unitNameParts(goBase(file));
  if (!info.isInstance) throw new Error(`error Unit ${file} does not seem to be a template unit`);
  const same = await matchLocalFileAndUnit(ctx, goJoin(goDir(file), info.template), su);
  if (!same && !replace) {
    ctx.io.stderr(`WARNING: Unit ${su.name} in registry differs from local template unit file ${file}. Add --replace to override.`);
  }
  return !same;
}

/** checkReplaceUnitState: whether --replace may replace the unit in its desired state. */
function mayReplace(ctx: CommandContext, unit: FleetUnit): boolean {
  const allowed = REPLACE_ALLOWED[ctx.replaceContext];
  if (allowed === undefined) throw new Error('error: replacing units is not supported in this context');
  if (allowed.includes(unit.desiredState)) return true;
  ctx.io.stderr(`Warning: can not replace Unit(${unit.name}) in state '${unit.desiredState}', use the appropriate command`);
  return false;
}

/** checkUnitCreation: whether the unit has to be created (or replaced). */
async function needsCreation(ctx: CommandContext, arg: string): Promise<boolean> {
  const name = mangleUnitName(arg);
  let unit: FleetUnit | null;
  try {
    unit = await ctx.client.unit(name);
  } catch (err) {
    throw new Error(`error retrieving Unit(${name}) from Registry: ${errorText(err)}`);
  }
  if (unit === null) return true;
  const replace = flagBool(ctx.flags, 'replace');
  let different = false;
  let failure: unknown = null;
  try {
    different = await isLocalUnitDifferent(ctx, arg, unit);
  } catch (err) {
    failure = err;
  }
  if (replace) {
    if (failure !== null) throw failure;
    if (different) return mayReplace(ctx, unit);
    ctx.io.stdout(`Found same Unit(${unit.name}) in Registry, nothing to do`);
  }
  return false;
}

/** getUnitFile: the options of the local file, or of the unit's template. */
async function unitFileFor(ctx: CommandContext, file: string): Promise<UnitOption[]> {
  const name = mangleUnitName(file);
  if (await fileMayExist(ctx.cwd, file)) {
    try {
      return await readUnitFile(ctx.cwd, file);
    } catch (err) {
      throw new Error(`failed getting Unit(${file}) from file: ${errorText(err)}`);
    }
  }
  const info = unitNameParts(name);
  if (!info.isInstance) throw new Error(`unable to find Unit(${name}) in Registry or on filesystem`);
  try {
    return await templateOptions(ctx, info.template, file);
  } catch (err) {
    throw new Error(`failed getting Unit(${file}) from template: ${errorText(err)}`);
  }
}

/** getUnitFileFromTemplate: the template from the registry, else from the file next to the instance. */
async function templateOptions(ctx: CommandContext, template: string, file: string): Promise<UnitOption[]> {
  let tmpl: FleetUnit | null;
  try {
    tmpl = await ctx.client.unit(template);
  } catch (err) {
    throw new Error(`error retrieving template Unit(${template}) from Registry: ${errorText(err)}`);
  }
  if (tmpl !== null) {
    try {
      await isLocalUnitDifferent(ctx, file, tmpl);
    } catch {
      // only a warning matters here
    }
    return tmpl.options;
  }
  const templatePath = goJoin(goDir(file), template);
  if (!(await fileMayExist(ctx.cwd, templatePath))) {
    throw new Error(`unable to find template Unit(${template}) in Registry or on filesystem`);
  }
  try {
    return await readUnitFile(ctx.cwd, templatePath);
  } catch (err) {
    throw new Error(`unable to load template Unit(${template}) from file: ${errorText(err)}`);
  }
}

/** createUnit: fleetctl's own checks, then the create call. */
export async function createUnit(ctx: CommandContext, name: string, options: UnitOption[]): Promise<void> {
  const nameError = validateUnitName(name);
  if (nameError !== null) throw new Error(nameError);
  const optionsError = serializedOptionsError(options) ?? validateRequirements(name, options);
  if (optionsError !== null) throw new Error(optionsError);
  const unknown = unitRequirements(name, options).unknown;
  if (unknown.length > 0) {
    ctx.io.log('WARN', 'fleetctl.go:674', `Unit ${name}: unrecognized requirement in [X-Fleet] section: ${goQ(unknown[0]!)}`);
  }
  try {
    await ctx.client.createUnit(name, options);
  } catch (err) {
    throw new Error(`failed creating unit ${name}: ${errorText(err)}`);
  }
}

/** lazyCreateUnits. Throws with the text that follows `Error creating units: `. */
export async function lazyCreateUnits(ctx: CommandContext, args: readonly string[]): Promise<void> {
  const attempts = flagNumber(ctx.flags, 'block-attempts');
  const waits: Promise<string | null>[] = [];
  // Waits already running stop when a later unit fails (fleetctl exits with them unfinished).
  const stop = new AbortController();
  const forward = (): void => stop.abort();
  ctx.signal?.addEventListener('abort', forward);
  const waitCtx: CommandContext = { ...ctx, signal: stop.signal };
  try {
    for (const rawArg of args) {
      const arg = withDefaultUnitType(rawArg);
      const name = mangleUnitName(arg);
      if (!(await needsCreation(ctx, arg))) continue;
      const options = await unitFileFor(ctx, arg);
      await createUnit(ctx, name, options);
      waits.push(checkUnitState(waitCtx, name, 'inactive', attempts));
    }
  } catch (err) {
    stop.abort();
    await Promise.allSettled(waits);
    throw err;
  } finally {
    ctx.signal?.removeEventListener('abort', forward);
  }
  let failed = false;
  for (const err of await Promise.all(waits)) {
    if (err === null) continue;
    ctx.io.stderr(`Error waiting on unit creation: ${err}`);
    failed = true;
  }
  if (failed) throw new Error('One or more errors creating units');
}

/** setTargetStateOfUnits: the units whose desired state was changed. */
export async function setTargetStateOfUnits(ctx: CommandContext, names: readonly string[], state: string): Promise<FleetUnit[]> {
  const triggered: FleetUnit[] = [];
  for (const name of names) {
    let u: FleetUnit | null;
    try {
      u = await ctx.client.unit(name);
    } catch (err) {
      throw new Error(`error retrieving unit ${name} from registry: ${errorText(err)}`);
    }
    if (u === null) throw new Error(`unable to find unit ${name}`);
    if (u.desiredState === state) {
      ctx.io.log('DEBUG', 'fleetctl.go:450', `Unit(${u.name}) already ${u.desiredState}, skipping.`);
      continue;
    }
    await ctx.client.setUnitTargetState(u.name, state);
    triggered.push(u);
  }
  return triggered;
}

/** findUnits: the registry units the arguments name, in argument order; unknown names are skipped. */
export async function findUnits(ctx: CommandContext, args: readonly string[]): Promise<FleetUnit[]> {
  const byName = new Map((await ctx.client.units()).map((u) => [u.name, u]));
  const found: FleetUnit[] = [];
  for (const arg of args) {
    const u = byName.get(mangleUnitName(arg));
    if (u !== undefined) found.push(u);
  }
  return found;
}
