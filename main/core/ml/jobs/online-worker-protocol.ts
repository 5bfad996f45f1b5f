import type { OnlineStep } from '../anomaly/online-step';
import type { OnlineModelSpec, OnlineScorerState } from '../anomaly/types';
import type { SerializedError } from './worker-protocol';

// Messages between the serving thread and the online scoring worker, a
// long-lived thread that steps online anomaly scorers so that the model's
// arithmetic for every stored reading does not run on the thread that
// serves the API. Models are sent once (`load`) and kept by key until
// `clear`; each `step` carries the scorer's state and the rows of one or
// more batches (`cuts` rows each) and returns the state after each batch.

export type OnlineRequest =
  | { type: 'load'; key: string; spec: OnlineModelSpec }
  | { type: 'clear' }
  | { type: 'step'; id: number; key: string; state: OnlineScorerState | null; rows: Float64Array; cuts: number[] };

export type OnlineReply =
  | ({ id: number; ok: true } & OnlineStep)
  | { id: number; ok: false; error: SerializedError };
