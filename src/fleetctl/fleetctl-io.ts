/**
 * What one fleetctl run talks to: its output streams (fleetctl's `stdout()`/`stderr()` helpers add
 * a newline when the text lacks one), the environment, a clock for waits and log timestamps, and
 * fleet's log line format (`2016/12/22 10:00:00 WARN fleetctl.go:674: message`).
 */

/** A byte or text sink such as process.stdout. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
}

/** Time for waits and log stamps; tests pass a fake that advances instantly. */
export interface FleetctlClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: FleetctlClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Go's log prefix with date and time in local time: `2006/01/02 15:04:05`. */
export function logTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}/${two(d.getMonth() + 1)}/${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

export class FleetctlIO {
  debug = false;

  constructor(
    readonly stdoutStream: OutputStream,
    readonly stderrStream: OutputStream,
    readonly clock: FleetctlClock,
  ) {}

  /** Raw output. */
  out(text: string): void {
    if (text !== '') this.stdoutStream.write(text);
  }
  err(text: string): void {
    if (text !== '') this.stderrStream.write(text);
  }
  /** fleetctl's stdout(): a newline is added when missing. */
  stdout(text: string): void {
    this.out(withNewline(text));
  }
  stderr(text: string): void {
    this.err(withNewline(text));
  }

  /** A log line on stderr; DEBUG only with --debug. `site` is the Go source position (`fleetctl.go:674`). */
  log(level: LogLevel, site: string, message: string): void {
    if (level === 'DEBUG' && !this.debug) return;
    this.err(`${logTimestamp(this.clock.now())} ${level} ${site}: ${withNewline(message)}`);
  }
}
