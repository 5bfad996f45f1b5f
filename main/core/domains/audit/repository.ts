import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import type { Tx } from '../../platform/write-queue';

export interface AuditEntry {
  id: string;
  at: number;
  actor_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
  correlation_id: string | null;
}

export interface NewAuditEntry {
  actorId: string | null;
  actor: string;
  action: string;
  target?: string | null;
  details?: unknown;
  correlationId?: string | null;
}

/** Append-only record of administrative actions, written in the transaction of the action itself. */
export class AuditRepo {
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO audit_log (id, at, actor_id, actor, action, target, details, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  }

  append(tx: Tx, entry: NewAuditEntry): void {
    this.insertStmt.run(
      newId(), tx.now, entry.actorId, entry.actor, entry.action, entry.target ?? null,
      entry.details === undefined ? null : JSON.stringify(entry.details), entry.correlationId ?? tx.correlationId,
    );
  }

  list(limit: number): AuditEntry[] {
    return this.db
      .prepare<[number], Omit<AuditEntry, 'details'> & { details: string | null }>('SELECT * FROM audit_log ORDER BY at DESC, id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as unknown) }));
  }
}
