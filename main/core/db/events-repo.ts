import { AppError } from '../errors';
import { newId } from '../ids';
import type { Db } from './open';

// Things that happened and that something else may act on: drift detected,
// an anomaly began. Generic on purpose (type, subject, JSON payload); the
// sync pipeline will grow it into an outbox.

export interface NewEvent {
  type: string;
  subject: string;
  payload: unknown;
}

export interface EventRecord {
  id: string;
  type: string;
  subject: string;
  payload: unknown;
  createdAt: number;
}

export interface EventFilter {
  type?: string;
  subject?: string;
  limit: number;
}

interface EventRow {
  id: string;
  type: string;
  subject: string;
  payload: string;
  created_at: number;
}

export class EventsRepo {
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<[string, string, string, string, number]>('INSERT INTO events (id, type, subject, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  }

  append(e: NewEvent, now: number): EventRecord {
    // undefined would serialise to nothing (not JSON); a payload is always stored.
    const payload = JSON.stringify(e.payload ?? null);
    const id = newId();
    this.insertStmt.run(id, e.type, e.subject, payload, now);
    return { id, type: e.type, subject: e.subject, payload: JSON.parse(payload) as unknown, createdAt: now };
  }

  /** Newest first. */
  list(filter: EventFilter): EventRecord[] {
    if (!Number.isInteger(filter.limit) || filter.limit < 1) throw new AppError('bad_request', `limit must be a positive integer, got ${String(filter.limit)}`);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.type !== undefined) { where.push('type = ?'); params.push(filter.type); }
    if (filter.subject !== undefined) { where.push('subject = ?'); params.push(filter.subject); }
    // UUIDv7 ids sort by creation time, so they break ties within a millisecond.
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return this.db
      .prepare<unknown[], EventRow>(sql)
      .all(...params, filter.limit)
      .map((r) => ({ id: r.id, type: r.type, subject: r.subject, payload: JSON.parse(r.payload) as unknown, createdAt: r.created_at }));
  }
}
