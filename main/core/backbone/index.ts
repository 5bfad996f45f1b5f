import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/log';
import type { StationMetrics } from '../platform/metrics';
import type { CommitSync } from '../platform/wal-sync';
import { WriteQueue } from '../platform/write-queue';
import { DeadLetters } from './dead-letters';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { EventHub } from './event-hub';
import { outbox as outboxMigration } from './migrations/0003-outbox';
import { ConsumerOffsets } from './offsets';
import { Outbox } from './outbox';

export type { Consumer, TxWork } from './consumer';
export { causedBy } from './consumer';
export type { Subscription } from './event-hub';
export type { DeadLetterRow } from './dead-letters';
export type { ConsumerStatus } from './dispatcher';
export { eventToWire } from './outbox';
export { Dispatcher, EventHub, Outbox, DeadLetters, ConsumerOffsets };

export const backboneMigrations = [outboxMigration];

export interface Backbone {
  outbox: Outbox;
  writer: WriteQueue;
  dispatcher: Dispatcher;
  hub: EventHub;
  deadLetters: DeadLetters;
  offsets: ConsumerOffsets;
}

/**
 * The write path and the event backbone of one station: every write goes
 * through `writer`; what it commits is published to the live hub (event
 * stream, desktop window) and wakes the consumers that take it.
 */
export interface BackboneOptions {
  /** Makes commits durable off the serving thread (absent: SQLite's COMMIT is). */
  commitSync?: CommitSync;
  /**
   * Check each event's payload against the contract as it is written (tests,
   * development). Payloads are built by typed code; in production the check
   * cost more per ingested reading than the outbox row itself.
   */
  validateEvents?: boolean;
}

export function createBackbone(db: Db, clock: Clock, log: Logger, metrics: StationMetrics, opts: DispatcherOptions, extra: BackboneOptions = {}): Backbone {
  const outbox = new Outbox(db, extra.validateEvents ?? true);
  const hub = new EventHub();
  const offsets = new ConsumerOffsets(db);
  const deadLetters = new DeadLetters(db);
  const dbLog = log.child({ sub: 'db' });
  // The dispatcher needs the writer and the writer tells the dispatcher: bound once both exist.
  const wake: { dispatcher?: Dispatcher } = {};
  const writer = new WriteQueue(db, clock, outbox, {
    onCommit: ({ jobs, ms }) => {
      metrics.commitDuration.observe(ms / 1000);
      metrics.commitJobs.observe(jobs);
      if (ms > 250) dbLog.warn({ jobs, ms: Math.round(ms) }, 'slow commit');
    },
    onSync: ({ commits, ms }) => {
      metrics.syncDuration.observe(ms / 1000);
      if (ms > 1000) dbLog.warn({ commits, ms: Math.round(ms) }, 'slow fsync: the disk took over a second to make commits durable');
    },
    onEvents: (events) => {
      metrics.eventsWritten.inc(events.length);
      hub.publish(events);
      wake.dispatcher?.notify(events);
    },
  }, extra.commitSync);
  const dispatcher = new Dispatcher(writer, outbox, offsets, deadLetters, log.child({ sub: 'backbone' }), opts);
  wake.dispatcher = dispatcher;
  outbox.onForeign = (head) => dispatcher.foreign(head);
  return { outbox, writer, dispatcher, hub, deadLetters, offsets };
}
