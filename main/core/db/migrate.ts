import type Database from 'better-sqlite3';
import { migrations, type Migration } from './migrations';

export class DatabaseVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseVersionError';
  }
}

export const LATEST_SCHEMA_VERSION = migrations.length;

/**
 * Applies pending migrations, each in its own transaction together with the
 * bump of `PRAGMA user_version`, so a crash leaves the schema at a numbered
 * version. A database written by a newer program is refused, not guessed at.
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number {
  assertSequence(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > list.length) {
    throw new DatabaseVersionError(
      `database schema version ${current} is newer than this program supports (${list.length}); ` +
        'upgrade Smart Maintenance Console or open a different data directory',
    );
  }
  for (const m of list.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return list.length;
}

function assertSequence(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
