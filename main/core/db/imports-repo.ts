import type { Db } from './open';

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

  start(id: string, principalId: string | null, format: ImportRow['format'], now: number): void {
    this.db
      .prepare("INSERT INTO imports (id, principal_id, format, status, started_at) VALUES (?, ?, ?, 'running', ?)")
      .run(id, principalId, format, now);
  }

  progress(id: string, p: ImportProgress): void {
    this.db
      .prepare('UPDATE imports SET rows = @rows, bytes = @bytes, stored = @stored, duplicates = @duplicates, conflicts = @conflicts, rejected = @rejected WHERE id = @id')
      .run({ id, ...p });
  }

  finish(id: string, status: ImportStatus, p: ImportProgress, error: string | null, now: number): void {
    this.progress(id, p);
    this.db.prepare('UPDATE imports SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(status, error, now, id);
  }

  get(id: string): ImportRow | undefined {
    return this.db.prepare<[string], ImportRow>('SELECT * FROM imports WHERE id = ?').get(id);
  }

  list(limit = 50): ImportRow[] {
    return this.db.prepare<[number], ImportRow>('SELECT * FROM imports ORDER BY started_at DESC, id DESC LIMIT ?').all(limit);
  }

  /** Imports still marked running belong to a previous process that stopped mid-way. */
  markInterrupted(now: number): number {
    return this.db
      .prepare("UPDATE imports SET status = 'interrupted', finished_at = ?, error = 'the station stopped during the import; rows stored before the stop are kept' WHERE status = 'running'")
      .run(now).changes;
  }
}
