import { parentPort, workerData } from 'node:worker_threads';
import { ensureBackend } from '../runtime/backend';
import { isAppError } from '../../platform/errors';
import type { TrainContext } from '../runtime/train-context';
import type { WorkerMessage, WorkerStart } from './worker-protocol';
import { workerTasks, type WorkerTaskName } from './worker-tasks';

// Entry of a model worker thread (bundled as out/main/ml-worker.js): runs
// one task from workerData, reports progress, posts the result with its
// ArrayBuffers transferred, and exits.

function post(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

/** ArrayBuffers inside a result, so they move to the serving thread without a copy. */
function transferables(value: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): Set<ArrayBuffer> {
  if (depth > 6 || value === null || typeof value !== 'object') return out;
  if (value instanceof ArrayBuffer) out.add(value);
  else if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) out.add(value.buffer);
  } else for (const v of Object.values(value)) transferables(v, out, depth + 1);
  return out;
}

async function run(): Promise<void> {
  const start = workerData as WorkerStart<WorkerTaskName>;
  const cancel = new Int32Array(start.cancelFlag);
  const ctx: TrainContext = {
    seed: start.seed,
    progress: (p) => post({ type: 'progress', ...p }),
    isCancelled: () => Atomics.load(cancel, 0) === 1,
  };
  try {
    const backend = await ensureBackend(start.preferBackend);
    const task = workerTasks[start.task] as (input: unknown, ctx: TrainContext) => Promise<unknown>;
    if (!task) throw new Error(`unknown worker task '${start.task}'`);
    const result = await task(start.input, ctx);
    post({ type: 'done', result, backend }, [...transferables(result)]);
  } catch (err) {
    const e = err as Error;
    post({
      type: 'error',
      error: { name: e.name ?? 'Error', message: e.message ?? String(err), ...(isAppError(err) ? { code: err.code, details: err.details } : {}) },
    });
  }
}

void run();
