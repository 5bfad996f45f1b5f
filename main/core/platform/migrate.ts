import type Database from 'better-sqlite3';

/** One numbered schema change. Each domain owns its migrations; the numbers form one sequence 1..n. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export class DatabaseVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseVersionError';
  }
}

/** The migrations of every domain in one ordered list; refuses gaps and duplicates. */
export function sequence(...groups: ReadonlyArray<readonly Migration[]>): Migration[] {
  const list = groups.flat().sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1} (two migrations share a number, or one is missing)`);
  });
  return list;
}

/**
 * Applies pending migrations, each in its own transaction together with the
 * bump of `PRAGMA user_version`, so a crash leaves the schema at a numbered
 * version. A database written by a newer program is refused, not guessed at.
 */
export function migrate(db: Database.Database, list: readonly Migration[]): number {
  sequence(list);
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
