import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, reading, startStation, tempDir, type TestStation } from '../helpers/station';

// Findings of a probe with a low-privilege key, each reproduced and shown
// to fail cleanly now.

const T0 = Date.UTC(2024, 4, 1, 12);
let s: TestStation | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('probe findings', () => {
  it('neutralises spreadsheet formulas in the readings CSV export, leaving numbers as numbers', async () => {
    s = await startStation();
    for (const [i, unit] of ['=HYPERLINK("http://x","y")', '@SUM(A1:A2)', '+1+1', '-2-3', '\tTAB'].entries()) {
      expect((await s.request('POST', '/api/v1/data/ingest', { body: reading(`csv-${i}`, T0, -3.2, { unit }) })).status).toBe(200);
    }
    const csv = await s.request('GET', '/api/v1/readings/export?order=asc');
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.unit)).toEqual(["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1:A2)", "'+1+1", "'-2-3", 'TAB']); // a leading tab is trimmed at ingest
    // The value column keeps its minus sign: a number, not a formula.
    expect(rows.every((r) => r.value === '-3.2')).toBe(true);
  });

  it('creates the data directory 0700 and the database 0600, and tightens an existing station directory', async () => {
    const parent = tempDir();
    const dir = join(parent, 'new-station');
    s = await startStation({}, { dir });
    await s.request('POST', '/api/v1/data/ingest', { body: reading('perm', T0, 1) });
    expect(mode(dir)).toBe(0o700);
    for (const f of ['station.db', 'station.db-wal', 'station.db-shm']) expect(mode(join(dir, f)), f).toBe(0o600);
    await s.stop();

    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'station.db'), 0o644);
    s = await startStation({}, { dir });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'station.db'))).toBe(0o600);
    await s.stop();

    // A directory of someone else's files is reported, not changed.
    const shared = join(parent, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    chmodSync(shared, 0o755);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(shared, 'notes.txt'), 'mine');
    s = await startStation({}, { dir: shared });
    expect(mode(shared)).toBe(0o755);
    expect(mode(join(shared, 'station.db'))).toBe(0o600);
  });

  it('stores a user-chosen bootstrap key with scrypt, and re-hashes one stored before with SHA-256', async () => {
    const dir = tempDir();
    s = await startStation({}, { dir });
    const db = () => new Database(join(dir, 'station.db'), { readonly: true });
    let d = db();
    const row = d.prepare("SELECT kdf, salt, key_hash, prefix FROM api_keys WHERE name = 'bootstrap'").get() as { kdf: string; salt: string; key_hash: string; prefix: string };
    d.close();
    expect(row.kdf).toBe('scrypt');
    expect(row.salt).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(row.key_hash).not.toBe(createHash('sha256').update(ADMIN_KEY).digest('hex'));
    expect(ADMIN_KEY.startsWith(row.prefix)).toBe(true);
    expect(row.prefix.length).toBeLessThanOrEqual(4);
    expect((await s.request('GET', '/api/v1/auth/whoami')).status).toBe(200);
    // Generated keys keep a fast hash: they are random.
    const k = await s.createKey(['read']);
    d = db();
    expect(d.prepare("SELECT kdf FROM api_keys WHERE name = 'test read'").pluck().get()).toBe('sha256');
    d.close();
    await s.stop();

    // A station that stored the bootstrap key as SHA-256 upgrades it on start, and it keeps working.
    const w = new Database(join(dir, 'station.db'));
    w.prepare("UPDATE api_keys SET kdf = 'sha256', salt = NULL, key_hash = ? WHERE name = 'bootstrap'").run(createHash('sha256').update(ADMIN_KEY).digest('hex'));
    w.close();
    s = await startStation({}, { dir });
    d = db();
    expect(d.prepare("SELECT kdf FROM api_keys WHERE name = 'bootstrap'").pluck().get()).toBe('scrypt');
    d.close();
    expect((await s.request('GET', '/api/v1/auth/whoami')).status).toBe(200);
    expect((await s.request('GET', '/api/v1/sensors', { key: k })).status).toBe(200);
  });

  it('refuses unknown query parameters by name instead of ignoring them', async () => {
    s = await startStation();
    await s.request('POST', '/api/v1/data/ingest', { body: [reading('q-1', T0, 1), reading('q-2', T0, 2)] });
    const r = await s.request('GET', '/api/v1/readings?sensor_id[]=q-1');
    expect(r.status).toBe(422);
    expect(r.body.error.details[0]).toMatchObject({ code: 'unknown_field', field: 'sensor_id[]' });
    expect((await s.request('GET', '/api/v1/sensors?typ=temperature')).status).toBe(422);
    expect((await s.request('GET', '/api/v1/readings?sensor_id=q-1')).body.readings).toHaveLength(1);
    // Each unknown name is its own issue, in the shape the readings validator uses for an unknown reading field.
    const two = await s.request('GET', '/api/v1/sensors?typ=temperature&limt=5');
    expect(two.body.error.details).toEqual([
      expect.objectContaining({ code: 'unknown_field', field: 'typ', params: { field: 'typ' } }),
      expect.objectContaining({ code: 'unknown_field', field: 'limt', params: { field: 'limt' } }),
    ]);
    const reading1 = await s.request('POST', '/api/v1/data/ingest', { body: { ...reading('q-3', T0, 1), valeu: 2 } });
    expect(reading1.body.error.details[0]).toMatchObject({ code: 'unknown_field', params: { field: 'valeu' } });
  });

  it('shows a read key only its own imports', async () => {
    s = await startStation();
    const a = await s.createKey(['ingest', 'read']);
    const b = await s.createKey(['ingest', 'read']);
    const up = (key: string, id: string) => fetch(`${s!.url}/api/v1/data/import?import_id=${id}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'text/csv' }, body: `sensor_id,timestamp,value\n${id},${T0},1\n` });
    expect((await up(a, 'imp-a')).status).toBe(200);
    expect((await up(b, 'imp-b')).status).toBe(200);
    const list = (key: string) => s!.request('GET', '/api/v1/data/imports', { key }).then((r) => r.body.imports.map((i: { import_id: string }) => i.import_id));
    expect(await list(a)).toEqual(['imp-a']);
    expect(await list(b)).toEqual(['imp-b']);
    expect((await list(ADMIN_KEY)).sort()).toEqual(['imp-a', 'imp-b']);
    expect((await s.request('GET', '/api/v1/data/imports/imp-b', { key: a })).status).toBe(404);
    expect((await s.request('GET', '/api/v1/data/imports/imp-b', { key: b })).status).toBe(200);
  });

  it('gives every error details, as documented (401, 403 and 409 included)', async () => {
    s = await startStation();
    const reader = await s.createKey(['read']);
    const cases = [
      await s.request('GET', '/api/v1/sensors', { key: null }),
      await s.request('GET', '/api/v1/sensors', { key: 'smc_nope' }),
      await s.request('POST', '/api/v1/data/ingest', { key: reader, body: reading('d', T0, 1) }),
      await s.request('POST', '/api/v1/data/ingest', { body: reading('d', T0, 1), headers: { 'idempotency-key': 'k1' } }),
      await s.request('POST', '/api/v1/data/ingest', { body: reading('d', T0, 2), headers: { 'idempotency-key': 'k1' } }),
      await s.request('GET', '/api/v1/nothing'),
    ];
    expect(cases.map((c) => c.status)).toEqual([401, 401, 403, 200, 409, 404]);
    for (const c of cases.filter((x) => x.status >= 400)) {
      expect(c.body.error.details, c.text).toEqual(expect.any(Object));
      expect(c.body.correlation_id).toEqual(expect.any(String));
    }
    expect(cases[0]!.body.error.details).toEqual({ reason: 'missing' });
    expect(cases[2]!.body.error.details).toEqual({ required_scope: 'ingest', scopes: ['read'] });
    expect(cases[4]!.body.error.details).toEqual({ idempotency_key: 'k1' });
  });
});
