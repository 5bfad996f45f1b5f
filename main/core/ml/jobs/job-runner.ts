import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, isErrorCode } from '../../platform/errors';
import { TrainingCancelled, type TrainProgress } from '../runtime/train-context';
import type { WorkerMessage, WorkerStart } from './worker-protocol';
import type { TaskInput, TaskResult, WorkerTaskName } from './worker-tasks';

// Runs a model task in its own worker thread so training and batch scoring
// never block the API or the window. One worker per task: TF.js state is
// per thread, and a worker that exits returns all of its memory.

/** How long a cancelled task may take to notice before its thread is terminated. */
const CANCEL_GRACE_MS = 5_000;

/**
 * Where a worker's script is (`ml-worker.js`, or `online-worker.js`):
 * next to the entry that is running (out/main/ beside cli.js and
 * index.js), one folder up when this module was bundled into
 * out/main/chunks/, or the build next to the sources when running from
 * source (tests). The shells pass the path they know; this is the fallback.
 */
export function findWorkerScript(file = 'ml-worker.js'): string | null {
  const candidates = [
    join(__dirname, file),
    join(__dirname, '..', file),
    resolve(__dirname, '../../../../out/main', file),
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}

export interface RunningTask<T extends WorkerTaskName> {
  result: Promise<{ value: TaskResult<T>; backend: string }>;
  cancel(): void;
}

export function runTask<T extends WorkerTaskName>(
  task: T,
  input: TaskInput<T>,
  opts: { script: string; seed: number; preferBackend?: 'wasm' | 'cpu'; onProgress?: (p: TrainProgress) => void; transfer?: ArrayBuffer[] },
): RunningTask<T> {
  if (!existsSync(opts.script)) throw new AppError('unavailable', `the model worker is missing (${opts.script}); training and batch scoring are off until the station is rebuilt (npm run build)`, { worker: opts.script });
  const cancelFlag = new SharedArrayBuffer(4);
  const start: WorkerStart<T> = { task, input, seed: opts.seed, cancelFlag, preferBackend: opts.preferBackend ?? 'wasm' };
  const worker = new Worker(opts.script, { workerData: start, transferList: opts.transfer ?? [] });
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;

  const result = new Promise<{ value: TaskResult<T>; backend: string }>((resolvePromise, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      fn();
      void worker.terminate();
    };
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') {
        const { type: _type, ...progress } = msg;
        opts.onProgress?.(progress);
      }
      else if (msg.type === 'done') settle(() => resolvePromise({ value: msg.result as TaskResult<T>, backend: msg.backend }));
      else if (msg.type === 'error') {
        settle(() => {
          const { name, message, code, details } = msg.error;
          if (name === 'TrainingCancelled' || cancelled) reject(new TrainingCancelled());
          else if (isErrorCode(code)) reject(new AppError(code, message, details));
          else reject(new Error(message));
        });
      }
    });
    worker.on('error', (err) => settle(() => reject(cancelled ? new TrainingCancelled() : err)));
    worker.on('exit', (code) => settle(() => reject(cancelled ? new TrainingCancelled() : new Error(`model worker exited with code ${code}`))));
  });

  return {
    result,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      Atomics.store(new Int32Array(cancelFlag), 0, 1);
      killTimer = setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS);
      killTimer.unref();
    },
  };
}
