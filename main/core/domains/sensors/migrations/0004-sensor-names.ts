import type { Migration } from '../../../platform/migrate';

// One name per concept from input to output to column: a sensor's type is
// `sensor_type` where readings are ingested, in every response and here;
// its first and last timestamps likewise.

export const sensorNames: Migration = {
  version: 4,
  name: 'sensor-names',
  up(db) {
    db.exec(`
      ALTER TABLE sensors RENAME COLUMN type TO sensor_type;
      ALTER TABLE sensors RENAME COLUMN first_ts TO first_timestamp;
      ALTER TABLE sensors RENAME COLUMN last_ts TO last_timestamp;
    `);
  },
};
