import { statSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one station. Each station owns its registry, so
 * several stations in one process (tests, the bench) do not mix figures.
 */
export class StationMetrics {
  readonly registry = new Registry();
  readonly ingestedReadings: Counter<'result'>;
  readonly ingestRequests: Counter<'outcome'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly commitDuration: Histogram;
  readonly commitJobs: Histogram;
  readonly syncDuration: Histogram;
  readonly eventsWritten: Counter;
  readonly retentionDeleted: Counter;

  constructor(dbFile: string) {
    collectDefaultMetrics({ register: this.registry, prefix: 'smc_', eventLoopMonitoringPrecision: 20 });
    this.ingestedReadings = new Counter({
      name: 'smc_ingest_readings_total',
      help: 'Readings received by ingest and import, by result',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.ingestRequests = new Counter({
      name: 'smc_ingest_requests_total',
      help: 'Ingest and import requests, by outcome',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'smc_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [this.registry],
    });
    this.commitDuration = new Histogram({
      name: 'smc_db_commit_duration_seconds',
      help: 'Duration of group commits on the serving thread (the queued writes; the WAL fsync runs after it, off that thread)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.commitJobs = new Histogram({
      name: 'smc_db_commit_jobs',
      help: 'Write jobs grouped into one commit',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [this.registry],
    });
    this.syncDuration = new Histogram({
      name: 'smc_db_sync_duration_seconds',
      help: 'Duration of the WAL fsyncs that make commits durable, off the serving thread',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.eventsWritten = new Counter({
      name: 'smc_events_written_total',
      help: 'Events committed to the outbox',
      registers: [this.registry],
    });
    this.retentionDeleted = new Counter({
      name: 'smc_retention_deleted_readings_total',
      help: 'Raw readings deleted by retention (rollups are kept)',
      registers: [this.registry],
    });
    new Gauge({
      name: 'smc_db_size_bytes',
      help: 'Size of the database file and its write-ahead log',
      labelNames: ['file'],
      registers: [this.registry],
      collect() {
        this.set({ file: 'main' }, sizeOf(dbFile));
        this.set({ file: 'wal' }, sizeOf(`${dbFile}-wal`));
      },
    });
  }

  // Labelled children, looked up once: prom-client builds a key from the labels on every call otherwise,
  // and these run on every request.
  private readonly httpChildren = new ChildCache<{ observe(v: number): void }>(2048);
  private readonly readingChildren = new ChildCache<{ inc(n: number): void }>(8);
  private readonly requestChildren = new ChildCache<{ inc(): void }>(64);

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpChildren.get(`${method} ${status} ${route}`, () => this.httpDuration.labels({ method, route, status: String(status) })).observe(seconds);
  }

  countIngest(result: { stored: number; duplicates: number; conflicts: number; rejected: number }): void {
    for (const label in result) {
      const n = result[label as keyof typeof result];
      if (n > 0) this.readingChildren.get(label, () => this.ingestedReadings.labels({ result: label })).inc(n);
    }
  }

  countRequest(outcome: string): void {
    this.requestChildren.get(outcome, () => this.ingestRequests.labels({ outcome })).inc();
  }
}

/** A metric's labelled children by key, at most `max` of them kept (labels that keep changing are not cached). */
class ChildCache<C> {
  private readonly map = new Map<string, C>();
  constructor(private readonly max: number) {}

  get(key: string, make: () => C): C {
    let child = this.map.get(key);
    if (!child) {
      child = make();
      if (this.map.size < this.max) this.map.set(key, child);
    }
    return child;
  }
}

export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
