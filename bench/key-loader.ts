/**
 * Loads many distinct keys into a v2 server with a fixed number of requests in flight, over a
 * node:http keep-alive agent, and reports how fast it went.
 */
import http from 'node:http';

export interface KeyLoad {
  readonly baseURL: string;
  /** Keys are `<prefix><i>` for i in 0..count-1, e.g. /v2/keys/load/99999 last. */
  readonly prefix: string;
  readonly count: number;
  readonly valueBytes: number;
  readonly concurrency: number;
  /** Bound on each request. */
  readonly requestTimeoutMs: number;
}

export interface KeyLoadResult {
  readonly seconds: number;
  readonly writesPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
  readonly firstFailure: string | null;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function putOnce(agent: http.Agent, url: URL, path: string, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent,
      host: url.hostname,
      port: url.port,
      method: 'PUT',
      path,
      timeout: timeoutMs,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function loadKeys(load: KeyLoad): Promise<KeyLoadResult> {
  const url = new URL(load.baseURL);
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.concurrency });
  const body = `value=${'v'.repeat(load.valueBytes)}`;
  const latencies = new Float64Array(load.count);
  let next = 0;
  let done = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < load.count) {
      const i = next++;
      const t0 = performance.now();
      try {
        const status = await putOnce(agent, url, `${load.prefix}${i}`, body, load.requestTimeoutMs);
        if (status !== 200 && status !== 201) throw new Error(`HTTP ${status}`);
        latencies[done++] = performance.now() - t0;
      } catch (err) {
        failures++;
        firstFailure ??= `${load.prefix}${i}: ${(err as Error).message}`;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: load.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.slice(0, done).sort();
  return {
    seconds,
    writesPerSec: done / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    failures,
    firstFailure,
  };
}
