import type { Migration } from '../../../platform/migrate';

// A sensor may keep its raw readings for a different time than the
// station's `raw-retention-days` (a vibration sensor at 1 kHz for a week, a
// tank level for years). NULL: the station's setting applies. Only raw
// readings expire; rollups are kept for ever.

export const sensorRetention: Migration = {
  version: 11,
  name: 'sensor-retention',
  up(db) {
    db.exec(`
      ALTER TABLE sensors ADD COLUMN raw_retention_days INTEGER
        CHECK (raw_retention_days IS NULL OR raw_retention_days BETWEEN 1 AND 36500);
    `);
  },
};
