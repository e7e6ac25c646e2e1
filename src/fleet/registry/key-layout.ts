/** Where fleet's records live under its key prefix (fleet.md §5), and Flotilla's own namespace beside it. */

/** The cleaned prefix without its trailing slash, as Go's path.Join makes it ('' for the root). */
export function cleanPrefix(prefix: string): string {
  const parts = prefix.split('/').filter((p) => p !== '' && p !== '.');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.length === 0 ? '' : `/${out.join('/')}`;
}

/** The last element of a key path. */
export function lastElement(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export class KeyLayout {
  /** e.g. `/_coreos.com/fleet` */
  readonly base: string;
  /** e.g. `/_coreos.com/fleet-flotilla`: records real fleet never reads. */
  readonly ownBase: string;

  constructor(prefix: string) {
    this.base = cleanPrefix(prefix);
    this.ownBase = `${this.base === '' ? '/fleet' : this.base}-flotilla`;
  }

  private join(...parts: string[]): string {
    return `${this.base}/${parts.join('/')}`;
  }

  get jobs(): string { return this.join('job'); }
  job(name: string): string { return this.join('job', name); }
  jobObject(name: string): string { return this.join('job', name, 'object'); }
  targetState(name: string): string { return this.join('job', name, 'target-state'); }
  target(name: string): string { return this.join('job', name, 'target'); }
  heartbeat(name: string): string { return this.join('job', name, 'job-state'); }

  get unitFiles(): string { return this.join('unit'); }
  unitFile(hash: string): string { return this.join('unit', hash); }

  get machines(): string { return this.join('machines'); }
  machineObject(id: string): string { return this.join('machines', id, 'object'); }
  machineMetadata(id: string, key: string): string { return this.join('machines', id, 'metadata', key); }

  get states(): string { return this.join('states'); }
  unitStates(name: string): string { return this.join('states', name); }
  unitState(name: string, machineId: string): string { return this.join('states', name, machineId); }
  legacyUnitState(name: string): string { return this.join('state', name); }

  get engineVersion(): string { return this.join('engine', 'version'); }
  get engineLease(): string { return this.join('lease', 'engine-leader'); }

  get placements(): string { return `${this.ownBase}/placement`; }
  placement(name: string): string { return `${this.ownBase}/placement/${name}`; }
}
