/** What the fleet API server is made from: the registry it answers from, and this machine's facts. */
import type { Registry } from '../registry/registry.js';
import type { LocalUnitAccess } from './local-units.js';

/**
 * The part of the registry the API uses (a `Registry` is one), with two methods the registry may
 * offer: the last placement failure the engine recorded for a unit, and the API address a machine
 * published. While they are absent, placement answers 404 and other machines are reached only
 * through `peerApi`.
 */
export type FleetApiRegistry = Pick<
  Registry,
  'units' | 'unit' | 'createUnit' | 'destroyUnit' | 'setTargetState' | 'machines' | 'setMachineMetadata' | 'unitStates'
> & {
  placementFailure?(name: string): Promise<string | null>;
  machineApiAddress?(machineId: string): Promise<string | null>;
};

export interface FleetApiOptions {
  registry: FleetApiRegistry;
  /** This machine's ID. */
  machineId: string;
  /** fleetd's version, for the `Server: fleetd/<version>` header (e.g. `v1.0.0`). */
  version: string;
  /** `token_limit`: the page size, 1 to 65535 (fleet's default 100). */
  tokenLimit: number;
  /** False while fleetd has no etcd connection: every request is then answered 503. */
  isReady(): boolean;
  /** This machine's units, for the x-flotilla status and journal routes. */
  local?: LocalUnitAccess;
  /** The API address (`http://host:port`, `host:port` or `unix:///path`) of another machine, or null when unknown. Defaults to `registry.machineApiAddress`. */
  peerApi?: (machineId: string) => Promise<string | null>;
  /** Where server-side failures are logged (one line each, no line end). */
  log?: (line: string) => void;
}
