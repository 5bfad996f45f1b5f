import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS as migrations } from '../../main/core/app';
import { openDatabase as open } from '../../main/core/platform/db';
import { DatabaseVersionError, migrate } from '../../main/core/platform/migrate';

const LATEST_SCHEMA_VERSION = migrations.length;
/** Up to 0002, the migration under test; later ones rename columns the snapshot reads. */
const UP_TO_2 = migrations.slice(0, 2);
const openDatabase = (f: string, list = migrations) => open(f, { migrations: list });

// 0002 adds the model registry and events to a station that already holds
// readings: the upgrade must keep every reading and every other table as is.

const dirs: string[] = [];
const file = () => {
  const d = mkdtempSync(join(tmpdir(), 'smc-mig2-'));
  dirs.push(d);
  return join(d, 'station.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2024, 0, 1);

/** A station database at schema version 1 with sensors, readings, a key and an audit entry. */
function versionOneStation(f: string, readings: number): void {
  const db = new Database(f);
  db.pragma('journal_mode = WAL');
  expect(migrate(db, migrations.slice(0, 1))).toBe(1);
  db.prepare("INSERT INTO assets (id, name, created_at) VALUES ('pump-7', 'pump-7', ?)").run(T0);
  const sensor = db.prepare('INSERT INTO sensors (id, asset_id, type, unit, created_at, reading_count, first_ts, last_ts, last_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  sensor.run('pump-7.temp', 'pump-7', 'temperature', 'C', T0, readings, T0, T0 + (readings - 1) * 60_000, 20 + ((readings - 1) % 17) * 0.5);
  sensor.run('pump-7.vib', 'pump-7', 'vibration', 'mm/s', T0, readings, T0, T0 + (readings - 1) * 60_000, (readings - 1) % 5);
  const insert = db.prepare('INSERT INTO readings (sensor_key, ts, value, quality, metadata, ingested_at) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < readings; i++) {
      insert.run(1, T0 + i * 60_000, 20 + (i % 17) * 0.5, 0.99, i === 0 ? '{"note":"first"}' : null, T0 + i);
      insert.run(2, T0 + i * 60_000, i % 5, null, null, T0 + i);
    }
  })();
  db.prepare("INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at) VALUES ('k1', 'gateway', 'smc_ab', 'hash', '[\"ingest\"]', ?)").run(T0);
  db.prepare("INSERT INTO audit_log (id, at, actor_key_id, action) VALUES ('a1', ?, 'k1', 'keys.create')").run(T0);
  db.close();
}

function snapshot(db: Database.Database) {
  return {
    readings: db.prepare('SELECT sensor_key, ts, value, quality, metadata, ingested_at FROM readings ORDER BY sensor_key, ts').all(),
    sensors: db.prepare('SELECT * FROM sensors ORDER BY sensor_key').all(),
    keys: db.prepare('SELECT * FROM api_keys').all(),
    audit: db.prepare('SELECT * FROM audit_log').all(),
  };
}

describe('migration 0002 (models, stage history, events)', () => {
  it('is the latest migration, numbered 2', () => {
    expect(migrations[1]).toMatchObject({ version: 2, name: 'models' });
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('upgrades a version-1 database with data to version 2 without losing a reading', () => {
    const f = file();
    versionOneStation(f, 5000);
    const raw = new Database(f, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    const before = snapshot(raw);
    raw.close();
    expect(before.readings).toHaveLength(10_000);

    const db = openDatabase(f, UP_TO_2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(snapshot(db)).toEqual(before);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['models', 'model_stage_changes', 'events']));
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['models_one_production', 'events_type_created']));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();

    // And on to the latest version, with every reading still there.
    const again = openDatabase(f);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(again.prepare('SELECT COUNT(*) FROM readings').pluck().get()).toBe(10_000);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('keeps refusing a database from a newer program, untouched', () => {
    const f = file();
    versionOneStation(f, 10);
    const raw = new Database(f);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(f)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(f)).toThrow(`database schema version ${LATEST_SCHEMA_VERSION + 1} is newer than this program supports (${LATEST_SCHEMA_VERSION})`);
    const check = new Database(f, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(check.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('models', 'events')").pluck().get()).toBe(0);
    expect(check.prepare('SELECT COUNT(*) FROM readings').pluck().get()).toBe(20);
    check.close();
  });

  it('a failure inside 0002 leaves the database at version 1 with its data', () => {
    const f = file();
    versionOneStation(f, 10);
    const db = new Database(f);
    db.exec('CREATE TABLE events (x)'); // a clash makes 0002 fail part-way
    expect(() => migrate(db, migrations)).toThrow(/table events already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('models', 'model_stage_changes')").pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM readings').pluck().get()).toBe(20);
    db.close();
  });

  it('constrains what a row may hold', () => {
    const db = openDatabase(file());
    const insert = (over: Record<string, unknown>) => db.prepare(`
      INSERT INTO models (id, name, version, kind, target, stage, created_at, train_rows, metrics, params, meta, backend, seed, training_ms, format, topology, weight_specs, weights)
      VALUES (@id, 'm', @version, @kind, 't', @stage, 0, 0, @metrics, '{}', 'null', 'cpu', 0, 0, @format, @topology, @specs, @weights)`)
      .run({ id: 'x', version: 1, kind: 'rul', stage: 'staging', metrics: '{}', format: null, topology: null, specs: null, weights: null, ...over });
    expect(() => insert({ kind: 'classifier' })).toThrow(/CHECK constraint failed/);
    expect(() => insert({ stage: 'live' })).toThrow(/CHECK constraint failed/);
    expect(() => insert({ metrics: '{not json' })).toThrow(/CHECK constraint failed/);
    expect(() => insert({ format: 'tfjs-layers', topology: '{}', specs: '[]', weights: null })).toThrow(/CHECK constraint failed/); // weights half-stored
    insert({ format: 'tfjs-layers', topology: '{}', specs: '[]', weights: Buffer.alloc(4) });
    expect(() => insert({ id: 'y' })).toThrow(/UNIQUE constraint failed: models.name, models.version/);
    insert({ id: 'y', version: 2, stage: 'production' });
    expect(() => insert({ id: 'z', version: 3, stage: 'production' })).toThrow(/UNIQUE constraint failed/);
    db.close();
  });
});
