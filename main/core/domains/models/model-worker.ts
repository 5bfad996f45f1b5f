import { existsSync } from 'node:fs';
import type { BackendName } from '../../ml/runtime/backend';
import { findWorkerScript, runTask, type RunningTask } from '../../ml/jobs/job-runner';
import type { TaskInput, WorkerTaskName } from '../../ml/jobs/worker-tasks';
import type { TrainProgress } from '../../ml/runtime/train-context';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';

// The model worker as the station sees it: where its script is and whether
// it really starts. At start the station runs a probe task through it; until
// that succeeds, training and batch scoring say plainly that they cannot run,
// and /ml/health reports `degraded` instead of a green light that lies.

export type WorkerState = 'starting' | 'ready' | 'unavailable';

export class ModelWorker {
  state: WorkerState = 'starting';
  backend: BackendName | null = null;
  error: string | null = null;
  private probing: Promise<void> | undefined;

  constructor(
    readonly script: string | null,
    private readonly log: Logger,
    private readonly preferBackend: BackendName = 'wasm',
  ) {
    if (script === null) this.markUnavailable('the model worker script was not found (out/main/ml-worker.js); run npm run build');
    else if (!existsSync(script)) this.markUnavailable(`the model worker script ${script} does not exist; run npm run build`);
  }

  /** Starts one worker with the probe task; resolves when its state is known. */
  probe(): Promise<void> {
    if (this.script === null || this.state === 'unavailable') return Promise.resolve();
    this.probing ??= (async () => {
      try {
        const { backend } = await this.run('probe', {}, { seed: 0 }).result;
        this.state = 'ready';
        this.backend = backend === 'wasm' || backend === 'cpu' ? backend : null;
        this.error = null;
      } catch (err) {
        this.markUnavailable(`the model worker did not start: ${(err as Error).message}`);
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing;
  }

  /** Refuses work up front when the worker cannot run, instead of accepting a job that fails at 0 %. */
  requireReady(what: string): void {
    if (this.state === 'unavailable') throw new AppError('unavailable', `${what} needs the model worker, which cannot start: ${this.error}`, { worker: this.script, reason: this.error });
  }

  run<T extends WorkerTaskName>(task: T, input: TaskInput<T>, opts: { seed: number; onProgress?: (p: TrainProgress) => void; transfer?: ArrayBuffer[] }): RunningTask<T> {
    if (this.script === null) throw new AppError('unavailable', this.error ?? 'the model worker is not available');
    return runTask(task, input, { ...opts, script: this.script, preferBackend: this.preferBackend });
  }

  private markUnavailable(reason: string): void {
    this.state = 'unavailable';
    this.error = reason;
    this.log.error({ worker: this.script }, reason);
  }
}

export function defaultWorkerScript(): string | null {
  return findWorkerScript();
}
