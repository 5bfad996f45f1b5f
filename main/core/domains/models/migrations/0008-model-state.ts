import type { Migration } from '../../../platform/migrate';

// State the models domain used to keep in memory, and lost on restart:
// - training jobs (a restart shows a job it interrupted as `interrupted`);
// - online scoring's window buffers and alarm state per asset, written in
//   the same transaction as its offset on the event backbone, so scoring
//   resumes exactly where it stopped;
// - retraining recommendations raised by drift: one open recommendation per
//   sensor, updated by each further detection instead of piling up.
// Drift events recorded before become those recommendations: the latest
// per sensor, with how many times drift was seen.

export const modelState: Migration = {
  version: 8,
  name: 'model-state',
  up(db) {
    db.exec(`
      CREATE TABLE training_jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('anomaly', 'forecast', 'rul')),
        model_name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        progress TEXT NOT NULL CHECK (json_valid(progress)),
        error TEXT CHECK (error IS NULL OR json_valid(error)),
        requested_by TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        model_version INTEGER
      );
      CREATE INDEX training_jobs_created ON training_jobs(created_at);

      CREATE TABLE online_scoring_state (
        asset_id TEXT PRIMARY KEY,
        model_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (json_valid(state)),
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE retraining_recommendations (
        id TEXT PRIMARY KEY,
        sensor_id TEXT NOT NULL,
        models TEXT NOT NULL CHECK (json_valid(models)),
        first_detected_at INTEGER NOT NULL,
        last_detected_at INTEGER NOT NULL,
        detections INTEGER NOT NULL,
        psi REAL,
        ks_statistic REAL,
        p_value REAL,
        window_minutes INTEGER NOT NULL,
        resolved_at INTEGER,
        resolution TEXT CHECK (resolution IS NULL OR resolution IN ('retrained', 'dismissed')),
        resolved_by TEXT
      );
      CREATE UNIQUE INDEX retraining_open_per_sensor ON retraining_recommendations(sensor_id) WHERE resolved_at IS NULL;

      INSERT INTO retraining_recommendations (id, sensor_id, models, first_detected_at, last_detected_at, detections, psi, ks_statistic, p_value, window_minutes)
        SELECT latest.id, latest.sensor_id, COALESCE(json_extract(latest.payload, '$.models'), '[]'), agg.first_at, agg.last_at, agg.n,
               json_extract(latest.payload, '$.psi'), json_extract(latest.payload, '$.ks_statistic'), json_extract(latest.payload, '$.p_value'),
               COALESCE(json_extract(latest.payload, '$.window_minutes'), 60)
        FROM (
          SELECT json_extract(payload, '$.sensor_id') AS sensor_id, MIN(time) AS first_at, MAX(time) AS last_at, COUNT(*) AS n, MAX(seq) AS last_seq
          FROM events WHERE type = 'ml.drift' AND json_extract(payload, '$.sensor_id') IS NOT NULL GROUP BY 1
        ) agg
        JOIN (SELECT seq, id, payload, json_extract(payload, '$.sensor_id') AS sensor_id FROM events WHERE type = 'ml.drift') latest ON latest.seq = agg.last_seq;
    `);
  },
};
