/**
 * What a running fleetctl command has at hand: its parsed flags, output, the fleet client, the
 * machine cache fleetctl keeps for one invocation (cachedMachineState), the working directory for
 * unit files, and the clock for its waits.
 */
import type { ParsedFlags } from '../go/flags.js';
import type { FleetAgentAccess, FleetClient, FleetMachine } from './fleet-client.js';
import type { FleetctlIO } from './fleetctl-io.js';
import type { GlobalOptions } from './global-options.js';
import type { CommandName } from './command-table.js';

export interface CommandContext {
  readonly io: FleetctlIO;
  readonly flags: ParsedFlags;
  readonly global: GlobalOptions;
  readonly client: FleetClient;
  /** null when status/journal cannot reach agents (etcd driver without FLEETCTL_AGENT_API). */
  readonly agent: FleetAgentAccess | null;
  readonly command: CommandName;
  /** fleetctl's currentCommand: the last of `start`, `load`, `submit` among the raw arguments ('' if none). */
  readonly replaceContext: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream | undefined;
  /** Set when the run is interrupted (a follow or a wait stops). */
  readonly signal: AbortSignal | undefined;
  readonly machines: MachineCache;
}

/**
 * Machine states memoized for the life of one invocation. A failure to list machines is ignored
 * and leaves the cache empty for the rest of the run (fleetctl's behaviour).
 */
export class MachineCache {
  private cache: Map<string, FleetMachine> | null = null;

  constructor(private readonly client: FleetClient) {}

  async get(machineID: string): Promise<FleetMachine | null> {
    if (this.cache === null) {
      this.cache = new Map();
      try {
        for (const m of await this.client.machines()) this.cache.set(m.id, m);
      } catch {
        return null;
      }
    }
    return this.cache.get(machineID) ?? null;
  }
}

export type CommandRun = (ctx: CommandContext, args: string[]) => Promise<number>;

/** fleetctl's getBlockAttempts: -1 means do not wait, 0 wait forever, N up to N attempts. */
export function blockAttempts(flags: ParsedFlags): number {
  const has = (n: string): boolean => flags.values.has(n);
  let attempts = 0;
  if (has('block-attempts') && flags.number('block-attempts') > 0) attempts = flags.number('block-attempts');
  if (has('no-block') && flags.bool('no-block')) attempts = -1;
  return attempts;
}

/** A flag of the command, or the zero value when the command has no such flag (cobra's GetBool/GetInt). */
export function flagBool(flags: ParsedFlags, name: string): boolean {
  return flags.values.has(name) ? flags.bool(name) : false;
}
export function flagNumber(flags: ParsedFlags, name: string): number {
  return flags.values.has(name) ? flags.number(name) : 0;
}
export function flagString(flags: ParsedFlags, name: string): string {
  return flags.values.has(name) ? flags.string(name) : '';
}
