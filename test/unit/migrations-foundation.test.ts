import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { IdempotencyStore } from '../../main/core/http/idempotency-store';
import { openDatabase } from '../../main/core/platform/db';
import { migrate } from '../../main/core/platform/migrate';

// 0003–0009 move data: the events table becomes the outbox (old events kept
// in order), drift events become retraining recommendations, columns take
// their wire names, audit entries get an actor name, idempotency records
// move to the bounded store. A station at version 2 with data of every kind
// must come out of the upgrade with nothing lost.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const T0 = Date.UTC(2024, 0, 1);

function versionTwoStation(): string {
  const d = mkdtempSync(join(tmpdir(), 'smc-mig-f-'));
  dirs.push(d);
  const f = join(d, 'station.db');
  const db = new Database(f);
  db.pragma('journal_mode = WAL');
  expect(migrate(db, MIGRATIONS.slice(0, 2))).toBe(2);
  db.prepare("INSERT INTO assets (id, name, created_at) VALUES ('pump-7', 'pump-7', ?)").run(T0);
  db.prepare("INSERT INTO sensors (id, asset_id, type, unit, created_at, reading_count, first_ts, last_ts, last_value) VALUES ('pump-7.temp', 'pump-7', 'temperature', 'C', ?, 3, ?, ?, 22)").run(T0, T0, T0 + 120_000);
  const r = db.prepare('INSERT INTO readings (sensor_key, ts, value, quality, metadata, ingested_at) VALUES (1, ?, ?, NULL, NULL, ?)');
  for (let i = 0; i < 3; i++) r.run(T0 + i * 60_000, 20 + i, T0);
  db.prepare("INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at) VALUES ('k1', 'gateway', 'smc_ab', 'hash1', '[\"ingest\"]', ?)").run(T0);
  db.prepare("INSERT INTO audit_log (id, at, actor_key_id, action) VALUES ('a1', ?, 'k1', 'keys.create')").run(T0);
  db.prepare("INSERT INTO audit_log (id, at, actor_key_id, action) VALUES ('a2', ?, NULL, 'keys.bootstrap')").run(T0);
  db.prepare("INSERT INTO audit_log (id, at, actor_key_id, action) VALUES ('a3', ?, 'gone', 'sensors.update')").run(T0);
  const ev = db.prepare('INSERT INTO events (id, type, subject, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  ev.run('e-3', 'ml.drift', 'pump-7.temp', JSON.stringify({ sensor_id: 'pump-7.temp', psi: 0.4, ks_statistic: 0.3, p_value: 0.001, window_minutes: 30, models: ['forecast.pump-7.temp'] }), T0 + 3000);
  ev.run('e-1', 'ml.drift', 'pump-7.temp', JSON.stringify({ sensor_id: 'pump-7.temp', psi: 0.3, window_minutes: 60, models: [] }), T0 + 1000);
  ev.run('e-2', 'ml.anomaly', 'pump-7', JSON.stringify({ asset_id: 'pump-7', score: 2 }), T0 + 2000);
  ev.run('e-4', 'ml.drift', 'press-1.p', JSON.stringify({ sensor_id: 'press-1.p', psi: 0.5, window_minutes: 15 }), T0 + 4000);
  db.prepare("INSERT INTO idempotency_records (principal_id, idem_key, operation, request_hash, status, response, created_at) VALUES ('k1', 'batch-1', 'data.ingest', 'h', 200, '{\"stored\":3}', ?)").run(T0);
  db.close();
  return f;
}

describe('migrations 0003–0009 (outbox, names, sessions, model state, bounded idempotency)', () => {
  it('upgrade a version-2 station with data, losing nothing', () => {
    const f = versionTwoStation();
    const db = openDatabase(f, { migrations: MIGRATIONS });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // Old events: the first entries of the outbox, in the order they were written, ids and payloads kept.
    const events = db.prepare('SELECT seq, id, type, time, payload FROM events ORDER BY seq').all() as Array<{ seq: number; id: string; type: string; time: number; payload: string }>;
    expect(events.map((e) => [e.seq, e.id, e.type, e.time])).toEqual([
      [1, 'e-1', 'ml.drift', T0 + 1000], [2, 'e-2', 'ml.anomaly', T0 + 2000], [3, 'e-3', 'ml.drift', T0 + 3000], [4, 'e-4', 'ml.drift', T0 + 4000],
    ]);
    expect(JSON.parse(events[1]!.payload)).toEqual({ asset_id: 'pump-7', score: 2 });

    // Drift events: one open recommendation per sensor, from its latest detection, counting them all.
    const recs = db.prepare('SELECT * FROM retraining_recommendations ORDER BY sensor_id').all() as Array<Record<string, unknown>>;
    expect(recs).toHaveLength(2);
    expect(recs[1]).toMatchObject({ id: 'e-3', sensor_id: 'pump-7.temp', detections: 2, first_detected_at: T0 + 1000, last_detected_at: T0 + 3000, psi: 0.4, ks_statistic: 0.3, p_value: 0.001, window_minutes: 30, resolved_at: null });
    expect(JSON.parse(recs[1]!.models as string)).toEqual(['forecast.pump-7.temp']);
    expect(recs[0]).toMatchObject({ sensor_id: 'press-1.p', detections: 1, psi: 0.5, window_minutes: 15 });
    expect(JSON.parse(recs[0]!.models as string)).toEqual([]);

    // Wire names for columns, values kept; readings carry no batch seq from before.
    expect(db.prepare('SELECT sensor_type, first_timestamp, last_timestamp, last_value, reading_count FROM sensors').get()).toEqual({
      sensor_type: 'temperature', first_timestamp: T0, last_timestamp: T0 + 120_000, last_value: 22, reading_count: 3,
    });
    expect(db.prepare('SELECT timestamp, value, stored_seq FROM readings ORDER BY timestamp').all()).toEqual([
      { timestamp: T0, value: 20, stored_seq: null }, { timestamp: T0 + 60_000, value: 21, stored_seq: null }, { timestamp: T0 + 120_000, value: 22, stored_seq: null },
    ]);

    // Audit entries name their actor.
    expect(db.prepare('SELECT id, actor_id, actor FROM audit_log ORDER BY id').all()).toEqual([
      { id: 'a1', actor_id: 'k1', actor: 'gateway' }, { id: 'a2', actor_id: null, actor: 'system' }, { id: 'a3', actor_id: 'gone', actor: 'system' },
    ]);

    // Keys remember their hash kind; idempotency records replay from the new store.
    expect(db.prepare('SELECT kdf, salt FROM api_keys').get()).toEqual({ kdf: 'sha256', salt: null });
    expect(new IdempotencyStore(db).get('k1', 'batch-1')).toEqual({ operation: 'data.ingest', request_hash: 'h', status: 200, response: '{"stored":3}' });
    db.close();

    // Reopening applies nothing twice.
    const again = openDatabase(f, { migrations: MIGRATIONS });
    expect(again.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(4);
    expect(again.prepare('SELECT COUNT(*) FROM retraining_recommendations').pluck().get()).toBe(2);
    again.close();
  });

  it('allow only one open recommendation per sensor', () => {
    const f = versionTwoStation();
    const db = openDatabase(f, { migrations: MIGRATIONS });
    const add = db.prepare("INSERT INTO retraining_recommendations (id, sensor_id, models, first_detected_at, last_detected_at, detections, window_minutes) VALUES (?, 'pump-7.temp', '[]', 0, 0, 1, 60)");
    expect(() => add.run('dup')).toThrow(/UNIQUE constraint failed/);
    db.prepare("UPDATE retraining_recommendations SET resolved_at = 1, resolution = 'dismissed' WHERE sensor_id = 'pump-7.temp'").run();
    add.run('next');
    db.close();
  });
});
