import type { Db } from '../../platform/db';
import type { Tx } from '../../platform/write-queue';

export type ImportStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface ImportRow {
  id: string;
  principal_id: string | null;
  format: 'csv' | 'ndjson';
  status: ImportStatus;
  started_at: number;
  finished_at: number | null;
  rows: number;
  bytes: number;
  stored: number;
  duplicates: number;
  conflicts: number;
  rejected: number;
  error: string | null;
}

export type ImportProgress = Pick<ImportRow, 'rows' | 'bytes' | 'stored' | 'duplicates' | 'conflicts' | 'rejected'>;

export class ImportsRepo {
  constructor(private readonly db: Db) {}

  start(tx: Tx, id: string, principalId: string | null, format: ImportRow['format']): void {
    this.db
      .prepare("INSERT INTO imports (id, principal_id, format, status, started_at) VALUES (?, ?, ?, 'running', ?)")
      .run(id, principalId, format, tx.now);
  }

  progress(tx: Tx, id: string, p: ImportProgress): void {
    void tx;
    this.db
      .prepare('UPDATE imports SET rows = @rows, bytes = @bytes, stored = @stored, duplicates = @duplicates, conflicts = @conflicts, rejected = @rejected WHERE id = @id')
      .run({ id, ...p });
  }

  finish(tx: Tx, id: string, status: ImportStatus, p: ImportProgress, error: string | null): void {
    this.progress(tx, id, p);
    this.db.prepare('UPDATE imports SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(status, error, tx.now, id);
  }

  get(id: string): ImportRow | undefined {
    return this.db.prepare<[string], ImportRow>('SELECT * FROM imports WHERE id = ?').get(id);
  }

  /** Newest first; only those started by `principalId` unless it is null (an administrator sees every import). */
  list(principalId: string | null, limit = 50): ImportRow[] {
    if (principalId === null) return this.db.prepare<[number], ImportRow>('SELECT * FROM imports ORDER BY started_at DESC, id DESC LIMIT ?').all(limit);
    return this.db.prepare<[string, number], ImportRow>('SELECT * FROM imports WHERE principal_id = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(principalId, limit);
  }

  /** Imports still marked running belong to a previous process that stopped mid-way. */
  markInterrupted(tx: Tx): number {
    return this.db
      .prepare("UPDATE imports SET status = 'interrupted', finished_at = ?, error = 'the station stopped during the import; rows stored before the stop are kept' WHERE status = 'running'")
      .run(tx.now).changes;
  }
}
