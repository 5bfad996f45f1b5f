import type { Db } from './open';

type Job<T> = (db: Db) => T;

interface Pending {
  run: Job<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface WriteQueueStats {
  commits: number;
  jobs: number;
}

/**
 * Group commit. Writers that arrive while the event loop is busy are run
 * together in one transaction, one savepoint each, and committed with a
 * single fsync; only then are their promises resolved. A failing job rolls
 * back its own savepoint and leaves the others to commit.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  readonly stats: WriteQueueStats = { commits: 0, jobs: 0 };

  constructor(
    private readonly db: Db,
    private readonly onCommit?: (info: { jobs: number; ms: number }) => void,
  ) {}

  submit<T>(run: Job<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs everything queued now; exposed for shutdown. */
  flush(): void {
    this.scheduled = false;
    const jobs = this.pending;
    this.pending = [];
    if (jobs.length === 0) return;
    const started = performance.now();
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const job of jobs) {
        this.db.exec('SAVEPOINT job');
        try {
          outcomes.push({ ok: true, value: job.run(this.db) });
          this.db.exec('RELEASE job');
        } catch (err) {
          this.db.exec('ROLLBACK TO job');
          this.db.exec('RELEASE job');
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
    this.onCommit?.({ jobs: jobs.length, ms: performance.now() - started });
    jobs.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.err);
    });
  }
}
