import type { Db } from '../platform/db';
import type { Tx } from '../platform/write-queue';

// Where each consumer is: the seq of the last event it has dealt with, and
// how many times the event after it has failed. Both change in the same
// transaction as the consumer's own writes.

export interface OffsetRow {
  consumer: string;
  seq: number;
  attempts: number;
  last_error: string | null;
  updated_at: number;
}

export class ConsumerOffsets {
  private readonly getStmt;
  private readonly advanceStmt;
  private readonly failStmt;
  private readonly ensureStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], OffsetRow>('SELECT * FROM consumer_offsets WHERE consumer = ?');
    this.ensureStmt = db.prepare<[string, number, number]>('INSERT OR IGNORE INTO consumer_offsets (consumer, seq, attempts, updated_at) VALUES (?, ?, 0, ?)');
    this.advanceStmt = db.prepare<[number, number, string]>('UPDATE consumer_offsets SET seq = MAX(seq, ?), attempts = 0, last_error = NULL, updated_at = ? WHERE consumer = ?');
    this.failStmt = db.prepare<[string, number, string]>('UPDATE consumer_offsets SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE consumer = ? RETURNING attempts');
  }

  get(consumer: string): OffsetRow | undefined {
    return this.getStmt.get(consumer);
  }

  /** Registers a consumer, starting at `from` (its first run), unless it is known already. */
  ensure(tx: Tx, consumer: string, from: number): void {
    this.ensureStmt.run(consumer, from, tx.now);
  }

  advance(tx: Tx, consumer: string, seq: number): void {
    this.advanceStmt.run(seq, tx.now, consumer);
  }

  /** Records a failed delivery of the next event; returns how many times it has failed. */
  fail(tx: Tx, consumer: string, error: string): number {
    return (this.failStmt.get(error.slice(0, 2000), tx.now, consumer) as { attempts: number }).attempts;
  }

  list(): OffsetRow[] {
    return this.db.prepare<[], OffsetRow>('SELECT * FROM consumer_offsets ORDER BY consumer').all();
  }
}
