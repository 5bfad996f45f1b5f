import { AppError, isAppError } from '../../errors';
import { newId } from '../../ids';
import type { Logger } from '../../log';
import type { JobWire, ModelKind } from '../../../../contract/ml';
import { TrainingCancelled, type TrainProgress } from '../runtime/train-context';
import { runTask, type RunningTask } from './job-runner';
import type { TaskInput, TaskResult, WorkerTaskName } from './worker-tasks';

// Training jobs of this process: queued, run one at a time in a worker
// thread (training saturates a core; two at once on a two-core laptop would
// starve the API), followed by progress, cancellable. A finished job hands
// its result to `onSuccess` on the serving thread, which registers the model.

export type JobState = JobWire['state'];

export interface Job {
  id: string;
  kind: ModelKind;
  modelName: string;
  state: JobState;
  progress: TrainProgress;
  error: { code: string; message: string } | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  modelVersion: number | null;
}

interface QueuedJob<T extends WorkerTaskName> {
  job: Job;
  task: T;
  input: TaskInput<T>;
  seed: number;
  onSuccess: (result: TaskResult<T>, meta: { backend: string; trainingMs: number }) => number;
  running?: RunningTask<T>;
}

/** Jobs kept in memory for the UI; the oldest finished ones are forgotten. */
const KEEP_FINISHED = 100;

export class TrainingJobs {
  private readonly jobs = new Map<string, QueuedJob<WorkerTaskName>>();
  private readonly queue: QueuedJob<WorkerTaskName>[] = [];
  private active: QueuedJob<WorkerTaskName> | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly preferBackend: 'wasm' | 'cpu' = 'wasm',
  ) {}

  submit<T extends WorkerTaskName>(spec: { kind: ModelKind; modelName: string; task: T; input: TaskInput<T>; seed: number; onSuccess: QueuedJob<T>['onSuccess'] }): Job {
    const job: Job = {
      id: newId(), kind: spec.kind, modelName: spec.modelName, state: 'queued', progress: { fraction: 0 },
      error: null, createdAt: this.now(), startedAt: null, finishedAt: null, modelVersion: null,
    };
    const q = { job, task: spec.task, input: spec.input, seed: spec.seed, onSuccess: spec.onSuccess } as unknown as QueuedJob<WorkerTaskName>;
    this.jobs.set(job.id, q);
    this.queue.push(q);
    this.forgetOld();
    this.pump();
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id)?.job;
  }

  list(): Job[] {
    return [...this.jobs.values()].map((q) => q.job).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  running(): number {
    return this.active ? 1 : 0;
  }

  cancel(id: string): Job {
    const q = this.jobs.get(id);
    if (!q) throw new AppError('not_found', `no training job with id '${id}'`);
    if (q.job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(q), 1);
      this.finish(q, 'cancelled');
    } else if (q.job.state === 'running') {
      q.running?.cancel();
      q.job.progress = { ...q.job.progress, message: 'cancelling' };
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
    for (const q of [...this.queue]) this.cancel(q.job.id);
    if (this.active) this.cancel(this.active.job.id);
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
    job.startedAt = this.now();
    const log = this.log.child({ job: job.id, model: job.modelName });
    log.info({ kind: job.kind }, 'training started');
    try {
      q.running = runTask(q.task, q.input, {
        seed: q.seed,
        preferBackend: this.preferBackend,
        onProgress: (p) => {
          // Keep the last epoch and loss when a later phase (calibration) reports only a fraction.
          job.progress = { ...job.progress, ...p };
        },
      });
      // The input now lives in the worker; drop our reference to it.
      (q as { input: unknown }).input = null;
      const { value, backend } = await q.running.result;
      const trainingMs = this.now() - job.startedAt;
      job.modelVersion = q.onSuccess(value, { backend, trainingMs });
      job.progress = { ...job.progress, fraction: 1 };
      this.finish(q, 'succeeded');
      log.info({ version: job.modelVersion, ms: trainingMs }, 'training finished');
    } catch (err) {
      if (err instanceof TrainingCancelled) {
        this.finish(q, 'cancelled');
        log.info('training cancelled');
      } else {
        job.error = isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: (err as Error).message };
        this.finish(q, 'failed');
        if (isAppError(err)) log.info({ err: err.message }, 'training refused its data');
        else log.error({ err }, 'training failed');
      }
    }
  }

  private finish(q: QueuedJob<WorkerTaskName>, state: JobState): void {
    q.job.state = state;
    q.job.finishedAt = this.now();
    delete q.running;
  }

  private forgetOld(): void {
    const finished = this.list().filter((j) => j.finishedAt !== null);
    for (const j of finished.slice(KEEP_FINISHED)) this.jobs.delete(j.id);
  }
}

export function toJobWire(j: Job): JobWire {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: j.id,
    kind: j.kind,
    model_name: j.modelName,
    state: j.state,
    progress: Math.max(0, Math.min(1, j.progress.fraction)),
    epoch: j.progress.epoch ?? null,
    epochs: j.progress.epochs ?? null,
    loss: j.progress.loss !== undefined && Number.isFinite(j.progress.loss) ? j.progress.loss : null,
    message: j.progress.message ?? null,
    error: j.error,
    created_at: iso(j.createdAt)!,
    started_at: iso(j.startedAt),
    finished_at: iso(j.finishedAt),
    model_version: j.modelVersion,
  };
}
