import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { DAY, HOUR, MINUTE, SECOND } from '../../main/core/domains/readings/rollups/resolutions';
import { migrate } from '../../main/core/platform/migrate';
import { rebuildRollups } from '../../main/core/domains/readings';

// 0010 creates the chart rollups on a station that already holds readings:
// every reading stored before the upgrade must be summarised once, at every
// resolution, with its first and last values.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh station database in a temp dir, migrated through the first `migrations` versions. */
function databaseAt(migrations: number): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'smc-rollups-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'station.db'));
  migrate(db, MIGRATIONS.slice(0, migrations));
  return db;
}

it('summarises the readings stored before the upgrade at every resolution', () => {
  const db = databaseAt(9);
  const T0 = Date.UTC(2024, 5, 3, 23, 59, 30);
  db.prepare("INSERT INTO sensors (sensor_key, id, created_at) VALUES (1, 'm.a', 0), (2, 'm.b', 0)").run();
  const insert = db.prepare('INSERT INTO readings (sensor_key, timestamp, value, ingested_at) VALUES (?, ?, ?, 0)');
  const rows: Array<[number, number, number]> = [];
  db.transaction(() => {
    // Every 17 s for 2.5 days, so minutes, hours and days all have ragged first and last buckets.
    for (let i = 0; i < 12_700; i++) {
      for (const key of [1, 2]) {
        const row: [number, number, number] = [key, T0 + i * 17_000, ((i * 37 + key * 11) % 101) - 50.5];
        insert.run(...row);
        rows.push(row);
      }
    }
  })();
  migrate(db, MIGRATIONS.slice(0, 10));

  for (const res of [SECOND, MINUTE, HOUR, DAY]) {
    const expected = new Map<string, { count: number; min: number; max: number; sum: number; first: number; last: number }>();
    for (const [key, ts, v] of rows) {
      const id = `${key}|${Math.floor(ts / res) * res}`;
      const e = expected.get(id);
      if (!e) expected.set(id, { count: 1, min: v, max: v, sum: v, first: v, last: v });
      else Object.assign(e, { count: e.count + 1, min: Math.min(e.min, v), max: Math.max(e.max, v), sum: e.sum + v, last: v });
    }
    const stored = db.prepare('SELECT sensor_key, bucket, count, min_value, max_value, sum_value, first_value, last_value FROM reading_rollups WHERE res = ?').all(res) as Array<Record<string, number>>;
    expect(stored.length).toBe(expected.size);
    for (const r of stored) {
      const e = expected.get(`${r.sensor_key}|${r.bucket}`)!;
      expect([r.count, r.min_value, r.max_value, r.first_value, r.last_value]).toEqual([e.count, e.min, e.max, e.first, e.last]);
      expect(r.sum_value).toBeCloseTo(e.sum, 6);
    }
  }
  db.close();
});

it('retires the fine rollups that summarise nothing when upgrading to 0012, and keeps the others', () => {
  const db = databaseAt(11);
  const T0 = Date.UTC(2024, 5, 3);
  db.prepare("INSERT INTO sensors (sensor_key, id, created_at, reading_count) VALUES (1, 'slow', 0, 2000), (2, 'fast', 0, 2000), (3, 'few', 0, 10)").run();
  const insert = db.prepare('INSERT INTO readings (sensor_key, timestamp, value, ingested_at) VALUES (?, ?, ?, 0)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) {
      insert.run(1, T0 + i * 60_000, i);
      insert.run(2, T0 + i * 1000, i);
    }
    for (let i = 0; i < 10; i++) insert.run(3, T0 + i * 3600_000, i);
  })();
  db.exec('DELETE FROM reading_rollups');
  db.transaction(() => {
    // The rollups as version 10 and 11 kept them: every sensor, every resolution.
    db.exec(`INSERT INTO reading_rollups SELECT sensor_key, ${MINUTE}, timestamp - timestamp % ${MINUTE}, COUNT(*), MIN(value), MAX(value), SUM(value), MIN(timestamp), 0, MAX(timestamp), 0 FROM readings GROUP BY 1, 3`);
  })();
  migrate(db, MIGRATIONS.slice(0, 12));
  const minutes = db.prepare(`SELECT s.id, s.second_rollups AS seconds, s.minute_rollups AS flag, (SELECT COUNT(*) FROM reading_rollups r WHERE r.sensor_key = s.sensor_key AND r.res = ${MINUTE}) AS n FROM sensors s ORDER BY s.sensor_key`).all();
  // Too few readings to judge: kept, as live ingest would until the sensor reaches 1,000.
  expect(minutes).toEqual([{ id: 'slow', seconds: 1, flag: 0, n: 0 }, { id: 'fast', seconds: 1, flag: 1, n: 34 }, { id: 'few', seconds: 1, flag: 1, n: 10 }]);
  db.close();
});

it('judges the sensors whose readings were written around the station when their rollups are rebuilt', () => {
  const db = databaseAt(MIGRATIONS.length);
  const T0 = Date.UTC(2024, 5, 3);
  db.prepare("INSERT INTO sensors (sensor_key, id, created_at, reading_count) VALUES (1, 'one-hz', 0, 3000), (2, 'fifty-hz', 0, 3000)").run();
  const insert = db.prepare('INSERT INTO readings (sensor_key, timestamp, value, ingested_at) VALUES (?, ?, ?, 0)');
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      insert.run(1, T0 + i * 1000, i);
      insert.run(2, T0 + i * 20, i);
    }
  })();
  db.transaction(() => rebuildRollups(db))();
  const rows = (key: number, res: number) => db.prepare('SELECT COUNT(*) FROM reading_rollups WHERE sensor_key = ? AND res = ?').pluck().get(key, res);
  expect(db.prepare('SELECT id, second_rollups AS s, minute_rollups AS m, fine_rollups_judged AS j FROM sensors ORDER BY sensor_key').all()).toEqual([
    { id: 'one-hz', s: 0, m: 1, j: 1 },
    { id: 'fifty-hz', s: 1, m: 1, j: 1 },
  ]);
  expect([rows(1, SECOND), rows(1, MINUTE), rows(2, SECOND), rows(2, MINUTE)]).toEqual([0, 50, 60, 1]);
  db.close();
});
