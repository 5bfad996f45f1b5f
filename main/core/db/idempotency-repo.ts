import type { Db } from './open';

export interface IdempotencyRecord {
  operation: string;
  request_hash: string;
  status: number;
  response: string;
}

/** How long a key is remembered. A client retrying after a week sends a new key. */
export const IDEMPOTENCY_TTL_MS = 7 * 24 * 3600_000;

export class IdempotencyRepo {
  private readonly getStmt;
  private readonly putStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string, string], IdempotencyRecord>(
      'SELECT operation, request_hash, status, response FROM idempotency_records WHERE principal_id = ? AND idem_key = ?',
    );
    this.putStmt = db.prepare(
      'INSERT OR IGNORE INTO idempotency_records (principal_id, idem_key, operation, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  get(principalId: string, key: string): IdempotencyRecord | undefined {
    return this.getStmt.get(principalId, key);
  }

  put(principalId: string, key: string, rec: IdempotencyRecord, now: number): void {
    this.putStmt.run(principalId, key, rec.operation, rec.request_hash, rec.status, rec.response, now);
  }

  purge(now: number): number {
    return this.db.prepare('DELETE FROM idempotency_records WHERE created_at < ?').run(now - IDEMPOTENCY_TTL_MS).changes;
  }
}
