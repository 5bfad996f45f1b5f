import { MAX_QUEUED_JOBS, MAX_QUEUED_JOBS_PER_CALLER, type JobWire, type ModelKind } from '../../../../contract/models';
import { toIso } from '../../../../contract/timestamp';
import type { RunningTask } from '../../ml/jobs/job-runner';
import type { TaskInput, TaskResult, WorkerTaskName } from '../../ml/jobs/worker-tasks';
import { TrainingCancelled } from '../../ml/runtime/train-context';
import type { Clock } from '../../platform/clock';
import { AppError, isAppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Logger } from '../../platform/log';
import type { Principal } from '../../platform/operations';
import type { Tx, WriteQueue } from '../../platform/write-queue';
import type { Job, JobState, JobsRepo } from './jobs-repo';
import type { ModelWorker } from './model-worker';

// Training jobs: queued, run one at a time in a worker thread (training
// saturates a core; two at once on a two-core laptop would starve the API),
// followed by progress, cancellable, and kept in the database so a restart
// shows what happened to each. The queue is bounded in total and per
// caller: each queued job holds its training data in memory.

export type { Job, JobState };

interface QueuedJob<T extends WorkerTaskName> {
  job: Job;
  task: T;
  input: TaskInput<T> | null;
  seed: number;
  /** Registers the trained model in the job's final transaction; returns its version. */
  onSuccess: (tx: Tx, result: TaskResult<T>, meta: { backend: string; trainingMs: number; jobId: string }) => number;
  running?: RunningTask<T>;
}

/** Progress is written at most this often; the API reads live progress from memory. */
const PROGRESS_EVERY_MS = 1000;
const KEEP_FINISHED = 200;
const QUEUE_FULL_RETRY_S = 30;

export class TrainingJobs {
  private readonly live = new Map<string, QueuedJob<WorkerTaskName>>();
  private readonly queue: QueuedJob<WorkerTaskName>[] = [];
  private active: QueuedJob<WorkerTaskName> | null = null;
  private idleWaiters: (() => void)[] = [];
  private stopping = false;

  constructor(
    private readonly repo: JobsRepo,
    private readonly writer: WriteQueue,
    private readonly worker: ModelWorker,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Jobs a previous process left behind are marked interrupted, never shown as running. */
  recover(): number {
    return this.writer.writeNow((tx) => this.repo.markInterrupted(tx));
  }

  async submit<T extends WorkerTaskName>(spec: {
    kind: ModelKind; modelName: string; task: T; input: TaskInput<T>; seed: number; requestedBy: string | null;
    onSuccess: QueuedJob<T>['onSuccess'];
  }): Promise<Job> {
    this.worker.requireReady('training');
    if (this.stopping) throw new AppError('unavailable', 'the station is stopping; no new training jobs', {}, { 'retry-after': '10' });
    const waiting = this.queue.length + (this.active ? 1 : 0);
    if (waiting >= MAX_QUEUED_JOBS) {
      throw new AppError('unavailable', `${waiting} training jobs are already waiting or running; try again when one has finished`, { queued: waiting, limit: MAX_QUEUED_JOBS }, { 'retry-after': String(QUEUE_FULL_RETRY_S) });
    }
    const mine = [...this.queue, ...(this.active ? [this.active] : [])].filter((q) => q.job.requestedBy === spec.requestedBy).length;
    if (spec.requestedBy !== null && mine >= MAX_QUEUED_JOBS_PER_CALLER) {
      throw new AppError('rate_limited', `you already have ${mine} training jobs waiting or running (at most ${MAX_QUEUED_JOBS_PER_CALLER}); wait for one to finish`, { queued: mine, limit: MAX_QUEUED_JOBS_PER_CALLER }, { 'retry-after': String(QUEUE_FULL_RETRY_S) });
    }
    const job: Job = {
      id: newId(), kind: spec.kind, modelName: spec.modelName, state: 'queued', progress: { fraction: 0 }, error: null,
      requestedBy: spec.requestedBy, createdAt: this.clock(), startedAt: null, finishedAt: null, modelVersion: null,
    };
    await this.writer.write((tx) => {
      this.repo.save(tx, job);
      this.repo.prune(tx, KEEP_FINISHED);
    });
    const q = { job, task: spec.task, input: spec.input, seed: spec.seed, onSuccess: spec.onSuccess } as unknown as QueuedJob<WorkerTaskName>;
    this.live.set(job.id, q);
    this.queue.push(q);
    this.pump();
    return job;
  }

  get(id: string): Job | undefined {
    return this.live.get(id)?.job ?? this.repo.get(id);
  }

  /** Newest first; jobs of this process show their live progress. */
  list(limit = 100): Job[] {
    return this.repo.recent(limit).map((j) => this.live.get(j.id)?.job ?? j);
  }

  running(): number {
    return this.active ? 1 : 0;
  }

  queued(): number {
    return this.queue.length;
  }

  async cancel(id: string): Promise<Job> {
    const q = this.live.get(id);
    if (!q) {
      const stored = this.repo.get(id);
      if (!stored) throw new AppError('not_found', `no training job with id '${id}'`, { id });
      return stored;
    }
    if (q.job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(q), 1);
      await this.finish(q, 'cancelled');
    } else if (q.job.state === 'running') {
      q.running?.cancel();
      q.job.progress = { ...q.job.progress, step: 'cancelling', message: 'cancelling' };
    }
    return q.job;
  }

  /** Resolves when no job is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.active && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Cancels everything; used on shutdown. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const q of [...this.queue]) await this.cancel(q.job.id);
    if (this.active) await this.cancel(this.active.job.id);
    await this.idle();
  }

  private pump(): void {
    if (this.active) return;
    const next = this.queue.shift();
    if (!next) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.active = next;
    void this.execute(next).finally(() => {
      this.active = null;
      this.pump();
    });
  }

  private async execute(q: QueuedJob<WorkerTaskName>): Promise<void> {
    const { job } = q;
    job.state = 'running';
    job.startedAt = this.clock();
    const log = this.log.child({ job: job.id, model: job.modelName });
    log.info({ kind: job.kind }, 'training started');
    let savedAt = 0;
    try {
      await this.writer.write((tx) => this.repo.save(tx, job));
      q.running = this.worker.run(q.task, q.input!, {
        seed: q.seed,
        onProgress: (p) => {
          // Keep the last epoch and loss when a later phase (calibration) reports only a fraction;
          // a new step without words of its own drops the previous step's.
          job.progress = { ...job.progress, ...p };
          if (p.step !== undefined && p.message === undefined) delete job.progress.message;
          const now = this.clock();
          if (now - savedAt >= PROGRESS_EVERY_MS) {
            savedAt = now;
            this.writer.write((tx) => this.repo.save(tx, job)).catch((err: unknown) => log.warn({ err }, 'could not record training progress'));
          }
        },
      });
      // The input now lives in the worker; drop our reference to it.
      q.input = null;
      const { value, backend } = await q.running.result;
      const trainingMs = this.clock() - job.startedAt;
      await this.writer.write((tx) => {
        job.modelVersion = q.onSuccess(tx, value, { backend, trainingMs, jobId: job.id });
        job.progress = { ...job.progress, fraction: 1 };
        this.settle(job, 'succeeded');
        this.repo.save(tx, job);
      });
      log.info({ version: job.modelVersion, ms: trainingMs }, 'training finished');
    } catch (err) {
      if (err instanceof TrainingCancelled) {
        await this.finish(q, 'cancelled');
        log.info('training cancelled');
      } else {
        job.error = isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: (err as Error).message };
        await this.finish(q, 'failed');
        if (isAppError(err)) log.info({ err: err.message }, 'training refused its data');
        else log.error({ err }, 'training failed');
      }
    } finally {
      this.live.delete(job.id);
    }
  }

  private settle(job: Job, state: JobState): void {
    job.state = state;
    job.finishedAt = this.clock();
  }

  private async finish(q: QueuedJob<WorkerTaskName>, state: JobState): Promise<void> {
    this.settle(q.job, state);
    delete q.running;
    q.input = null;
    await this.writer.write((tx) => this.repo.save(tx, q.job)).catch((err: unknown) => this.log.error({ err, job: q.job.id }, 'could not record the end of a training job'));
    if (state !== 'running') this.live.delete(q.job.id);
  }
}

/** Who a job is recorded as started by: the key, or the key a session signed in with. */
export function callerOf(p: Principal | null): string | null {
  return p ? (p.keyId ?? p.id) : null;
}

/** The job as a caller sees it; `caller` is who asks (a key id, or null for the station itself). */
export function toJobWire(j: Job, caller: string | null): JobWire {
  const iso = (t: number | null) => (t === null ? null : toIso(t));
  return {
    id: j.id,
    kind: j.kind,
    model_name: j.modelName,
    state: j.state,
    progress: Math.max(0, Math.min(1, j.progress.fraction)),
    epoch: j.progress.epoch ?? null,
    epochs: j.progress.epochs ?? null,
    loss: j.progress.loss !== undefined && Number.isFinite(j.progress.loss) ? j.progress.loss : null,
    step: j.progress.step ?? null,
    message: j.progress.message ?? null,
    error: j.error,
    created_at: iso(j.createdAt)!,
    started_at: iso(j.startedAt),
    finished_at: iso(j.finishedAt),
    model_version: j.modelVersion,
    mine: caller !== null && j.requestedBy === caller,
  };
}
