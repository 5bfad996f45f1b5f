import type { Migration } from '../../../platform/migrate';
import { retireSparseMinutes } from '../rollups/sparse-minutes';

// A sensor read once a minute or less often gains nothing from its 1 minute
// rollups (one row per reading) and pays a second write for every reading.
// `minute_rollups` says whether a sensor keeps them; it lives on the
// sensor's row because the readings store reads that row in every write
// job anyway. Sensors already stored are judged here by the same rule live
// ingest applies (rollups/sparse-minutes.ts).

export const minuteRollupsPerSensor: Migration = {
  version: 12,
  name: 'minute-rollups-per-sensor',
  up(db) {
    db.exec('ALTER TABLE sensors ADD COLUMN minute_rollups INTEGER NOT NULL DEFAULT 1 CHECK (minute_rollups IN (0, 1))');
    const keys = db.prepare('SELECT sensor_key FROM sensors WHERE reading_count >= ?').pluck().all(1000) as number[];
    for (const key of keys) retireSparseMinutes(db, key);
  },
};
