import type { Logger } from '../platform/log';
import { AppError } from '../platform/errors';
import type { StoredEvent, Tx, WriteQueue } from '../platform/write-queue';
import { backoffMs, causedBy, type Consumer, type TxWork } from './consumer';
import type { DeadLetterRow, DeadLetters } from './dead-letters';
import type { ConsumerOffsets } from './offsets';
import type { Outbox } from './outbox';
import { RecentEvents } from './recent-events';

// Delivers events to consumers, each at its own pace, in seq order. A
// failing event is retried with exponential backoff; after `maxAttempts` it
// becomes a dead letter for that consumer, which moves on — one poison
// event never stalls a queue, and never blocks the other consumers. After a
// restart every consumer continues from its committed offset.

export interface DispatcherOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Events handled per transaction. */
  batch: number;
  random?: () => number;
}

interface Slot {
  consumer: Consumer;
  /** Serialises the pump and dead-letter retries of one consumer. */
  chain: Promise<void>;
  scheduled: boolean;
  timer: NodeJS.Timeout | undefined;
  state: 'idle' | 'running' | 'backoff';
  /** No delivery before this time (epoch ms): the backoff after a failure. */
  notBefore: number;
  types: Set<string>;
}

export interface ConsumerStatus {
  name: string;
  offset: number;
  lag: number;
  attempts: number;
  last_error: string | null;
  state: Slot['state'];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Dispatcher {
  private readonly slots = new Map<string, Slot>();
  private running = false;
  /** The latest acknowledged events, for consumers that keep up (recent-events.ts). */
  private readonly recent = new RecentEvents();

  constructor(
    private readonly writer: WriteQueue,
    private readonly outbox: Outbox,
    private readonly offsets: ConsumerOffsets,
    private readonly deadLetters: DeadLetters,
    private readonly log: Logger,
    private readonly opts: DispatcherOptions,
  ) {}

  /** Adds a consumer; one added after start begins at once (from its offset, or where `startAt` says). */
  register(consumer: Consumer): void {
    if (this.slots.has(consumer.name)) throw new Error(`consumer '${consumer.name}' is registered twice`);
    const slot: Slot = { consumer, chain: Promise.resolve(), scheduled: false, timer: undefined, state: 'idle', notBefore: 0, types: new Set(consumer.types) };
    this.slots.set(consumer.name, slot);
    if (this.running) {
      const head = this.outbox.head();
      this.writer.writeNow((tx) => this.offsets.ensure(tx, consumer.name, consumer.startAt === 'now' ? head : 0));
      this.schedule(slot, 0);
    }
  }

  /** Another process appended events up to `head` (seen when a transaction begins). */
  foreign(head: number): void {
    this.recent.foreign(head);
  }

  /** Registers offsets for new consumers and delivers whatever is pending (after a restart, too). */
  start(): void {
    const head = this.outbox.head();
    this.recent.reset(head);
    this.writer.writeNow((tx) => {
      for (const s of this.slots.values()) this.offsets.ensure(tx, s.consumer.name, s.consumer.startAt === 'now' ? head : 0);
    });
    this.running = true;
    for (const s of this.slots.values()) this.schedule(s, 0);
  }

  /** Newly committed events: wake the consumers that take them. */
  notify(events: readonly StoredEvent[]): void {
    this.recent.add(events);
    if (!this.running) return;
    for (const s of this.slots.values()) {
      if (s.state === 'backoff') continue;
      if (events.some((e) => s.types.has(e.type))) this.schedule(s, 0);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const s of this.slots.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.all([...this.slots.values()].map((s) => s.chain));
  }

  /** Resolves when every consumer has dealt with everything committed so far (tests, shutdown). */
  async drained(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await Promise.all([...this.slots.values()].map((s) => s.chain));
      const busy = [...this.slots.values()].some((s) => s.scheduled || s.state !== 'idle' || this.lag(s) > 0);
      if (!busy) return;
      if (Date.now() > until) throw new Error('consumers did not drain in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  status(): ConsumerStatus[] {
    return [...this.slots.values()].map((s) => {
      const o = this.offsets.get(s.consumer.name);
      return { name: s.consumer.name, offset: o?.seq ?? 0, lag: this.lag(s), attempts: o?.attempts ?? 0, last_error: o?.last_error ?? null, state: s.state };
    });
  }

  private lag(s: Slot): number {
    return this.outbox.countAfter(this.offsets.get(s.consumer.name)?.seq ?? 0, [...s.types]);
  }

  private schedule(s: Slot, delayMs: number): void {
    if (s.scheduled || !this.running) return;
    s.scheduled = true;
    const run = () => {
      s.timer = undefined;
      s.chain = s.chain.then(() => this.pump(s)).catch((err: unknown) => this.log.error({ err, consumer: s.consumer.name }, 'event dispatch failed'));
    };
    if (delayMs <= 0) setImmediate(run);
    else s.timer = setTimeout(run, delayMs);
  }

  private async pump(s: Slot): Promise<void> {
    s.scheduled = false;
    if (!this.running) return;
    // Woken early (new events arrived during a backoff): wait out the rest of it.
    const early = s.notBefore - Date.now();
    if (early > 0) {
      this.schedule(s, early);
      return;
    }
    const c = s.consumer;
    const from = this.offsets.get(c.name)?.seq ?? 0;
    // The window holds acknowledged events only; the outbox also holds committed ones still awaiting
    // their fsync, which are not yet durable and not delivered.
    let events = this.recent.after(from, this.opts.batch, s.types);
    if (!events) {
      const limit = this.writer.durableLimit();
      const read = this.outbox.after(from, this.opts.batch, c.types);
      events = limit === Infinity ? read : read.filter((e) => e.seq <= limit);
      // The rest comes with the acknowledgement's notify; a late look covers events another process wrote.
      if (events.length < read.length) this.schedule(s, 5);
      for (const e of events) {
        const local = this.recent.local(e.seq);
        if (local !== undefined) e.local = local;
      }
    }
    if (events.length === 0) {
      s.state = 'idle';
      return;
    }
    s.state = 'running';
    let failure: { event: StoredEvent; err: unknown } | undefined;
    let works = c.handleMany && events.length > 1 ? await this.together(c, events) : undefined;
    if (!works) {
      works = [];
      for (const event of events) {
        try {
          works.push({ event, work: await c.handle(event) });
        } catch (err) {
          failure = { event, err };
          break;
        }
      }
    }
    let outcome: { attempts: number; dead: boolean };
    try {
      outcome = await this.writer.write((tx) => {
        let last = from;
        for (const { event, work } of works) {
          try {
            if (work) tx.savepoint(() => work(causedBy(tx, event)));
            last = event.seq;
          } catch (err) {
            failure = { event, err };
            break;
          }
        }
        if (last > from) this.offsets.advance(tx, c.name, last);
        if (!failure) return { attempts: 0, dead: false };
        const attempts = this.offsets.fail(tx, c.name, message(failure.err));
        if (attempts < this.opts.maxAttempts) return { attempts, dead: false };
        this.deadLetters.add(tx, c.name, failure.event.seq, attempts, message(failure.err));
        this.offsets.advance(tx, c.name, failure.event.seq);
        return { attempts, dead: true };
      });
    } catch (err) {
      // The transaction itself failed (disk full, I/O): nothing of this round committed.
      c.reset?.();
      s.state = 'backoff';
      this.log.error({ err, consumer: c.name }, 'could not commit a consumer\'s work; retrying');
      this.backoff(s, backoffMs(1, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random));
      return;
    }
    if (failure) {
      c.reset?.();
      const f = failure as { event: StoredEvent; err: unknown };
      if (outcome.dead) {
        this.log.error({ consumer: c.name, seq: f.event.seq, type: f.event.type, attempts: outcome.attempts, err: message(f.err) }, 'event dead-lettered for this consumer');
        this.schedule(s, 0);
      } else {
        s.state = 'backoff';
        const wait = backoffMs(outcome.attempts, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random);
        this.log.warn({ consumer: c.name, seq: f.event.seq, attempt: outcome.attempts, retryInMs: wait, err: message(f.err) }, 'consumer failed on an event; retrying');
        this.backoff(s, wait);
      }
      return;
    }
    s.state = 'idle';
    s.notBefore = 0;
    if (events.length === this.opts.batch) this.schedule(s, 0);
  }

  /** The events through `handleMany`; undefined when it failed (the caller then goes one event at a time). */
  private async together(c: Consumer, events: StoredEvent[]): Promise<Array<{ event: StoredEvent; work: TxWork | void }> | undefined> {
    try {
      const ws = await c.handleMany!(events);
      if (ws.length !== events.length) throw new Error(`handleMany returned ${ws.length} results for ${events.length} events`);
      return events.map((event, i) => ({ event, work: ws[i] }));
    } catch (err) {
      c.reset?.();
      this.log.debug({ consumer: c.name, err: message(err) }, 'a batch of events failed together; delivering them one at a time');
      return undefined;
    }
  }

  private backoff(s: Slot, wait: number): void {
    s.notBefore = Date.now() + wait;
    this.schedule(s, wait);
  }

  /** Delivers an open dead letter once more; `audit` runs in the same transaction. */
  retryDeadLetter(id: string, actor: string, audit: (tx: Tx, row: DeadLetterRow) => void): Promise<DeadLetterRow> {
    const row = this.requireOpen(id);
    const s = this.slots.get(row.consumer);
    if (!s) throw new AppError('conflict', `consumer '${row.consumer}' does not run in this station; the dead letter can only be discarded`, { consumer: row.consumer });
    return this.exclusive(s, async () => {
      const current = this.requireOpen(id);
      const event = this.outbox.get(current.event_seq);
      if (!event) throw new AppError('conflict', `event ${current.event_seq} of this dead letter no longer exists`, { seq: current.event_seq });
      try {
        const work = await s.consumer.handle(event);
        await this.writer.write((tx) => {
          if (work) tx.savepoint(() => work(causedBy(tx, event)));
          if (!this.deadLetters.resolve(tx, id, 'retried', actor)) throw new AppError('conflict', `dead letter ${id} is no longer open`);
          audit(tx, current);
        });
      } catch (err) {
        s.consumer.reset?.();
        if (err instanceof AppError && err.code === 'conflict') throw err;
        await this.writer.write((tx) => this.deadLetters.failedAgain(tx, id, message(err)));
        throw new AppError('conflict', `consumer ${row.consumer} failed again on event ${current.event_seq}: ${message(err)}`, { dead_letter_id: id, consumer: row.consumer, error: message(err) });
      }
      return this.deadLetters.get(id)!;
    });
  }

  async discardDeadLetter(id: string, actor: string, audit: (tx: Tx, row: DeadLetterRow) => void): Promise<DeadLetterRow> {
    const row = this.requireOpen(id);
    await this.writer.write((tx) => {
      if (!this.deadLetters.resolve(tx, id, 'discarded', actor)) throw new AppError('conflict', `dead letter ${id} is no longer open`);
      audit(tx, row);
    });
    return this.deadLetters.get(id)!;
  }

  private requireOpen(id: string): DeadLetterRow {
    const row = this.deadLetters.get(id);
    if (!row) throw new AppError('not_found', `no dead letter with id '${id}'`, { id });
    if (row.state !== 'open') throw new AppError('conflict', `dead letter ${id} is already ${row.state}`, { id, state: row.state });
    return row;
  }

  private exclusive<T>(s: Slot, fn: () => Promise<T>): Promise<T> {
    const run = s.chain.then(fn);
    s.chain = run.then(() => undefined, () => undefined);
    return run;
  }
}
