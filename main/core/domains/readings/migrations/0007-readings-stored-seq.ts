import type { Migration } from '../../../platform/migrate';

// Each reading records the seq of the `readings.stored` event that
// announced its batch. A consumer of that event reads exactly the readings
// of the batch — not those another batch stored in the same time range —
// and, later, sync pushes readings by the same cursor as events. Readings
// stored before carry NULL. The timestamp column takes the name it has on
// the wire.

export const readingsStoredSeq: Migration = {
  version: 7,
  name: 'readings-stored-seq',
  up(db) {
    db.exec(`
      ALTER TABLE readings RENAME COLUMN ts TO timestamp;
      ALTER TABLE readings ADD COLUMN stored_seq INTEGER;
    `);
  },
};
