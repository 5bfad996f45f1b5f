import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../contract';
import { reading, startStation, type TestStation } from '../helpers/station';
import { MIGRATIONS } from '../../main/core/app';

const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

describe('health, metrics and API docs', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
    await s.request('POST', '/api/v1/data/ingest', { body: [reading('m-1', Date.UTC(2024, 0, 1), 1), reading('m-1', Date.UTC(2024, 0, 1, 0, 1), 2)] });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('answers /health without a key and /health/db with one', async () => {
    const h = await s.request('GET', '/health', { key: null });
    expect(h.body).toMatchObject({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(h.headers.get('cache-control')).toBe('no-store');
    const db = await s.request('GET', '/health/db');
    expect(db.body).toMatchObject({ status: 'ok', schema_version: LATEST_SCHEMA_VERSION, journal_mode: 'wal', synchronous: 'full', sensors: 1, readings: 2 });
    expect(db.body.size_bytes).toBeGreaterThan(0);
  });

  it('exposes Prometheus metrics: ingest counters, request latency, DB size, event-loop lag', async () => {
    const r = await s.request('GET', '/metrics');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^smc_ingest_readings_total\{result="stored"\} 2$/m);
    expect(r.text).toMatch(/^smc_ingest_requests_total\{outcome="ok"\} 1$/m);
    expect(r.text).toMatch(/^smc_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/data\/ingest".*\} \d+$/m);
    expect(r.text).toMatch(/^smc_db_size_bytes\{file="main"\} [1-9]\d*$/m);
    expect(r.text).toMatch(/^smc_nodejs_eventloop_lag_seconds \S+$/m);
    expect(r.text).toMatch(/^smc_db_commit_duration_seconds_count [1-9]/m);
  });

  it('documents every HTTP operation of the contract at /docs', async () => {
    const html = await s.request('GET', '/docs', { key: null });
    expect([200, 302]).toContain(html.status);
    const spec = await s.request('GET', '/docs/json', { key: null });
    expect(spec.body.openapi).toBe('3.1.0');
    for (const op of Object.values(operations)) {
      if (!op.http) continue;
      const entry = spec.body.paths[op.http.path]?.[op.http.method.toLowerCase()];
      expect(entry, `${op.http.method} ${op.http.path}`).toBeDefined();
      expect(entry.operationId).toBe(op.name);
    }
    // The replaced system's paths answer too, documented as deprecated aliases of one canonical path.
    const aliased = Object.values(operations).filter((op) => op.http?.aliases?.length);
    expect(aliased.map((op) => op.name).sort()).toEqual(['ml.detect', 'ml.drift', 'readings.export', 'readings.list']);
    for (const op of aliased) {
      for (const alias of op.http!.aliases!) {
        const entry = spec.body.paths[alias]?.[op.http!.method.toLowerCase()];
        expect(entry, alias).toMatchObject({ deprecated: true });
        expect(entry.summary).toContain(op.http!.path);
      }
    }
    // One path style: kebab-case nouns under /api/v1 (and /health).
    for (const op of Object.values(operations)) {
      if (op.http) expect(op.http.path, op.name).toMatch(/^(\/api\/v1|\/health)(\/([a-z0-9]+(-[a-z0-9]+)*|\{[a-z_]+\}))*$/);
    }
    const ingest = spec.body.paths['/api/v1/data/ingest'].post;
    expect(JSON.stringify(ingest.requestBody)).toContain('sensor_id');
    expect(ingest.parameters.map((p: { name: string }) => p.name)).toContain('partial');
  });

  it('answers unknown routes with a typed 404', async () => {
    const r = await s.request('GET', '/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'not_found', message: 'no route GET /api/v1/nothing-here' });
  });
});
