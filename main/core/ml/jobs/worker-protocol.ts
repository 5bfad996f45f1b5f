import type { TrainProgress } from '../runtime/train-context';

// Messages between the serving thread and a model worker. A worker runs one
// task and exits; cancellation is a flag in shared memory, which the worker
// reads between training batches even while its event loop is busy.

export interface WorkerStart<T extends string = string> {
  task: T;
  input: unknown;
  seed: number;
  /** Int32Array(1) over this buffer: 1 = cancel requested. */
  cancelFlag: SharedArrayBuffer;
  preferBackend: 'wasm' | 'cpu';
}

export type WorkerMessage =
  | ({ type: 'progress' } & TrainProgress)
  | { type: 'done'; result: unknown; backend: string }
  | { type: 'error'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  /** AppError code and details, when the error was one. */
  code?: string;
  details?: unknown;
}
