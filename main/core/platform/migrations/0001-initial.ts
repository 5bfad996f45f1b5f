import type { Migration } from '../migrate';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        site_id TEXT REFERENCES sites(id),
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      -- sensor_key is a compact integer used by the readings table; id is the
      -- external identifier devices send.
      CREATE TABLE sensors (
        sensor_key INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        asset_id TEXT REFERENCES assets(id),
        type TEXT,
        unit TEXT,
        expected_min REAL,
        expected_max REAL,
        created_at INTEGER NOT NULL,
        -- Running statistics kept in the same transaction as the readings, so
        -- the sensor list never scans the readings table.
        reading_count INTEGER NOT NULL DEFAULT 0,
        first_ts INTEGER,
        last_ts INTEGER,
        last_value REAL
      );
      CREATE INDEX sensors_asset ON sensors(asset_id);
      CREATE INDEX sensors_type ON sensors(type);

      CREATE TABLE readings (
        sensor_key INTEGER NOT NULL REFERENCES sensors(sensor_key),
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        quality REAL,
        metadata TEXT,
        ingested_at INTEGER NOT NULL,
        PRIMARY KEY (sensor_key, ts)
      ) WITHOUT ROWID;
      -- Time-ordered listing across many sensors (keyset pagination on ts, sensor_key).
      CREATE INDEX readings_ts ON readings(ts, sensor_key);

      CREATE TABLE idempotency_records (
        principal_id TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        operation TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (principal_id, idem_key)
      );
      CREATE INDEX idempotency_created ON idempotency_records(created_at);

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        rate_limit_per_minute INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        last_used_at INTEGER,
        revoked_at INTEGER
      );

      CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        actor_key_id TEXT,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT,
        correlation_id TEXT
      );
      CREATE INDEX audit_log_at ON audit_log(at);

      CREATE TABLE imports (
        id TEXT PRIMARY KEY,
        principal_id TEXT,
        format TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        rows INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        stored INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        conflicts INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        error TEXT
      );
      CREATE INDEX imports_started ON imports(started_at);
    `);
  },
};
