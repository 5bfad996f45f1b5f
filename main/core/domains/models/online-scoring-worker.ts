import { Worker } from 'node:worker_threads';
import type { OnlineStep } from '../../ml/anomaly/online-step';
import type { OnlineModelSpec, OnlineScorerState } from '../../ml/anomaly/types';
import { findWorkerScript } from '../../ml/jobs/job-runner';
import type { OnlineReply, OnlineRequest } from '../../ml/jobs/online-worker-protocol';
import { AppError, isErrorCode } from '../../platform/errors';
import type { Logger } from '../../platform/log';

// The online scoring worker as the station sees it. It is started on first
// use and kept; if it cannot start or dies, it is not restarted: the error
// is logged once and online scoring goes on, on the serving thread, with
// the same arithmetic (online-model.ts) — slower under load, never wrong.
// A worker that does not answer a step in time is treated as dead too, so
// online scoring never waits forever.

/** Longer than any step takes: a backlog of 200 import chunks of 5,000 rows is about 5 s. */
const STEP_TIMEOUT_MS = 60_000;

/** The worker is gone (it could not start, or it exited): score on this thread instead. */
export class OnlineWorkerGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnlineWorkerGone';
  }
}

export class OnlineScoringWorker {
  private worker: Worker | undefined;
  private failure: string | null = null;
  private readonly loaded = new Set<string>();
  private readonly waiting = new Map<number, { resolve: (s: OnlineStep) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;

  constructor(
    private readonly script: string | null,
    private readonly log: Logger,
    private readonly stepTimeoutMs = STEP_TIMEOUT_MS,
  ) {}

  /** Where steps run, and why not in the worker when they do not. */
  status(): { runs_on: 'worker' | 'serving_thread'; error: string | null } {
    if (this.script === null) return { runs_on: 'serving_thread', error: 'the online scoring worker script was not found (out/main/online-worker.js); run npm run build' };
    return this.failure === null ? { runs_on: 'worker', error: null } : { runs_on: 'serving_thread', error: this.failure };
  }

  /** False without a built script or after the worker failed: the caller then scores on its own thread. */
  get usable(): boolean {
    return this.script !== null && this.failure === null;
  }

  /** Steps the scorer of model `key` (sent as `spec` the first time) over batches of `cuts` rows; `rows` is transferred. */
  step(key: string, spec: OnlineModelSpec, state: OnlineScorerState | null, rows: Float64Array, cuts: number[]): Promise<OnlineStep> {
    if (!this.usable) return Promise.reject(new OnlineWorkerGone(this.status().error ?? 'it is not running'));
    const w = this.started();
    if (!this.loaded.has(key)) {
      this.post(w, { type: 'load', key, spec });
      this.loaded.add(key);
    }
    const id = this.nextId++;
    return new Promise<OnlineStep>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(w, `it did not answer within ${this.stepTimeoutMs / 1000} s`);
        void w.terminate();
      }, this.stepTimeoutMs);
      timer.unref();
      this.waiting.set(id, { resolve, reject, timer });
      this.post(w, { type: 'step', id, key, state, rows, cuts }, [rows.buffer as ArrayBuffer]);
    });
  }

  /** Forgets every model sent (a model was trained or promoted: what serves may have changed). */
  forget(): void {
    if (this.loaded.size === 0) return;
    this.loaded.clear();
    if (this.worker) this.post(this.worker, { type: 'clear' });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failure ??= 'the online scoring worker was stopped with the station';
    this.loaded.clear();
    for (const p of this.waiting.values()) {
      clearTimeout(p.timer);
      p.reject(new OnlineWorkerGone('the online scoring worker was stopped with the station'));
    }
    this.waiting.clear();
    if (w) await w.terminate();
  }

  private post(w: Worker, msg: OnlineRequest, transfer: ArrayBuffer[] = []): void {
    w.postMessage(msg, transfer);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    let w: Worker;
    try {
      w = new Worker(this.script!);
    } catch (err) {
      this.failure = `the online scoring worker did not start: ${(err as Error).message}`;
      this.log.error({ worker: this.script }, this.failure);
      throw new OnlineWorkerGone(this.failure);
    }
    // Never what keeps a stopping process alive.
    w.unref();
    w.on('message', (msg: OnlineReply) => {
      const p = this.waiting.get(msg.id);
      if (!p) return;
      this.waiting.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve({ scores: msg.scores, snapshots: msg.snapshots });
      else {
        const { message, code, details } = msg.error;
        p.reject(isErrorCode(code) ? new AppError(code, message, details) : new Error(message));
      }
    });
    w.on('error', (err) => this.fail(w, err.message));
    w.on('exit', (code) => this.fail(w, `it exited with code ${code}`));
    this.worker = w;
    return w;
  }

  private fail(w: Worker, reason: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.failure = `the online scoring worker stopped: ${reason}`;
    this.loaded.clear();
    this.log.error({ worker: this.script, reason }, 'the online scoring worker stopped; online scoring continues on the serving thread');
    for (const p of this.waiting.values()) {
      clearTimeout(p.timer);
      p.reject(new OnlineWorkerGone(this.failure));
    }
    this.waiting.clear();
  }
}

export function defaultOnlineWorkerScript(): string | null {
  return findWorkerScript('online-worker.js');
}
