/**
 * The numbers wrk prints after a run with `--latency`, read from its text output.
 */
export interface WrkReport {
  /** Completed requests per second ("Requests/sec:"). */
  readonly requestsPerSec: number;
  /** Median and 99th percentile latency, in milliseconds ("Latency Distribution"). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Total completed requests. */
  readonly requests: number;
  /** Answers with a status outside 2xx/3xx. */
  readonly non2xx: number;
  /** Connect, read, write and timeout errors added together. */
  readonly socketErrors: number;
}

const unitToMs: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(amount: string, unit: string): number {
  const factor = unitToMs[unit];
  if (factor === undefined) throw new Error(`unknown wrk time unit "${unit}"`);
  return Number(amount) * factor;
}

function percentileMs(text: string, percent: string): number {
  const match = new RegExp(`^\\s*${percent}%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(text);
  if (!match) throw new Error(`wrk output has no ${percent}% latency line (was --latency given?)`);
  return durationMs(match[1]!, match[2]!);
}

/** Reads wrk's summary; throws when the output is not a finished wrk run. */
export function parseWrkReport(text: string): WrkReport {
  const rps = /^Requests\/sec:\s+([0-9.]+)/m.exec(text);
  if (!rps) throw new Error('wrk output has no "Requests/sec:" line');
  const total = /^\s*(\d+) requests in /m.exec(text);
  const non2xx = /^\s*Non-2xx or 3xx responses:\s+(\d+)/m.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1, 5).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: percentileMs(text, '50'),
    p99Ms: percentileMs(text, '99'),
    requests: total ? Number(total[1]) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors,
  };
}

/** What made a run's figures suspect (answers outside 2xx/3xx, socket errors), or undefined. */
export function wrkProblems(report: WrkReport): string | undefined {
  const parts: string[] = [];
  if (report.non2xx > 0) parts.push(`${report.non2xx} non-2xx answers`);
  if (report.socketErrors > 0) parts.push(`${report.socketErrors} socket errors`);
  return parts.length > 0 ? `${parts.join(', ')} of ${report.requests}` : undefined;
}
