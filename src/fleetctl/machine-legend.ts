/**
 * How fleetctl names a machine: the first 8 characters of its ID and `...` (always, even for a
 * shorter ID), the whole ID with `--full`, and `/<PublicIP>` when the machine is known with an IP.
 */
import type { FleetMachine } from './fleet-client.js';

export interface MachineLike {
  id: string;
  publicIP: string;
}

export function machineIdLegend(m: MachineLike, full: boolean): string {
  return full ? m.id : `${m.id.length <= 8 ? m.id : m.id.slice(0, 8)}...`;
}

export function machineFullLegend(m: MachineLike, full: boolean): string {
  const legend = machineIdLegend(m, full);
  return m.publicIP.length > 0 ? `${legend}/${m.publicIP}` : legend;
}

const METADATA_OPERATORS = ['<=', '>=', '!=', '==', '<', '>'];

/** `k=v,k2=v2` sorted by key; a value that starts with a comparison operator follows its key directly. */
export function formatMetadata(metadata: FleetMachine['metadata']): string {
  return Object.keys(metadata)
    .sort()
    .map((k) => {
      const v = metadata[k]!;
      return METADATA_OPERATORS.some((op) => v.startsWith(op)) ? `${k}${v}` : `${k}=${v}`;
    })
    .join(',');
}
