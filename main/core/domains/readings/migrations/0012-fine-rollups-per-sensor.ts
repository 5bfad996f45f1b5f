import type { Migration } from '../../../platform/migrate';
import { judgeUnjudged } from '../rollups/fine-rollups';

// Each sensor says which fine rollup levels (1 s, 1 min) it keeps: a
// level that holds about one row per reading is only a second write per
// reading (rollups/fine-rollups.ts). The flags live on the sensor's row
// because the readings store reads that row in every write job anyway.
// Sensors already stored are judged by the rule live ingest applies.

export const fineRollupsPerSensor: Migration = {
  version: 12,
  name: 'fine-rollups-per-sensor',
  up(db) {
    db.exec(`
      ALTER TABLE sensors ADD COLUMN second_rollups INTEGER NOT NULL DEFAULT 1 CHECK (second_rollups IN (0, 1));
      ALTER TABLE sensors ADD COLUMN minute_rollups INTEGER NOT NULL DEFAULT 1 CHECK (minute_rollups IN (0, 1));
      ALTER TABLE sensors ADD COLUMN fine_rollups_judged INTEGER NOT NULL DEFAULT 0 CHECK (fine_rollups_judged IN (0, 1));
    `);
    judgeUnjudged(db);
  },
};
