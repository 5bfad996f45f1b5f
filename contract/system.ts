import { z } from 'zod';
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
  summary: 'Database health: schema version, size, journal mode, a timed probe query.',
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
  }),
  http: { method: 'GET', path: '/health/db' },
});

export const systemContract = defineContract({ domain: 'system', operations: [health, healthDb], events: [] });
