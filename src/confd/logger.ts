/**
 * confd's log output: one line per message on standard error,
 * `<RFC3339 local time> <hostname> <argv0>[<pid>]: <LEVEL> <message>`, filtered by level.
 */

export type LogLevelName = 'debug' | 'info' | 'warning' | 'error' | 'fatal' | 'panic';

const RANK: Record<LogLevelName, number> = { debug: 0, info: 1, warning: 2, error: 3, fatal: 4, panic: 5 };

/** Parses a `-log-level` value; undefined when it is not a level confd knows. */
export function parseLogLevel(text: string): LogLevelName | undefined {
  switch (text.toLowerCase()) {
    case 'debug':
      return 'debug';
    case 'info':
      return 'info';
    case 'warn':
    case 'warning':
      return 'warning';
    case 'error':
      return 'error';
    case 'fatal':
      return 'fatal';
    case 'panic':
      return 'panic';
  }
  return undefined;
}

/** Go's RFC 3339 rendering of a local time: `2026-11-25T15:45:09Z` or `...+01:00`. */
export function rfc3339Local(d: Date): string {
  const offsetMin = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offsetMin * 60_000);
  const base = local.toISOString().slice(0, 19);
  if (offsetMin === 0) return base + 'Z';
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${base}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface LogSink {
  write(line: string): void;
}

export class ConfdLogger {
  private level: LogLevelName = 'info';

  constructor(
    private readonly sink: LogSink,
    private readonly prefix: { hostname: string; argv0: string; pid: number },
    private readonly clock: () => Date = () => new Date(),
  ) {}

  setLevel(level: LogLevelName): void {
    this.level = level;
  }

  enabled(level: LogLevelName): boolean {
    return RANK[level] >= RANK[this.level];
  }

  private log(level: LogLevelName, message: string): void {
    if (!this.enabled(level)) return;
    const { hostname, argv0, pid } = this.prefix;
    this.sink.write(`${rfc3339Local(this.clock())} ${hostname} ${argv0}[${pid}]: ${level.toUpperCase()} ${message}\n`);
  }

  debug(message: string): void {
    this.log('debug', message);
  }
  info(message: string): void {
    this.log('info', message);
  }
  warning(message: string): void {
    this.log('warning', message);
  }
  error(message: string): void {
    this.log('error', message);
  }
  /** Logs at FATAL regardless of level; the caller exits with status 1. */
  fatal(message: string): void {
    const { hostname, argv0, pid } = this.prefix;
    this.sink.write(`${rfc3339Local(this.clock())} ${hostname} ${argv0}[${pid}]: FATAL ${message}\n`);
  }
}
