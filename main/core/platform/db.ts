import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrate, type Migration } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  /** 'full' (default) fsyncs the WAL on every commit: an acknowledged write survives power loss. */
  synchronous?: 'full' | 'normal';
  readonly?: boolean;
  /** Schema migrations to apply (omitted: open as is). */
  migrations?: readonly Migration[];
  /** Told when the data directory was left readable by others (it is not one this program created). */
  onWarning?: (message: string) => void;
}

/** Private to the user running the station: readings, the audit log and key hashes stay theirs. */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/**
 * Creates the database's directory owner-only, or tightens it when it is
 * clearly the station's own (empty, or holding a station database).
 * A directory chosen by the user that holds other things is left alone and
 * reported, rather than changing permissions under someone's feet.
 */
export function secureDirectory(dir: string, onWarning?: (message: string) => void): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    chmodSync(dir, DIR_MODE); // mkdir's mode is filtered by the umask
    return;
  }
  if (process.platform === 'win32') return;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  const entries = readdirSync(dir);
  const ours = entries.length === 0 || entries.some((e) => e.endsWith('.db') || e === 'config.json' || e === 'logs');
  if (ours) chmodSync(dir, DIR_MODE);
  else onWarning?.(`the data directory ${dir} is readable by other users (mode ${mode.toString(8)}); restrict it with chmod 700`);
}

function secureFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', FILE_MODE));
  if (process.platform !== 'win32') chmodSync(file, FILE_MODE);
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const inMemory = file === ':memory:';
  if (!inMemory && !opts.readonly) {
    secureDirectory(dirname(file), opts.onWarning);
    // Created owner-only before SQLite opens it; SQLite gives the -wal and
    // -shm files the main file's permissions.
    secureFile(file);
    for (const side of ['-wal', '-shm']) if (existsSync(file + side)) secureFile(file + side);
  }
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
  if (!opts.readonly && opts.migrations) migrate(db, opts.migrations);
  return db;
}

/** File name of the database inside a data directory. */
export const DB_FILE_NAME = 'station.db';

export function dbFileIn(dataDir: string): string {
  return join(dataDir, DB_FILE_NAME);
}
