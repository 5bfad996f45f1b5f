import { z } from 'zod';
import { IsoTime } from './common';
import { defineContract, defineOperation } from './operation';

export const health = defineOperation({
  name: 'health.check',
  summary: 'Liveness: the station is up.',
  tag: 'health',
  access: 'public',
  input: z.object({}).strict(),
  output: z.object({ status: z.literal('ok'), version: z.string(), uptime_s: z.number() }),
  http: { method: 'GET', path: '/health' },
});

export const healthDb = defineOperation({
  name: 'health.db',
  summary: 'Database health: schema version, size, journal mode, free disk against the floor, the oldest raw reading, a timed probe query.',
  tag: 'health',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({
    status: z.enum(['ok', 'error']),
    schema_version: z.number(),
    journal_mode: z.string(),
    synchronous: z.string(),
    size_bytes: z.number(),
    wal_bytes: z.number(),
    sensors: z.number(),
    readings: z.number(),
    probe_ms: z.number(),
    /** Bytes the station may still write on the data directory's file system; null where the platform cannot say. */
    free_bytes: z.number().nullable(),
    /** Below this, ingest and import answer 507 `insufficient_storage` (0: never). */
    disk_floor_bytes: z.number(),
    disk: z.enum(['ok', 'below_floor', 'unknown']),
    /** The oldest raw reading still stored (retention deletes older ones; rollups are kept). */
    oldest_raw_timestamp: IsoTime.nullable(),
    /** The station's raw retention in days; null: raw readings are kept for ever unless a sensor sets its own. */
    raw_retention_days: z.number().nullable(),
  }),
  http: { method: 'GET', path: '/health/db' },
});

export const systemContract = defineContract({ domain: 'system', operations: [health, healthDb], events: [] });
