import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskGuard } from '../../main/core/platform/disk-space';
import { reading, startStation, type TestStation } from '../helpers/station';

// Below the free-disk floor, ingest and import are refused with a clear
// 507 before anything is written; once there is room again the station
// takes readings as before.

const MIB = 1024 * 1024;
const T0 = Date.UTC(2024, 4, 1, 12);

const importCsv = (s: TestStation, csv: string, query = '') =>
  s.request('POST', `/api/v1/data/import${query}`, { rawBody: csv, headers: { 'content-type': 'text/csv' } });

describe('the free-disk floor', () => {
  let s: TestStation;
  let free = 100 * MIB;
  /** Free bytes by the number of the check, for a disk that runs short during a request. */
  let byCheck: ((check: number) => number) | null = null;
  let checks = 0;
  beforeAll(async () => {
    s = await startStation({ diskFloorMb: 256 }, { station: { disk: { freeBytes: () => (byCheck ? byCheck(++checks) : free), cacheMs: 0 } } });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('refuses ingest with 507 naming the floor, storing nothing', async () => {
    const r = await s.request('POST', '/api/v1/data/ingest', { body: [reading('full.1', T0, 1), reading('full.1', T0 + 1, 2)] });
    expect(r.status).toBe(507);
    expect(r.body.error.code).toBe('insufficient_storage');
    expect(r.body.error.message).toBe('free disk 100 MiB is below the configured floor 256 MiB (disk-floor-mb); nothing was stored — free disk space or lower the floor');
    expect(r.body.error.details).toEqual({ free_bytes: 100 * MIB, floor_bytes: 256 * MIB });
    // Refused before validation: an invalid batch gets the same answer, not a 422.
    expect((await s.request('POST', '/api/v1/data/ingest', { body: [{ sensor_id: 'full.1' }] })).status).toBe(507);
    expect(s.station.db.prepare('SELECT COUNT(*) FROM readings').pluck().get()).toBe(0);
    expect(s.station.db.prepare('SELECT COUNT(*) FROM sensors').pluck().get()).toBe(0);
  });

  it('refuses import with 507 before the import is recorded', async () => {
    const r = await importCsv(s, `sensor_id,timestamp,value\nfull.2,${T0},1\n`, '?import_id=refused-1');
    expect(r.status).toBe(507);
    expect(r.body.error.code).toBe('insufficient_storage');
    expect(r.body.error.message).toMatch(/below the configured floor 256 MiB \(disk-floor-mb\); nothing was stored/);
    expect((await s.request('GET', '/api/v1/data/imports')).body.imports).toEqual([]);
    expect(s.station.db.prepare('SELECT COUNT(*) FROM readings').pluck().get()).toBe(0);
  });

  it('says so on /health/db', async () => {
    const h = await s.request('GET', '/health/db');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      status: 'ok',
      disk: 'below_floor',
      free_bytes: 100 * MIB,
      disk_floor_bytes: 256 * MIB,
      oldest_raw_timestamp: null,
      raw_retention_days: null,
      readings: 0,
    });
  });

  it('stops a long import at the chunk where the disk runs short, keeping what came before', async () => {
    // Room when the import starts and for its first chunk of 5,000 rows; then the disk is short.
    checks = 0;
    byCheck = (n) => (n <= 2 ? 10 * 1024 * MIB : 100 * MIB);
    try {
      const rows = Array.from({ length: 12_000 }, (_, i) => `long.1,${T0 + i * 1000},${i}`).join('\n');
      const r = await importCsv(s, `sensor_id,timestamp,value\n${rows}\n`, '?import_id=runs-short');
      expect(r.status).toBe(507);
      expect(r.body.error.message).toMatch(/below the configured floor 256 MiB \(disk-floor-mb\); the import stopped before this chunk/);
      expect(r.body.error.message).toMatch(/5000 stored/);
    } finally {
      byCheck = null;
    }
    expect((await s.request('GET', '/api/v1/data/imports/runs-short')).body).toMatchObject({ status: 'failed', stored: 5000 });
    expect(s.station.db.prepare("SELECT COUNT(*) FROM readings r JOIN sensors s USING (sensor_key) WHERE s.id = 'long.1'").pluck().get()).toBe(5000);
  });

  it('takes readings again once there is room', async () => {
    free = 10 * 1024 * MIB;
    const r = await s.request('POST', '/api/v1/data/ingest', { body: [reading('full.1', T0, 1), reading('full.1', T0 + 1, 2)] });
    expect(r.status, r.text).toBe(200);
    expect(r.body.stored).toBe(2);
    expect((await importCsv(s, `sensor_id,timestamp,value\nfull.2,${T0},1\n`, '?import_id=refused-1')).body).toMatchObject({ status: 'completed', stored: 1 });
    const h = await s.request('GET', '/health/db');
    expect(h.body).toMatchObject({ disk: 'ok', readings: 5003, oldest_raw_timestamp: new Date(T0).toISOString() });
  });
});

describe('the floor against the real file system', () => {
  it('refuses when the floor is above what the disk has, and never when it is 0', async () => {
    const high = await startStation({ diskFloorMb: 10_000_000 });
    try {
      const r = await high.request('POST', '/api/v1/data/ingest', { body: reading('real.1', T0, 1) });
      expect(r.status).toBe(507);
      expect(r.body.error.message).toMatch(/^free disk \d+ MiB is below the configured floor 10000000 MiB \(disk-floor-mb\)/);
      const h = await high.request('GET', '/health/db');
      expect(h.body.disk).toBe('below_floor');
      expect(h.body.free_bytes).toBeGreaterThan(0);
    } finally {
      await high.stop();
    }
    const off = await startStation({ diskFloorMb: 0 }, { station: { disk: { freeBytes: () => 0 } } });
    try {
      expect((await off.request('POST', '/api/v1/data/ingest', { body: reading('real.1', T0, 1) })).status).toBe(200);
      expect((await off.request('GET', '/health/db')).body).toMatchObject({ disk: 'ok', disk_floor_bytes: 0, free_bytes: 0 });
    } finally {
      await off.stop();
    }
  });
});

describe('createDiskGuard', () => {
  it('asks the file system at most once per cache period', () => {
    let calls = 0;
    const guard = createDiskGuard({ dir: '.', floorMb: 1, cacheMs: 60_000, freeBytes: () => (calls++, 2 * MIB) });
    for (let i = 0; i < 1000; i++) guard.requireFreeDisk();
    expect(calls).toBe(1);
  });

  it('does not refuse when the platform cannot say how much is free', () => {
    const guard = createDiskGuard({ dir: '.', floorMb: 1, freeBytes: () => null });
    expect(() => guard.requireFreeDisk()).not.toThrow();
    expect(guard.status()).toEqual({ free_bytes: null, floor_bytes: MIB, disk: 'unknown' });
  });
});
