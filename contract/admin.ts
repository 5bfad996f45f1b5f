import { z } from 'zod';
import { defineOperation } from './operation';
import { queryInt, Scope } from './common';

export const ApiKeyWire = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(Scope),
  rate_limit_per_minute: z.number().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const createKey = defineOperation({
  name: 'keys.create',
  summary: 'Create an API key. The secret is returned once and stored only as a hash.',
  tag: 'admin',
  access: 'admin',
  input: z
    .object({
      name: z.string({ error: 'name must be a string' }).trim().min(1, { message: 'name must not be empty' }).max(100, { message: 'name must be at most 100 characters' }),
      scopes: z
        .array(Scope, { error: 'scopes must be an array of ingest, read, operate, admin' })
        .min(1, { message: 'scopes must hold at least one scope' })
        .transform((s) => [...new Set(s)]),
      rate_limit_per_minute: z.number().int().min(1).max(10_000_000).nullable().optional(),
      expires_in_days: z.number().int().min(1).max(3650).optional(),
    })
    .strict(),
  output: ApiKeyWire.extend({ key: z.string() }),
  http: { method: 'POST', path: '/api/v1/admin/keys', status: 201 },
});

export const listKeys = defineOperation({
  name: 'keys.list',
  summary: 'Every API key (without secrets).',
  tag: 'admin',
  access: 'admin',
  input: z.object({}),
  output: z.object({ keys: z.array(ApiKeyWire) }),
  http: { method: 'GET', path: '/api/v1/admin/keys' },
});

export const revokeKey = defineOperation({
  name: 'keys.revoke',
  summary: 'Revoke an API key; it stops working at once.',
  tag: 'admin',
  access: 'admin',
  input: z.object({ id: z.string().min(1).max(100) }),
  output: ApiKeyWire,
  http: { method: 'DELETE', path: '/api/v1/admin/keys/{id}' },
});

export const AuditEntryWire = z.object({
  id: z.string(),
  at: z.string(),
  actor_key_id: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown().nullable(),
  correlation_id: z.string().nullable(),
});

export const listAudit = defineOperation({
  name: 'audit.list',
  summary: 'Administrative actions, newest first.',
  tag: 'admin',
  access: 'admin',
  input: z.object({ limit: queryInt(1, 1000).default(100) }),
  output: z.object({ entries: z.array(AuditEntryWire) }),
  http: { method: 'GET', path: '/api/v1/admin/audit' },
});

export const whoami = defineOperation({
  name: 'auth.whoami',
  summary: 'The calling key: id, name and scopes.',
  tag: 'auth',
  access: 'authenticated',
  input: z.object({}),
  output: z.object({ key_id: z.string(), name: z.string(), scopes: z.array(Scope), station: z.string() }),
  http: { method: 'GET', path: '/api/v1/auth/whoami' },
});

export const signIn = defineOperation({
  name: 'auth.signIn',
  summary: 'Exchange the one-time sign-in token printed at start for an admin session key (valid 7 days).',
  tag: 'auth',
  access: 'public',
  input: z.object({ token: z.string({ error: 'token must be a string' }).min(1).max(200) }).strict(),
  output: z.object({ key: z.string(), key_id: z.string(), expires_at: z.string() }),
  http: { method: 'POST', path: '/api/v1/auth/sign-in' },
});

export const health = defineOperation({
  name: 'health.check',
  summary: 'Liveness: the station is up.',
  tag: 'health',
  access: 'public',
  input: z.object({}),
  output: z.object({ status: z.literal('ok'), version: z.string(), uptime_s: z.number() }),
  http: { method: 'GET', path: '/health' },
});

export const healthDb = defineOperation({
  name: 'health.db',
  summary: 'Database health: schema version, size, journal mode, a timed probe query.',
  tag: 'health',
  access: 'read',
  input: z.object({}),
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
