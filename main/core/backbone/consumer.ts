import type { EventType } from '../../../contract';
import type { StoredEvent, Tx } from '../platform/write-queue';

/** Writes a consumer makes for one event; run inside the transaction that also advances its offset. */
export type TxWork = (tx: Tx) => void;

/**
 * Something that acts on events: online scoring, the agents, notifications.
 * Events arrive one at a time in seq order. `handle` may await (load a
 * model, score a batch) and returns the writes to commit; the dispatcher
 * commits them together with the consumer's new offset, so after a crash an
 * event is either fully applied or delivered again — never half, never twice.
 */
export interface Consumer {
  name: string;
  types: readonly EventType[];
  /** Where a consumer seen for the first time starts: every stored event (default), or only those written from now on. */
  startAt?: 'beginning' | 'now';
  handle(event: StoredEvent): TxWork | void | Promise<TxWork | void>;
  /**
   * Consecutive events at once, optionally: the same writes, event by
   * event, as `handle` on each in turn, with work shared between them
   * (online scoring runs its model once over a backlog). If it throws, the
   * dispatcher resets the consumer and hands the events over one at a time,
   * to find the one that fails.
   */
  handleMany?(events: readonly StoredEvent[]): Promise<Array<TxWork | void>>;
  /**
   * State kept in memory may have run ahead of what was committed (an event
   * failed, or its transaction did): forget it and read it back from the
   * database next time.
   */
  reset?(): void;
}

/** A transaction seen from one event's work: what it emits is caused by that event and carries its correlation id. */
export function causedBy(tx: Tx, e: StoredEvent): Tx {
  return {
    now: tx.now,
    correlationId: e.correlationId,
    causationId: e.id,
    emit: (type, payload, opts = {}) => tx.emit(type, payload, { correlationId: e.correlationId, causationId: e.id, ...opts }),
    reserveSeq: () => tx.reserveSeq(),
    savepoint: (fn) => tx.savepoint(fn),
  };
}

/** Exponential backoff with jitter: attempt 1 waits about `base`, each further attempt twice as long, capped; ±50 % at random so retries do not march in step. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random()));
}
