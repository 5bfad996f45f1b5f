import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS as migrations } from '../../main/core/app';
import { openDatabase as open } from '../../main/core/platform/db';
import { DatabaseVersionError, migrate, sequence } from '../../main/core/platform/migrate';

const LATEST_SCHEMA_VERSION = migrations.length;
const openDatabase = (f: string) => open(f, { migrations });

const file = () => join(mkdtempSync(join(tmpdir(), 'smc-mig-')), 'station.db');

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    migrations.forEach((m, i) => expect(m.version).toBe(i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length);
  });

  it('build the whole schema from an empty database', () => {
    const db = openDatabase(file());
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining([
      'sites', 'assets', 'sensors', 'readings', 'idempotency', 'api_keys', 'audit_log', 'imports', 'models', 'model_stage_changes',
      'events', 'consumer_offsets', 'dead_letters', 'sessions', 'sign_in_tokens', 'training_jobs', 'online_scoring_state', 'retraining_recommendations',
    ]));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('are idempotent: reopening applies nothing twice', () => {
    const f = file();
    openDatabase(f).close();
    const db = openDatabase(f);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('refuse a database from a newer program, untouched', () => {
    const f = file();
    const raw = new Database(f);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 3}`);
    raw.exec('CREATE TABLE from_the_future (x)');
    raw.close();
    expect(() => openDatabase(f)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(f)).toThrow(/schema version \d+ is newer than this program supports/);
    const check = new Database(f);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 3);
    expect(check.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sensors'").pluck().get()).toBe(0);
    check.close();
  });

  it('roll a failing migration back completely, keeping the version', () => {
    const db = new Database(':memory:');
    const list = [
      { version: 1, name: 'one', up: (d: Database.Database) => d.exec('CREATE TABLE a (x)') },
      { version: 2, name: 'two', up: (d: Database.Database) => { d.exec('CREATE TABLE b (x)'); throw new Error('boom'); } },
    ];
    expect(() => migrate(db, list)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
  });

  it('refuse a list with a gap', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => {} }])).toThrow(/expected 1/);
  });

  it('come from every domain as one sequence, refusing two with the same number', () => {
    const a = { version: 1, name: 'a', up: () => {} };
    const b = { version: 2, name: 'b', up: () => {} };
    expect(sequence([b], [a]).map((m) => m.name)).toEqual(['a', 'b']);
    expect(() => sequence([a], [{ ...b, version: 1 }])).toThrow(/two migrations share a number, or one is missing/);
  });
});
