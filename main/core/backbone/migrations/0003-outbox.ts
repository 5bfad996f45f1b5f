import type { Migration } from '../../platform/migrate';

// The events table becomes the outbox: a monotonic integer `seq` that orders
// everything (consumers, the event stream and, later, sync keep their place
// by it), correlation and causation ids, and the time of the transaction
// that wrote it. Consumers keep their offsets here; an event a consumer
// kept failing on becomes a dead letter for that consumer only.
//
// Events recorded before (ml.drift, ml.anomaly) keep their ids, types and
// payloads, in their original order, as the first entries of the outbox.

export const outbox: Migration = {
  version: 3,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        time INTEGER NOT NULL,
        correlation_id TEXT,
        causation_id TEXT,
        payload TEXT NOT NULL CHECK (json_valid(payload))
      );
      INSERT INTO outbox (seq, id, type, time, correlation_id, causation_id, payload)
        SELECT ROW_NUMBER() OVER (ORDER BY created_at, id), id, type, created_at, NULL, NULL, payload FROM events;
      DROP TABLE events;
      ALTER TABLE outbox RENAME TO events;
      CREATE INDEX events_type_seq ON events(type, seq);

      CREATE TABLE consumer_offsets (
        consumer TEXT PRIMARY KEY,
        seq INTEGER NOT NULL DEFAULT 0,
        -- Failed deliveries of the event after seq; reset when it succeeds or is dead-lettered.
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE dead_letters (
        id TEXT PRIMARY KEY,
        consumer TEXT NOT NULL,
        event_seq INTEGER NOT NULL REFERENCES events(seq),
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'retried', 'discarded')),
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        resolved_by TEXT,
        UNIQUE (consumer, event_seq)
      );
      CREATE INDEX dead_letters_state ON dead_letters(state, created_at);
    `);
  },
};
