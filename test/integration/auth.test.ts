import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStation, isLoopback } from '../../main/core/app';
import { loadConfig } from '../../main/core/config';
import { createLogger } from '../../main/core/platform/log';
import { ADMIN_KEY, reading, startStation, tempDir, type TestStation } from '../helpers/station';

const T0 = Date.UTC(2024, 4, 1, 12);

describe('authentication and scopes', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('serves /health without a key and nothing else', async () => {
    expect((await s.request('GET', '/health', { key: null })).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/health/db'],
      ['GET', '/metrics'],
      ['GET', '/api/v1/sensors'],
      ['GET', '/api/v1/sensors/readings'],
      ['GET', '/api/v1/sensors/readings/export'],
      ['POST', '/api/v1/data/ingest'],
      ['POST', '/api/v1/data/import'],
      ['GET', '/api/v1/admin/keys'],
      ['GET', '/api/v1/auth/whoami'],
    ]) {
      const r = await s.request(method!, path!, { key: null });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.message).toMatch(/API key is required/);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('accepts X-API-Key and Authorization: Bearer, and refuses unknown keys', async () => {
    expect((await s.request('GET', '/api/v1/auth/whoami')).body).toMatchObject({ name: 'bootstrap', scopes: ['admin'], station: new URL(s.url).host });
    const bearer = await s.request('GET', '/api/v1/auth/whoami', { key: null, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(bearer.status).toBe(200);
    const wrong = await s.request('GET', '/api/v1/sensors', { key: 'smc_not-a-real-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/not valid/);
  });

  it('enforces scopes with 403 naming the scope needed', async () => {
    const ingestOnly = await s.createKey(['ingest']);
    const readOnly = await s.createKey(['read']);
    expect((await s.request('POST', '/api/v1/data/ingest', { body: reading('scoped', T0, 1), key: ingestOnly })).status).toBe(200);
    const denied = await s.request('GET', '/api/v1/sensors', { key: ingestOnly });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/needs the 'read' scope; this key has ingest/);
    expect((await s.request('GET', '/api/v1/sensors', { key: readOnly })).status).toBe(200);
    expect((await s.request('POST', '/api/v1/data/ingest', { body: reading('scoped', T0 + 1, 1), key: readOnly })).status).toBe(403);
    expect((await s.request('GET', '/api/v1/admin/keys', { key: readOnly })).status).toBe(403);
    expect((await s.request('GET', '/metrics', { key: ingestOnly })).status).toBe(403);
    expect((await s.request('GET', '/metrics', { key: readOnly })).status).toBe(200);
  });

  it('creates, lists and revokes keys, stores only hashes, and audits it', async () => {
    const created = await s.request('POST', '/api/v1/admin/keys', { body: { name: 'gateway 3', scopes: ['ingest', 'read'] } });
    expect(created.status).toBe(201);
    const { id, key } = created.body;
    expect(key).toMatch(/^smc_[A-Za-z0-9_-]{40,}$/);
    const list = await s.request('GET', '/api/v1/admin/keys');
    const listed = list.body.keys.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ name: 'gateway 3', scopes: ['ingest', 'read'], revoked_at: null, prefix: key.slice(0, 10) });
    expect(JSON.stringify(list.body)).not.toContain(key);

    // At rest: the secret appears nowhere in the database file or its WAL.
    const db = new Database(join(s.dir, 'station.db'), { readonly: true });
    const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as Record<string, unknown>;
    db.close();
    expect(Object.values(row)).not.toContain(key);
    for (const f of ['station.db', 'station.db-wal']) {
      expect(readFileSync(join(s.dir, f)).includes(Buffer.from(key))).toBe(false);
    }

    expect((await s.request('GET', '/api/v1/sensors', { key })).status).toBe(200);
    const revoked = await s.request('DELETE', `/api/v1/admin/keys/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const after = await s.request('GET', '/api/v1/sensors', { key });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/revoked/);
    expect((await s.request('DELETE', '/api/v1/admin/keys/no-such-key')).status).toBe(404);

    const audit = await s.request('GET', '/api/v1/admin/audit');
    const actions = audit.body.entries.filter((e: { target: string }) => e.target === id).map((e: { action: string }) => e.action);
    expect(actions).toEqual(['keys.revoke', 'keys.create']);
  });

  it('validates key creation input, naming the field', async () => {
    const bad = await s.request('POST', '/api/v1/admin/keys', { body: { name: '', scopes: ['root'] } });
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(fields).toEqual(expect.arrayContaining(['name', 'scopes.0']));
  });

  it('expires keys', async () => {
    let now = Date.now();
    const st = await startStation({}, { now: () => now });
    try {
      const key = await st.createKey(['read'], { expires_in_days: 1 });
      expect((await st.request('GET', '/api/v1/sensors', { key })).status).toBe(200);
      now += 2 * 24 * 3600_000;
      const r = await st.request('GET', '/api/v1/sensors', { key });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(/expired/);
    } finally {
      await st.stop();
    }
  });

  it('exchanges the one-time sign-in token for an admin browser session exactly once', async () => {
    const token = await s.station.signInToken(() => undefined);
    const first = await s.request('POST', '/api/v1/auth/sign-in', { body: { token }, key: null });
    expect(first.status).toBe(200);
    expect(first.body.scopes).toEqual(['admin']);
    expect(JSON.stringify(first.body)).not.toMatch(/smc_/);
    expect(first.headers.get('set-cookie')).toMatch(/^smc_session=[^;]+;.*HttpOnly/i);
    const reuse = await s.request('POST', '/api/v1/auth/sign-in', { body: { token }, key: null });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.details).toMatchObject({ reason: 'token_invalid' });
  });
});

describe('rate limits', () => {
  it('limits each key per minute with 429 and Retry-After, without affecting other keys', async () => {
    const s = await startStation();
    try {
      const limited = await s.createKey(['read'], { rate_limit_per_minute: 5 });
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 7; i++) {
        last = await s.request('GET', '/api/v1/sensors', { key: limited });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.body.error).toMatchObject({ code: 'rate_limited' });
      expect(last!.body.error.message).toMatch(/rate limit of 5 requests per minute exceeded/);
      expect((await s.request('GET', '/api/v1/sensors')).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('applies the configured default to keys without their own limit', async () => {
    const s = await startStation({ rateLimitPerMinute: 3 });
    try {
      const key = await s.createKey(['read']);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await s.request('GET', '/api/v1/sensors', { key })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await s.stop();
    }
  });

  it('throttles repeated wrong keys from one address, never a valid key', async () => {
    const s = await startStation();
    try {
      const statuses = [];
      for (let i = 0; i < 32; i++) statuses.push((await s.request('GET', '/api/v1/sensors', { key: `smc_guess-${i}` })).status);
      expect(statuses.slice(0, 30).every((x) => x === 401)).toBe(true);
      expect(statuses.slice(30)).toEqual([429, 429]);
      const wrong = await s.request('GET', '/api/v1/sensors', { key: 'smc_guess-again' });
      expect(wrong.status).toBe(429);
      expect(Number(wrong.headers.get('retry-after'))).toBeGreaterThan(0);
      // Someone else's failures never lock out a valid key from the same address.
      expect((await s.request('GET', '/api/v1/sensors')).status).toBe(200);
      const reader = await s.createKey(['read']);
      expect((await s.request('GET', '/api/v1/sensors', { key: reader })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('keeps valid keys working during a flood of keyless requests (a web page can make a browser send them)', async () => {
    const s = await startStation();
    try {
      const ingestKey = await s.createKey(['ingest']);
      const flood = await Promise.all(Array.from({ length: 200 }, () => s.request('GET', '/api/v1/sensors', { key: null })));
      expect(new Set(flood.map((r) => r.status))).toEqual(new Set([401]));
      expect((await s.request('GET', '/api/v1/sensors')).status).toBe(200);
      expect((await s.request('POST', '/api/v1/data/ingest', { key: ingestKey, body: reading('flood', T0, 1) })).status).toBe(200);
      // Keyless requests are not counted as guesses: the 201st is still a plain 401, not 429.
      expect((await s.request('GET', '/api/v1/sensors', { key: null })).status).toBe(401);
    } finally {
      await s.stop();
    }
  });
});

describe('binding', () => {
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.10', '::', 'example.com'].some(isLoopback)).toBe(false);
  });

  it('binds to 127.0.0.1 by default', async () => {
    const s = await startStation({ host: loadConfig({ env: {}, flags: { 'data-dir': tempDir() } }).host });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await s.stop();
    }
  });

  it('warns when binding beyond this machine without TLS', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const dir = tempDir();
    const config = { ...loadConfig({ env: {}, flags: { 'data-dir': dir } }), host: '0.0.0.0', port: 0, logLevel: 'warn' as const };
    const station = await createStation(config, { log: createLogger({ level: 'warn', destination: sink }) });
    await station.start();
    await station.stop();
    expect(lines.join('')).toMatch(/without TLS/);
  });
});
