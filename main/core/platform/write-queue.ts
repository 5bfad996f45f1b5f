import type { EventPayload, EventType } from '../../../contract';
import type { Clock } from './clock';
import type { Db } from './db';
import { AppError } from './errors';
import type { CommitSync } from './wal-sync';

// The one write path. Every state change, and the events it causes, is a
// job `write(tx => ...)`. Jobs that arrive while the event loop is busy run
// together in one transaction, one savepoint each, and commit with a single
// fsync; only then are their promises resolved and their events published.
// A failing job rolls back its own savepoint (its events with it) and
// leaves the others to commit. With a CommitSync, the fsync that makes a
// commit durable runs off the serving thread (wal-sync.ts) and the next
// group commits meanwhile; acknowledgements still go out in commit order.

/** An event as it was committed to the outbox. */
export interface StoredEvent<T extends EventType = EventType> {
  seq: number;
  id: string;
  type: T;
  /** Epoch ms of the transaction that wrote it. */
  time: number;
  correlationId: string | null;
  causationId: string | null;
  payload: EventPayload<T>;
  /**
   * What the writer still held in memory when it committed, for in-process
   * consumers (the rows a batch stored): never stored, never sent, absent
   * after a restart or once the dispatcher has let it go. A consumer uses it
   * to skip reading back what was just written, and reads the database
   * when it is absent.
   */
  local?: unknown;
}

export interface EventDraft {
  type: EventType;
  payload: unknown;
  time: number;
  correlationId: string | null;
  causationId: string | null;
  /** A number taken earlier with `reserveSeq` (rows written before the event carry it). */
  seq?: number;
}

/** Where emitted events are stored, inside the current transaction (the backbone's outbox). */
export interface EventSink {
  /** Called once per transaction, with the write lock held, before anything is appended. */
  begin(): void;
  reserve(): number;
  append(draft: EventDraft): StoredEvent;
}

export interface WriteMeta {
  correlationId?: string | null;
  causationId?: string | null;
}

export interface EmitOptions extends WriteMeta {
  seq?: number;
  /** Kept with the committed event in memory only: StoredEvent.local. */
  local?: unknown;
}

/** What a write job may do besides running its repositories' statements. */
export interface Tx {
  /** The clock when the job started; every row and event of the job uses it. */
  readonly now: number;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  /** Appends an event to the outbox in this transaction; published only once the transaction commits. */
  emit<T extends EventType>(type: T, payload: EventPayload<T>, opts?: EmitOptions): StoredEvent<T>;
  /** The seq the next event will get, taken now so rows written before it can refer to it. */
  reserveSeq(): number;
  /** Runs `fn` in a nested savepoint: if it throws, its writes and events are undone and the error rethrown. */
  savepoint<R>(fn: () => R): R;
}

type Job<R> = (tx: Tx) => R;

/** Jobs held back for an fsync in flight before they are committed regardless: a transaction's size stays bounded. */
const MAX_DEFERRED_JOBS = 64;

interface Pending {
  run: Job<unknown>;
  meta: WriteMeta;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** A commit waiting for its fsync: what to do once it is durable, or if it cannot be made so. */
interface Unsynced {
  done: () => void;
  failed: (err: unknown) => void;
}

export interface WriteQueueHooks {
  onCommit?: (info: { jobs: number; ms: number }) => void;
  /** An fsync off the serving thread finished, making `commits` commits durable. */
  onSync?: (info: { commits: number; ms: number }) => void;
  /** Events of one commit, in seq order, after the commit is durable. */
  onEvents?: (events: readonly StoredEvent[]) => void;
}

class JobTx implements Tx {
  readonly events: StoredEvent[] = [];
  private depth = 0;

  constructor(
    private readonly db: Db,
    private readonly sink: EventSink,
    readonly now: number,
    readonly correlationId: string | null,
    readonly causationId: string | null,
  ) {}

  emit<T extends EventType>(type: T, payload: EventPayload<T>, opts: EmitOptions = {}): StoredEvent<T> {
    const e = this.sink.append({
      type,
      payload,
      time: this.now,
      correlationId: opts.correlationId !== undefined ? opts.correlationId : this.correlationId,
      causationId: opts.causationId !== undefined ? opts.causationId : this.causationId,
      ...(opts.seq !== undefined ? { seq: opts.seq } : {}),
    });
    if (opts.local !== undefined) e.local = opts.local;
    this.events.push(e);
    return e as StoredEvent<T>;
  }

  reserveSeq(): number {
    return this.sink.reserve();
  }

  savepoint<R>(fn: () => R): R {
    const name = `nested_${++this.depth}`;
    const mark = this.events.length;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const out = fn();
      this.db.exec(`RELEASE ${name}`);
      return out;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      this.events.length = mark;
      throw err;
    } finally {
      this.depth--;
    }
  }
}

export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  readonly stats = { commits: 0, jobs: 0 };
  // Prepared once: db.exec parses its SQL on every call, and a job's savepoint pair ran per request.
  private readonly savepointJob;
  private readonly releaseJob;
  private readonly rollbackJob;
  /** Committed, not yet known durable, in commit order. */
  private unsynced: Unsynced[] = [];
  /** The fsync in flight and the commits it covers. */
  private syncing: Unsynced[] | null = null;
  /** Jobs are queued while an fsync is in flight; its end commits them (see flush). */
  private deferred = false;
  /** The highest event seq of an acknowledged commit. */
  private acknowledgedSeq = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sink: EventSink,
    private readonly hooks: WriteQueueHooks = {},
    /** Absent: SQLite's own COMMIT is durable (synchronous=FULL, or a database in memory). */
    private readonly commitSync?: CommitSync,
  ) {
    this.savepointJob = db.prepare('SAVEPOINT job');
    this.releaseJob = db.prepare('RELEASE job');
    this.rollbackJob = db.prepare('ROLLBACK TO job');
  }

  /** Queues a job for the next group commit; resolves with its result once it is durable. */
  write<R>(run: Job<R>, meta: WriteMeta = {}): Promise<R> {
    if (this.closed) return Promise.reject(new AppError('unavailable', 'the station is stopping; nothing more is written'));
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ run, meta, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled && !this.deferred) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Runs one job now, in its own transaction (after anything already
   * queued), and returns its result: for start-up work and commands that
   * have no event loop to wait on.
   */
  writeNow<R>(run: Job<R>, meta: WriteMeta = {}): R {
    if (this.closed) throw new AppError('unavailable', 'the station is stopping; nothing more is written');
    this.flush(false);
    let outcome: { ok: true; value: R } | { ok: false; err: unknown } | undefined;
    this.pending.push({ run, meta, resolve: (value) => (outcome = { ok: true, value: value as R }), reject: (err) => (outcome = { ok: false, err }) });
    this.flush(false);
    this.syncAllNow();
    if (!outcome) throw new Error('write job did not run');
    if (!outcome.ok) throw outcome.err;
    return outcome.value;
  }

  /**
   * Runs everything queued now, in one transaction. `syncLater` false: the
   * caller makes it durable on this thread at once (syncAllNow), so no
   * fsync is started on the pool.
   */
  flush(syncLater = true): void {
    this.scheduled = false;
    // A commit made while an fsync is in flight waits for the next fsync anyway: committing it now
    // would only split the group that fsync will cover. The fsync's end commits what queued up
    // meanwhile, as one group (at 64 single-reading clients: 20 jobs a commit became ~30; +8 to +17 % in paired rounds).
    if (syncLater && this.syncing && this.pending.length < MAX_DEFERRED_JOBS) {
      this.deferred = true;
      return;
    }
    this.deferred = false;
    const jobs = this.pending;
    this.pending = [];
    if (jobs.length === 0) return;
    const started = performance.now();
    const outcomes: Array<{ ok: true; value: unknown; tx: JobTx } | { ok: false; err: unknown }> = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.sink.begin();
      for (const job of jobs) {
        const tx = new JobTx(this.db, this.sink, this.clock(), job.meta.correlationId ?? null, job.meta.causationId ?? null);
        this.savepointJob.run();
        try {
          const value = job.run(tx);
          this.releaseJob.run();
          outcomes.push({ ok: true, value, tx });
        } catch (err) {
          this.rollbackJob.run();
          this.releaseJob.run();
          outcomes.push({ ok: false, err });
        }
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const job of jobs) job.reject(err);
      return;
    }
    this.stats.commits += 1;
    this.stats.jobs += jobs.length;
    this.hooks.onCommit?.({ jobs: jobs.length, ms: performance.now() - started });
    const publish = () => {
      const events: StoredEvent[] = [];
      for (const o of outcomes) if (o.ok) events.push(...o.tx.events);
      for (const e of events) if (e.seq > this.acknowledgedSeq) this.acknowledgedSeq = e.seq;
      if (events.length > 0) this.hooks.onEvents?.(events);
    };
    const acknowledge = () => {
      jobs.forEach((job, i) => {
        const o = outcomes[i]!;
        if (o.ok) job.resolve(o.value);
        else job.reject(o.err);
      });
      publish();
    };
    if (!this.commitSync) {
      acknowledge();
      return;
    }
    this.unsynced.push({
      done: acknowledge,
      failed: (err) => {
        // Committed but perhaps not on disk: the callers hear of a failure (a retry is a harmless
        // duplicate); the events are in the outbox and go out as usual.
        const failure = new AppError('internal', 'the write could not be made durable (fsync failed); retry it', { cause: String(err) });
        jobs.forEach((job, i) => {
          const o = outcomes[i]!;
          job.reject(o.ok ? failure : o.err);
        });
        publish();
      },
    });
    if (syncLater) this.startSync();
  }

  /**
   * The highest seq a reader of the outbox may act on: every event is
   * durable when no commit awaits its fsync, else those of acknowledged
   * commits are. A consumer must not act on (or send elsewhere) an event
   * that a power cut could still take back.
   */
  durableLimit(): number {
    return this.syncing || this.unsynced.length > 0 ? this.acknowledgedSeq : Infinity;
  }

  /** One fsync at a time; the commits made while it runs wait for the next, which covers them all. */
  private startSync(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    const batch = this.unsynced;
    this.unsynced = [];
    this.syncing = batch;
    const started = performance.now();
    this.commitSync!.sync().then(
      () => {
        this.hooks.onSync?.({ commits: batch.length, ms: performance.now() - started });
        this.settle(batch, null);
      },
      (err: unknown) => this.settle(batch, err),
    );
  }

  private settle(batch: Unsynced[], err: unknown): void {
    // syncAllNow may have settled this batch already, in order.
    if (this.syncing !== batch) return;
    this.syncing = null;
    acknowledgeAll(batch, err);
    this.startSync();
    if (this.deferred && !this.syncing) this.flush();
  }

  /** Makes every commit durable on this thread and acknowledges them, oldest first. */
  private syncAllNow(): void {
    if (!this.commitSync || (!this.syncing && this.unsynced.length === 0)) return;
    const batch = [...(this.syncing ?? []), ...this.unsynced];
    this.syncing = null;
    this.unsynced = [];
    let err: unknown = null;
    try {
      this.commitSync.syncNow();
    } catch (e) {
      err = e;
    }
    acknowledgeAll(batch, err);
  }

  /** Writes what is queued, then refuses further jobs. */
  close(): void {
    this.flush(false);
    this.syncAllNow();
    this.commitSync?.close();
    this.closed = true;
  }
}

/** Acknowledges synced commits in commit order: done, or failed with the fsync's error. */
function acknowledgeAll(batch: readonly Unsynced[], err: unknown): void {
  for (const u of batch) {
    if (err === null) u.done();
    else u.failed(err);
  }
}
