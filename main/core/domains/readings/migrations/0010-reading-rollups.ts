import type { Migration } from '../../../platform/migrate';
import { buildRollups } from '../rollups/rebuild';

// Per-sensor aggregates of the readings at 1 s, 1 min, 1 h and 1 day, kept in the
// same transaction as the readings they summarise, so a chart over months
// reads thousands of rows, not millions. `res` is the bucket width in ms and
// `bucket` the bucket's start (UTC, a multiple of res). Readings stored
// before this version are summarised here, once.

export const readingRollups: Migration = {
  version: 10,
  name: 'reading-rollups',
  up(db) {
    db.exec(`
      CREATE TABLE reading_rollups (
        sensor_key INTEGER NOT NULL REFERENCES sensors(sensor_key),
        res INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        count INTEGER NOT NULL,
        min_value REAL NOT NULL,
        max_value REAL NOT NULL,
        sum_value REAL NOT NULL,
        first_timestamp INTEGER NOT NULL,
        first_value REAL NOT NULL,
        last_timestamp INTEGER NOT NULL,
        last_value REAL NOT NULL,
        PRIMARY KEY (sensor_key, res, bucket)
      ) WITHOUT ROWID;
    `);
    buildRollups(db);
  },
};
