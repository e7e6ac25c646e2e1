/**
 * Runs wrk against one URL with one of the Lua scripts in bench/lua and returns its parsed summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWrkReport, type WrkReport } from './wrk-report.js';

const luaDir = join(dirname(fileURLToPath(import.meta.url)), 'lua');

export interface WrkRun {
  readonly baseURL: string;
  readonly script: 'put' | 'get';
  readonly connections: number;
  readonly durationSec: number;
  /** Passed to the script after "--". */
  readonly scriptArgs: readonly string[];
}

/** wrk's thread count for a connection count: one thread per connection, at most two (two cores). */
export function wrkThreads(connections: number): number {
  return Math.max(1, Math.min(connections, 2));
}

export function wrkArguments(run: WrkRun): string[] {
  return [
    `-t${wrkThreads(run.connections)}`,
    `-c${run.connections}`,
    `-d${run.durationSec}s`,
    '--timeout', '10s',
    '--latency',
    '-s', join(luaDir, `${run.script}.lua`),
    run.baseURL,
    '--',
    ...run.scriptArgs,
  ];
}

const running = new Set<ChildProcess>();

/** Kills every wrk still running (when the benchmark is interrupted). */
export function killRunningWrk(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** What drives a suite's load: wrk by default, replaceable to test a suite's bookkeeping. */
export type LoadRunner = (run: WrkRun) => Promise<WrkReport>;

export function runWrk(run: WrkRun): Promise<WrkReport> {
  const args = wrkArguments(run);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    const limit = setTimeout(() => child.kill('SIGKILL'), (run.durationSec + 30) * 1000);
    child.on('error', (e) => { clearTimeout(limit); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      running.delete(child);
      if (code !== 0) {
        reject(new Error(`wrk ${args.join(' ')} ended with ${signal ?? code}: ${err.trim() || out.trim()}`));
        return;
      }
      try {
        resolve(parseWrkReport(out));
      } catch (e) {
        reject(new Error(`${(e as Error).message}\n${out}${err}`));
      }
    });
  });
}
