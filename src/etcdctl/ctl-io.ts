/** What an etcdctl run talks to: output streams, environment, standard input, and the way to exit. */

export interface CtlIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** Shows the prompt and reads one line (a password: not echoed on a terminal). */
  promptSecret?(prompt: string): Promise<string>;
  /** From now on, an interrupt (Ctrl+C) ends the process with status 0 (watch commands). */
  exitOnInterrupt?(): void;
  /** Ends the process at once (a failure in a background task). */
  hardExit?(code: number): void;
}

/** Thrown to end the run with an exit code (output already written). */
export class CtlExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export const EXIT = {
  success: 0,
  badArgs: 1,
  badConnection: 2,
  badAuth: 3,
  serverError: 4,
  clusterNotHealthy: 5,
} as const;
