import type { Db } from '../platform/db';
import { newId } from '../platform/ids';
import type { Tx } from '../platform/write-queue';

// Events a consumer gave up on. A dead letter belongs to one consumer: the
// others, and the consumer itself, carry on with later events.

export type DeadLetterState = 'open' | 'retried' | 'discarded';

export interface DeadLetterRow {
  id: string;
  consumer: string;
  event_seq: number;
  attempts: number;
  error: string;
  state: DeadLetterState;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

export class DeadLetters {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly resolveStmt;
  private readonly failAgainStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<[string, string, number, number, string, number]>(
      "INSERT INTO dead_letters (id, consumer, event_seq, attempts, error, state, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (consumer, event_seq) DO NOTHING",
    );
    this.getStmt = db.prepare<[string], DeadLetterRow>('SELECT * FROM dead_letters WHERE id = ?');
    this.resolveStmt = db.prepare<[DeadLetterState, number, string, string]>("UPDATE dead_letters SET state = ?, resolved_at = ?, resolved_by = ? WHERE id = ? AND state = 'open'");
    this.failAgainStmt = db.prepare<[string, string]>('UPDATE dead_letters SET attempts = attempts + 1, error = ? WHERE id = ?');
  }

  add(tx: Tx, consumer: string, seq: number, attempts: number, error: string): void {
    this.insertStmt.run(newId(), consumer, seq, attempts, error.slice(0, 2000), tx.now);
  }

  get(id: string): DeadLetterRow | undefined {
    return this.getStmt.get(id);
  }

  list(filter: { state?: DeadLetterState; consumer?: string; limit: number }): DeadLetterRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state) { where.push('state = ?'); params.push(filter.state); }
    if (filter.consumer) { where.push('consumer = ?'); params.push(filter.consumer); }
    const sql = `SELECT * FROM dead_letters ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return this.db.prepare<unknown[], DeadLetterRow>(sql).all(...params, filter.limit);
  }

  /** Marks an open dead letter retried or discarded; false when it was not open. */
  resolve(tx: Tx, id: string, state: 'retried' | 'discarded', by: string): boolean {
    return this.resolveStmt.run(state, tx.now, by, id).changes === 1;
  }

  failedAgain(tx: Tx, id: string, error: string): void {
    void tx;
    this.failAgainStmt.run(error.slice(0, 2000), id);
  }

  openCount(): number {
    return this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM dead_letters WHERE state = 'open'").get()!.n;
  }
}
