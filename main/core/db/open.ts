import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  /** 'full' (default) fsyncs the WAL on every commit: an acknowledged write survives power loss. */
  synchronous?: 'full' | 'normal';
  readonly?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: opts.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Readers never block the writer in WAL; keep checkpoints frequent enough
  // that the WAL does not grow without bound under continuous ingest.
  db.pragma('wal_autocheckpoint = 4000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  if (!opts.readonly) migrate(db);
  return db;
}
