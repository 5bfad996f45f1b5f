import type { Migration } from '../../../platform/migrate';

// Browser sessions replace the API key the web console used to keep in
// localStorage: the browser holds only an HttpOnly cookie whose token is
// stored here as a hash, plus a CSRF token it sends with every change.
// One-time sign-in tokens move here too, hashed and with a lifetime, so a
// link can be minted by `smc sign-in-link` while the station runs. Keys
// remember how their secret is hashed: random keys keep SHA-256, a
// user-chosen bootstrap key gets scrypt.

export const sessions: Migration = {
  version: 6,
  name: 'sessions',
  up(db) {
    db.exec(`
      ALTER TABLE api_keys ADD COLUMN kdf TEXT NOT NULL DEFAULT 'sha256' CHECK (kdf IN ('sha256', 'scrypt'));
      ALTER TABLE api_keys ADD COLUMN salt TEXT;

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        csrf_token TEXT NOT NULL,
        key_id TEXT REFERENCES api_keys(id),
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        revoked_at INTEGER,
        user_agent TEXT
      );
      CREATE INDEX sessions_key ON sessions(key_id);
      CREATE INDEX sessions_expires ON sessions(expires_at);

      CREATE TABLE sign_in_tokens (
        token_hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
    `);
  },
};
