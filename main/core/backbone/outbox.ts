import { getEvent, isEventType, type EventType } from '../../../contract';
import type { EventEnvelope } from '../../../contract/events';
import { toIso } from '../../../contract/timestamp';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../platform/db';
import { AppError, zodIssues } from '../platform/errors';
import { newId } from '../platform/ids';
import type { EventDraft, EventSink, StoredEvent } from '../platform/write-queue';

// The outbox: every event, in the transaction of the state change that
// caused it, numbered by `seq`. Numbers are handed out here rather than by
// SQLite so that rows written before their event (a batch of readings) can
// carry the event's seq; at the start of each transaction the counter is
// brought up to the highest committed seq, so another process writing the
// same database (the CLI) never reuses a number. A number taken by a job
// that rolled back is simply skipped: seqs increase, with gaps.

interface EventRow {
  seq: number;
  id: string;
  type: string;
  time: number;
  correlation_id: string | null;
  causation_id: string | null;
  payload: string;
}

export class Outbox implements EventSink {
  private last = 0;
  private readonly insertStmt;
  private readonly maxStmt;
  private readonly afterAllStmt;
  private readonly bySeqStmt;
  /** Filtered reads by the set of types asked for: each consumer asks for the same few, so each is prepared once. */
  private readonly byTypes = new Map<string, { after: Statement<unknown[], EventRow>; count: Statement<unknown[], { n: number }> }>();

  constructor(private readonly db: Db, private readonly validate = true) {
    this.insertStmt = db.prepare<[number, string, string, number, string | null, string | null, string]>(
      'INSERT INTO events (seq, id, type, time, correlation_id, causation_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.maxStmt = db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events');
    this.afterAllStmt = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.bySeqStmt = db.prepare<[number], EventRow>('SELECT * FROM events WHERE seq = ?');
    this.last = this.head();
  }

  /** Told when a transaction finds events another process appended (the CLI); their seqs are up to `head`. */
  onForeign: ((head: number) => void) | undefined;

  begin(): void {
    const head = this.head();
    if (head > this.last) {
      this.last = head;
      this.onForeign?.(head);
    }
  }

  reserve(): number {
    return ++this.last;
  }

  append(d: EventDraft): StoredEvent {
    if (!isEventType(d.type)) throw new AppError('internal', `event type '${String(d.type)}' is not in the contract`);
    let payload = d.payload;
    if (this.validate) {
      const parsed = getEvent(d.type).payload.safeParse(d.payload);
      if (!parsed.success) {
        throw new AppError('internal', `event ${d.type} does not match its contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`, zodIssues(parsed.error));
      }
      payload = parsed.data;
    }
    const seq = d.seq ?? this.reserve();
    if (seq > this.last) this.last = seq;
    const id = newId();
    this.insertStmt.run(seq, id, d.type, d.time, d.correlationId, d.causationId, JSON.stringify(payload));
    return { seq, id, type: d.type, time: d.time, correlationId: d.correlationId, causationId: d.causationId, payload } as StoredEvent;
  }

  /** The highest committed seq (0 when empty). */
  head(): number {
    return this.maxStmt.get()?.seq ?? 0;
  }

  get(seq: number): StoredEvent | undefined {
    const row = this.bySeqStmt.get(seq);
    return row ? toEvent(row) : undefined;
  }

  private statementsFor(types: readonly string[]) {
    const key = types.join(',');
    let s = this.byTypes.get(key);
    if (!s) {
      const list = types.map(() => '?').join(',');
      s = {
        after: this.db.prepare<unknown[], EventRow>(`SELECT * FROM events WHERE type IN (${list}) AND seq > ? ORDER BY seq LIMIT ?`),
        count: this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM events WHERE type IN (${list}) AND seq > ?`),
      };
      if (this.byTypes.size < 256) this.byTypes.set(key, s);
    }
    return s;
  }

  /** Events after `seq`, oldest first, optionally of some types only. */
  after(seq: number, limit: number, types?: readonly string[]): StoredEvent[] {
    if (!types || types.length === 0) return this.afterAllStmt.all(seq, limit).map(toEvent);
    return this.statementsFor(types).after.all(...types, seq, limit).map(toEvent);
  }

  /** Events of the given types after `seq`: how far behind a consumer is. */
  countAfter(seq: number, types: readonly string[]): number {
    return this.statementsFor(types).count.get(...types, seq)!.n;
  }
}

function toEvent(r: EventRow): StoredEvent {
  return {
    seq: r.seq,
    id: r.id,
    type: r.type as EventType,
    time: r.time,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    payload: JSON.parse(r.payload) as never,
  };
}

export function eventToWire(e: StoredEvent): EventEnvelope {
  return { seq: e.seq, id: e.id, type: e.type, time: toIso(e.time), correlation_id: e.correlationId, causation_id: e.causationId, payload: e.payload };
}
