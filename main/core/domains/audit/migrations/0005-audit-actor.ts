import type { Migration } from '../../../platform/migrate';

// The audit log names whoever acted, not only a key id: keys, browser
// sessions, the desktop user, the CLI or the station itself. Entries
// written before keep their key id as actor id and get that key's name
// (or "system" when there was none).

export const auditActor: Migration = {
  version: 5,
  name: 'audit-actor',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log RENAME COLUMN actor_key_id TO actor_id;
      ALTER TABLE audit_log ADD COLUMN actor TEXT NOT NULL DEFAULT 'system';
      UPDATE audit_log SET actor = COALESCE((SELECT name FROM api_keys k WHERE k.id = audit_log.actor_id), 'system')
        WHERE actor_id IS NOT NULL;
    `);
  },
};
