/**
 * Metrics whose values live elsewhere (in the store, the log, the transport, the process) and
 * are read when `/metrics` is scraped, so nothing is counted twice and nothing runs between
 * scrapes.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

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

/**
 * Observations of one label set, counted by the caller on its hot path (a comparison per bucket
 * bound and three additions): per-bucket counts, not cumulative, with their sum and number.
 */
export class BucketCounts {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

/** One sample of a collected histogram as the registry formats it. */
interface HistogramSample {
  readonly labels: Record<string, string | number>;
  readonly sharedLabels: Record<string, string>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * A histogram whose observations are kept elsewhere, one `BucketCounts` per value of its one
 * label; at each scrape its samples are built from them (cumulative buckets, `+Inf`, sum, count),
 * in the shape prom-client's own histograms hand to the registry.
 */
class CollectedHistogram extends Histogram<string> {
  constructor(
    private readonly family: { name: string; help: string; labelName: string; buckets: readonly number[] },
    private readonly read: () => Iterable<readonly [labelValue: string, counts: BucketCounts]>,
    registry: Registry,
  ) {
    super({ name: family.name, help: family.help, labelNames: [family.labelName], buckets: [...family.buckets], registers: [registry] });
  }

  /** What the registry formats (and what `get` reads). */
  async getForPromString(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: HistogramSample[] }> {
    const { name, help, labelName } = this.family;
    const values: HistogramSample[] = [];
    for (const [labelValue, b] of this.read()) {
      const shared = { [labelName]: labelValue };
      let total = 0;
      for (let i = 0; i < b.bounds.length; i++) {
        total += b.counts[i]!;
        values.push({ labels: { le: b.bounds[i]! }, sharedLabels: shared, value: total, metricName: `${name}_bucket` });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: shared, value: b.count, metricName: `${name}_bucket` });
      values.push({ labels: {}, sharedLabels: shared, value: b.sum, metricName: `${name}_sum` });
      values.push({ labels: {}, sharedLabels: shared, value: b.count, metricName: `${name}_count` });
    }
    return { name, help, type: 'histogram', aggregator: 'sum', values };
  }
}

/** Registers a histogram read from `BucketCounts` kept by the caller (see `CollectedHistogram`). */
export function collectedHistogram(
  registry: Registry,
  family: { name: string; help: string; labelName: string; buckets: readonly number[] },
  read: () => Iterable<readonly [labelValue: string, counts: BucketCounts]>,
): void {
  new CollectedHistogram(family, read, registry);
}
