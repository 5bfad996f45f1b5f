import { newId } from '../ids';
import type { Db } from './open';

export interface AuditEntry {
  id: string;
  at: number;
  actor_key_id: string | null;
  action: string;
  target: string | null;
  details: unknown;
  correlation_id: string | null;
}

export interface NewAuditEntry {
  actorKeyId: string | null;
  action: string;
  target?: string | null;
  details?: unknown;
  correlationId?: string | null;
}

export class AuditRepo {
  constructor(private readonly db: Db) {}

  append(entry: NewAuditEntry, now: number): void {
    this.db
      .prepare('INSERT INTO audit_log (id, at, actor_key_id, action, target, details, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(newId(), now, entry.actorKeyId, entry.action, entry.target ?? null, entry.details === undefined ? null : JSON.stringify(entry.details), entry.correlationId ?? null);
  }

  list(limit: number): AuditEntry[] {
    return this.db
      .prepare<[number], Omit<AuditEntry, 'details'> & { details: string | null }>('SELECT * FROM audit_log ORDER BY at DESC, id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as unknown) }));
  }
}
