/**
 * The standard `process_*` metrics of a Prometheus target, and etcd's `os_fd_*`, read from the
 * process and `/proc/self` when `/metrics` is scraped (nothing runs between scrapes). Where
 * `/proc` is missing, the metrics that need it report 0.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { collectedCounter, collectedGauge } from './collected-metrics.js';

/** `/proc/self/stat` fields (1-based, as proc(5) numbers them), counted after the command name. */
const VSIZE_FIELD = 23;

function procFile(name: string): string | null {
  try {
    return readFileSync(`/proc/self/${name}`, 'utf8');
  } catch {
    return null;
  }
}

/** Open file descriptors (the one used to list them not counted), or null without `/proc`. */
function openFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return null;
  }
}

/** The soft limit on a line of `/proc/self/limits` ("unlimited" as Go's client reports it), or null. */
export function softLimit(limits: string, name: string): number | null {
  for (const line of limits.split('\n')) {
    if (!line.startsWith(name)) continue;
    const soft = line.slice(name.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return 18446744073709551615;
    const n = Number(soft);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** The virtual memory size in bytes from `/proc/self/stat`, or null. */
export function virtualMemoryBytes(stat: string): number | null {
  // The command name (field 2) may hold spaces; the fields after it start after its closing ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const v = Number(rest[VSIZE_FIELD - 3]);
  return Number.isFinite(v) ? v : null;
}

export function registerProcessMetrics(registry: Registry): void {
  const startSeconds = (Date.now() - process.uptime() * 1000) / 1000;
  const gauge = (name: string, help: string, read: () => number | null): void => collectedGauge(registry, name, help, read);
  collectedCounter(registry, 'process_cpu_seconds_total', 'CPU time the process has used, user and system, in seconds.', [], () => {
    const { user, system } = process.cpuUsage();
    return [[{}, (user + system) / 1e6]];
  });
  gauge('process_resident_memory_bytes', 'Resident memory of the process, in bytes.', () => process.memoryUsage.rss());
  gauge('process_virtual_memory_bytes', 'Virtual memory of the process, in bytes.', () => {
    const stat = procFile('stat');
    return stat === null ? null : virtualMemoryBytes(stat);
  });
  gauge('process_virtual_memory_max_bytes', 'The most virtual memory the process may have, in bytes.', () => {
    const limits = procFile('limits');
    return limits === null ? null : softLimit(limits, 'Max address space');
  });
  gauge('process_start_time_seconds', 'When the process started, in seconds since the Unix epoch.', () => startSeconds);
  const maxFds = (): number | null => {
    const limits = procFile('limits');
    return limits === null ? null : softLimit(limits, 'Max open files');
  };
  gauge('process_open_fds', 'File descriptors the process has open.', openFds);
  gauge('process_max_fds', 'The most file descriptors the process may open.', maxFds);
  gauge('os_fd_used', 'File descriptors the process has open (etcd\'s name).', openFds);
  gauge('os_fd_limit', 'The most file descriptors the process may open (etcd\'s name).', maxFds);
}
