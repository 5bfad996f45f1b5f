import type { Migration } from '../../platform/migrate';

// Replayable responses are stored compressed with their size, so the store
// can be bounded in total and per caller (a client sending fresh
// Idempotency-Keys with large bodies must not fill the disk). Existing
// records stay readable as plain JSON.

export const idempotencyBounds: Migration = {
  version: 9,
  name: 'idempotency-bounds',
  up(db) {
    db.exec(`
      CREATE TABLE idempotency (
        principal_id TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        operation TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        encoding TEXT NOT NULL CHECK (encoding IN ('json', 'deflate')),
        response BLOB NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (principal_id, idem_key)
      );
      INSERT INTO idempotency (principal_id, idem_key, operation, request_hash, status, encoding, response, size_bytes, created_at)
        SELECT principal_id, idem_key, operation, request_hash, status, 'json', response, length(CAST(response AS BLOB)), created_at FROM idempotency_records;
      DROP TABLE idempotency_records;
      CREATE INDEX idempotency_created ON idempotency(created_at);
      CREATE INDEX idempotency_principal ON idempotency(principal_id, created_at);
    `);
  },
};
