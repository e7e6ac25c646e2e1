/**
 * Metrics whose values live elsewhere (in the store, the log, the transport, the process) and
 * are read when `/metrics` is scraped, so nothing is counted twice and nothing runs between
 * scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** One sample of a collected counter: its labels and the total kept elsewhere. */
export type CollectedSample = readonly [labels: Readonly<Record<string, string>>, total: number];

/** A gauge set from `read` at each scrape; null leaves it as it was (0 until first set). */
export function collectedGauge(registry: Registry, name: string, help: string, read: () => number | null): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const v = read();
      if (v !== null) this.set(v);
    },
  });
}

/**
 * A counter whose totals are kept elsewhere: at each scrape its samples are exactly those `read`
 * returns (a label set it leaves out is not shown).
 */
export function collectedCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: () => Iterable<CollectedSample>,
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, total] of read()) this.inc({ ...labels }, total);
    },
  });
}
