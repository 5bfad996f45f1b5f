import type { Migration } from '../../../platform/migrate';

// The model registry: one row per trained model version, its TF.js artifact
// (topology, weight manifest, weight bytes) in the same row so a version and
// its weights commit together; the history of stage changes that rollback
// reads; and a generic events table (drift, anomaly onsets).

export const models: Migration = {
  version: 2,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('anomaly', 'forecast', 'rul')),
        target TEXT NOT NULL,
        sensor_type TEXT,
        stage TEXT NOT NULL CHECK (stage IN ('staging', 'production', 'archived')),
        created_at INTEGER NOT NULL,
        trained_from INTEGER,
        trained_to INTEGER,
        train_rows INTEGER NOT NULL,
        metrics TEXT NOT NULL CHECK (json_valid(metrics)),
        params TEXT NOT NULL CHECK (json_valid(params)),
        meta TEXT NOT NULL CHECK (json_valid(meta)),
        backend TEXT NOT NULL,
        seed INTEGER NOT NULL,
        training_ms INTEGER NOT NULL,
        size_bytes INTEGER NOT NULL DEFAULT 0,
        format TEXT CHECK (format IS NULL OR format = 'tfjs-layers'),
        topology TEXT,
        weight_specs TEXT,
        -- Last, so listing versions never reads the weights' overflow pages.
        weights BLOB,
        UNIQUE (name, version),
        CHECK ((format IS NULL AND topology IS NULL AND weight_specs IS NULL AND weights IS NULL)
            OR (format IS NOT NULL AND topology IS NOT NULL AND weight_specs IS NOT NULL AND weights IS NOT NULL))
      );
      -- At most one production version per model name.
      CREATE UNIQUE INDEX models_one_production ON models(name) WHERE stage = 'production';
      CREATE INDEX models_kind_target ON models(kind, target);

      -- No foreign key to models: the history outlives a deleted version.
      -- seq orders the changes even when the clock stands still or steps back.
      CREATE TABLE model_stage_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        model_id TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        from_stage TEXT CHECK (from_stage IS NULL OR from_stage IN ('staging', 'production', 'archived')),
        to_stage TEXT NOT NULL CHECK (to_stage IN ('staging', 'production', 'archived')),
        actor TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX model_stage_changes_name ON model_stage_changes(name, seq);

      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        subject TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL
      );
      CREATE INDEX events_type_created ON events(type, created_at);
      CREATE INDEX events_subject_created ON events(subject, created_at);
    `);
  },
};
