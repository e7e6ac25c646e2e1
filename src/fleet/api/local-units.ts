/**
 * What the API asks of this machine's own units for its `/fleet/v1/x-flotilla/machines/<id>/units/...`
 * routes (what fleetctl's `status` and `journal` show): fleetd's supervisor provides it.
 */

/** A unit's status as `systemctl status -l <unit>` would print it, with its exit code (0 active, 3 inactive, ...). */
export interface LocalUnitStatusText {
  text: string;
  exitCode: number;
}

export interface LocalUnitAccess {
  /** The status text of a unit, or null when this machine does not know the unit. */
  statusText(name: string): LocalUnitStatusText | null;
  /** The last `lines` journal lines of a unit, oldest first, without line ends. */
  journalLines(name: string, lines: number): string[];
  /** Calls `onLine` with every new journal line of the unit until the returned function is called. */
  followJournal(name: string, onLine: (line: string) => void): () => void;
}
