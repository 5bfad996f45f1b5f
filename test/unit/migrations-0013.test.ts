import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { migrate } from '../../main/core/platform/migrate';

// 0013 adds alarm policies beside the models. It moves no data: a station
// upgraded with trained models and live online scoring state keeps both as
// they were, and has no policy (its alarms stay those of the models'
// calibration). The tables refuse settings outside the contract's bounds,
// so no path around the API can store one that disables an alarm.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function databaseAt(version: number): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'smc-policy-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'station.db'));
  migrate(db, MIGRATIONS.slice(0, version));
  return db;
}

it('is migration 13 and keeps the models and the online scoring state of the station it upgrades', () => {
  expect(MIGRATIONS[12]!).toMatchObject({ version: 13, name: 'alarm-policies' });
  const db = databaseAt(12);
  db.prepare(`INSERT INTO models (id, name, version, kind, target, stage, created_at, train_rows, metrics, params, meta, backend, seed, training_ms, size_bytes)
              VALUES ('m1', 'anomaly.mill-1', 1, 'anomaly', 'mill-1', 'production', 0, 10, '{}', '{}', '{"threshold":1.5}', 'cpu', 1, 5, 0)`).run();
  const state = JSON.stringify({ modelId: 'm1', latest: [1, 2], latestTs: [5, 5], scorer: null, onsetAt: null, peak: 0, lastScore: null });
  db.prepare("INSERT INTO online_scoring_state (asset_id, model_id, state, updated_at) VALUES ('mill-1', 'm1', ?, 7)").run(state);

  migrate(db, MIGRATIONS.slice(0, 13));
  expect(db.pragma('user_version', { simple: true })).toBe(13);
  expect(db.prepare("SELECT meta FROM models WHERE id = 'm1'").pluck().get()).toBe('{"threshold":1.5}');
  expect(db.prepare("SELECT state FROM online_scoring_state WHERE asset_id = 'mill-1'").pluck().get()).toBe(state);
  expect(db.prepare('SELECT COUNT(*) FROM alarm_policies').pluck().get()).toBe(0);
  expect(db.prepare('SELECT COUNT(*) FROM alarm_policy_revisions').pluck().get()).toBe(0);
  db.close();
});

it('stores a policy with unset settings, and refuses settings out of bounds', () => {
  const db = databaseAt(13);
  const put = db.prepare(`INSERT INTO alarm_policies (asset_id, policy_id, revision, threshold_factor, enter_steps, immediate_ratio, exit_steps, exit_ratio, updated_at)
                          VALUES (@a, 'p', 1, @f, @e, @i, @x, @r, 0)`);
  const none = { f: null, e: null, i: null, x: null, r: null };
  put.run({ a: 'ok-1', ...none, f: 1.5, e: 10 });
  put.run({ a: 'ok-2', f: 100, e: 10_000, i: 1, x: 1, r: 1 });
  for (const [k, v] of [['f', 0], ['f', 100.5], ['e', 0], ['e', 10_001], ['i', 0.99], ['x', 0], ['r', 0], ['r', 1.01]] as const) {
    expect(() => put.run({ a: `bad-${k}-${v}`, ...none, [k]: v }), `${k}=${v}`).toThrow(/CHECK constraint failed/);
  }
  const rev = db.prepare(`INSERT INTO alarm_policy_revisions (asset_id, revision, policy_id, change, changed_at, seq) VALUES ('ok-1', ?, ?, ?, 0, 1)`);
  rev.run(1, 'p', 'set');
  rev.run(2, null, 'deleted');
  // A set revision names its policy; a deletion names none; a revision number is used once.
  expect(() => rev.run(3, null, 'set')).toThrow(/CHECK constraint failed/);
  expect(() => rev.run(4, 'p', 'deleted')).toThrow(/CHECK constraint failed/);
  expect(() => rev.run(2, 'p', 'set')).toThrow(/UNIQUE constraint failed/);
  db.close();
});
