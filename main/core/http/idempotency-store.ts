import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Db } from '../platform/db';
import type { Tx } from '../platform/write-queue';

export interface IdempotencyRecord {
  operation: string;
  request_hash: string;
  status: number;
  response: string;
}

/** How long a key is remembered: a client retrying a day later sends a new key. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** Bounds of the store: the oldest records go first past them. */
export const IDEMPOTENCY_MAX_BYTES = 64 * 1024 * 1024;
export const IDEMPOTENCY_MAX_BYTES_PER_CALLER = 16 * 1024 * 1024;
const COMPRESS_ABOVE = 1024;

interface Row {
  operation: string;
  request_hash: string;
  status: number;
  encoding: 'json' | 'deflate';
  response: Buffer | string;
}

/**
 * Replayable responses of Idempotency-Key requests, compressed and bounded
 * in total and per caller, written in the same transaction as the state
 * they describe.
 */
export class IdempotencyStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly callerBytes;
  private readonly totalBytes;
  /** Running sizes, read once from the table: summing it on every request would make each write scan it. */
  private total: number | undefined;
  private readonly perCaller = new Map<string, number>();

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string, string], Row>('SELECT operation, request_hash, status, encoding, response FROM idempotency WHERE principal_id = ? AND idem_key = ?');
    this.putStmt = db.prepare(
      'INSERT OR IGNORE INTO idempotency (principal_id, idem_key, operation, request_hash, status, encoding, response, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.callerBytes = db.prepare<[string], { n: number }>('SELECT COALESCE(SUM(size_bytes), 0) AS n FROM idempotency WHERE principal_id = ?');
    this.totalBytes = db.prepare<[], { n: number }>('SELECT COALESCE(SUM(size_bytes), 0) AS n FROM idempotency');
  }

  get(principalId: string, key: string): IdempotencyRecord | undefined {
    const row = this.getStmt.get(principalId, key);
    if (!row) return undefined;
    const response = row.encoding === 'deflate' ? inflateRawSync(row.response as Buffer).toString('utf8') : String(row.response);
    return { operation: row.operation, request_hash: row.request_hash, status: row.status, response };
  }

  put(tx: Tx, principalId: string, key: string, rec: IdempotencyRecord): void {
    const raw = Buffer.from(rec.response, 'utf8');
    const packed = raw.length > COMPRESS_ABOVE ? deflateRawSync(raw) : raw;
    const encoding = packed === raw ? 'json' : 'deflate';
    if (this.putStmt.run(principalId, key, rec.operation, rec.request_hash, rec.status, encoding, encoding === 'json' ? rec.response : packed, packed.length, tx.now).changes === 0) return;
    this.total = (this.total ?? this.totalBytes.get()!.n - packed.length) + packed.length;
    const mine = (this.perCaller.get(principalId) ?? this.callerBytes.get(principalId)!.n - packed.length) + packed.length;
    this.perCaller.set(principalId, mine);
    if (mine > IDEMPOTENCY_MAX_BYTES_PER_CALLER || this.total > IDEMPOTENCY_MAX_BYTES) this.trim(principalId);
  }

  /** Drops the caller's oldest records past its share, then everyone's oldest past the total. */
  private trim(principalId: string): void {
    if (this.callerBytes.get(principalId)!.n > IDEMPOTENCY_MAX_BYTES_PER_CALLER) {
      this.db.prepare(`DELETE FROM idempotency WHERE principal_id = ? AND rowid IN (
        SELECT rowid FROM (SELECT rowid, SUM(size_bytes) OVER (ORDER BY created_at DESC, rowid DESC) AS kept FROM idempotency WHERE principal_id = ?) WHERE kept > ?)`)
        .run(principalId, principalId, IDEMPOTENCY_MAX_BYTES_PER_CALLER);
    }
    if (this.totalBytes.get()!.n > IDEMPOTENCY_MAX_BYTES) {
      this.db.prepare(`DELETE FROM idempotency WHERE rowid IN (
        SELECT rowid FROM (SELECT rowid, SUM(size_bytes) OVER (ORDER BY created_at DESC, rowid DESC) AS kept FROM idempotency) WHERE kept > ?)`)
        .run(IDEMPOTENCY_MAX_BYTES);
    }
    this.forgetSizes();
  }

  purge(tx: Tx): number {
    const n = this.db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(tx.now - IDEMPOTENCY_TTL_MS).changes;
    if (n > 0) this.forgetSizes();
    return n;
  }

  private forgetSizes(): void {
    this.total = undefined;
    this.perCaller.clear();
  }

  bytes(): number {
    return this.totalBytes.get()!.n;
  }
}
