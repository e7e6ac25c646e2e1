/**
 * The fleet API's Prometheus metrics, in a registry of its own (never prom-client's global one):
 * requests by method, route and status code, their durations by route, whether the API is
 * serving, the journal streams open now, and fleetd's version and machine ID.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class FleetApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'code'>;
  private readonly durations: Histogram<'route'>;
  private journalStreams = 0;

  constructor(options: { version: string; machineId: string; isReady: () => boolean }) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'fleetd_api_requests_total',
      help: 'API requests answered, by method, route and HTTP status code.',
      labelNames: ['method', 'route', 'code'],
      registers,
    });
    this.durations = new Histogram({
      name: 'fleetd_api_request_duration_seconds',
      help: 'How long API requests took to answer (for a followed journal, until it ended), by route.',
      labelNames: ['route'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'fleetd_api_ready',
      help: 'Whether the API serves requests (1) or answers 503 because etcd cannot be reached (0).',
      registers,
      collect() {
        this.set(options.isReady() ? 1 : 0);
      },
    });
    const streams = (): number => this.journalStreams;
    new Gauge({
      name: 'fleetd_api_journal_streams',
      help: 'Followed journals being streamed now.',
      registers,
      collect() {
        this.set(streams());
      },
    });
    new Gauge({
      name: 'fleetd_info',
      help: 'fleetd version and machine ID, as labels (the value is always 1).',
      labelNames: ['version', 'machine_id'],
      registers,
    }).set({ version: options.version, machine_id: options.machineId }, 1);
  }

  /** Counts one answered request, begun `seconds` ago. */
  observe(method: string, route: string, code: number, seconds: number): void {
    this.requests.inc({ method, route, code: String(code) });
    this.durations.observe({ route }, seconds);
  }

  journalStreamOpened(): void {
    this.journalStreams++;
  }

  journalStreamClosed(): void {
    this.journalStreams--;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
