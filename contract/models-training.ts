import { z } from 'zod';
import { defineOperation } from './operation';
import { AssetId, IsoTime, SensorId, TimestampInput } from './common';
import { ModelKind, ModelName } from './models-registry';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
/** What a running job is doing, as a code the console says in the operator's language. */
export const JOB_STEPS = ['preparing', 'training', 'calibrating', 'done', 'cancelling'] as const;

export const JobWire = z.object({
  id: z.string(),
  kind: ModelKind,
  model_name: z.string(),
  state: z.enum(JOB_STATES),
  /** 0..1 */
  progress: z.number(),
  epoch: z.number().nullable(),
  epochs: z.number().nullable(),
  loss: z.number().nullable(),
  /** The step the job is on; `message` says it in the station's words. */
  step: z.enum(JOB_STEPS).nullable(),
  message: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: IsoTime,
  started_at: IsoTime.nullable(),
  finished_at: IsoTime.nullable(),
  /** The registered version, once the job succeeded. */
  model_version: z.number().nullable(),
  /** Started by the caller asking: its key, or the key its session signed in with. */
  mine: z.boolean(),
});
export type JobWire = z.infer<typeof JobWire>;

/** Training jobs waiting at once, in total and per caller; past them a new job is refused with Retry-After. */
export const MAX_QUEUED_JOBS = 8;
export const MAX_QUEUED_JOBS_PER_CALLER = 2;

const Seed = z.number().int().min(0).max(2 ** 31 - 1).optional();
const Epochs = z.number().int().min(1).max(500).optional();

const TrainAnomaly = z.object({
  kind: z.literal('anomaly'),
  asset_id: AssetId,
  /** Default: every sensor of the asset with readings. */
  sensor_ids: z.array(SensorId).min(1).max(64).optional(),
  from: TimestampInput.optional(),
  to: TimestampInput.optional(),
  /** Readings per window. */
  window: z.number().int().min(2).max(512).optional(),
  /** Follow slow healthy drift: the level baseline's time constant in readings (0 or absent: none). */
  baseline_rows: z.number().int().min(0).max(100_000_000).optional(),
  epochs: Epochs,
  seed: Seed,
  model_name: ModelName.optional(),
}).strict();

const TrainForecast = z.object({
  kind: z.literal('forecast'),
  sensor_id: SensorId,
  from: TimestampInput.optional(),
  to: TimestampInput.optional(),
  /** Steps of history the model sees. */
  lookback: z.number().int().min(4).max(1024).optional(),
  /** Steps ahead it predicts. */
  horizon: z.number().int().min(1).max(512).optional(),
  epochs: Epochs,
  seed: Seed,
  model_name: ModelName.optional(),
}).strict();

export const MAX_RUL_CSV_BYTES = 30 * 1024 * 1024;

const TrainRul = z.object({
  kind: z.literal('rul'),
  /** Run-to-failure histories as CSV text (header row required). */
  csv: z.string().min(1, { message: 'csv must not be empty' }).max(MAX_RUL_CSV_BYTES, { message: 'csv must be at most 30 MiB' }),
  asset_col: z.string().min(1).max(128),
  time_col: z.string().min(1).max(128),
  /** Default: every other numeric, non-constant column. */
  feature_cols: z.array(z.string().min(1).max(128)).min(1).max(256).optional(),
  sep: z.string().min(1).max(1).optional(),
  /** RUL targets above this are clipped (piece-wise linear degradation). */
  cap: z.number().positive().max(1e9).optional(),
  window: z.number().int().min(1).max(512).optional(),
  epochs: Epochs,
  seed: Seed,
  /** Label of the data set, stored as the model's target. */
  dataset: z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, { message: 'dataset must be letters, digits or . _ : - and start with a letter or digit' }).optional(),
  model_name: ModelName.optional(),
}).strict();

export const TrainInput = z.discriminatedUnion('kind', [TrainAnomaly, TrainForecast, TrainRul], {
  error: 'kind must be one of anomaly, forecast, rul',
});

export const train = defineOperation({
  name: 'ml.train',
  summary: 'Start training a model in a worker thread; returns the job to follow (progress, cancel). The trained version is registered in staging. '
    + `At most ${MAX_QUEUED_JOBS} jobs wait at once (${MAX_QUEUED_JOBS_PER_CALLER} per caller): past that 429 or 503 with Retry-After.`,
  tag: 'ml',
  access: 'operate',
  input: TrainInput,
  output: z.object({ job: JobWire }),
  http: { method: 'POST', path: '/api/v1/ml/train', status: 202 },
});

export const listJobs = defineOperation({
  name: 'ml.jobs.list',
  summary: 'Training jobs, newest first (kept across restarts; a job the station stopped during is `interrupted`).',
  tag: 'ml',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({ jobs: z.array(JobWire) }),
  http: { method: 'GET', path: '/api/v1/ml/jobs' },
});

export const getJob = defineOperation({
  name: 'ml.jobs.get',
  summary: 'One training job with its progress.',
  tag: 'ml',
  access: 'read',
  input: z.object({ id: z.string().min(1).max(64) }).strict(),
  output: JobWire,
  http: { method: 'GET', path: '/api/v1/ml/jobs/{id}' },
});

export const cancelJob = defineOperation({
  name: 'ml.jobs.cancel',
  summary: 'Cancel a queued or running training job.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ id: z.string().min(1).max(64) }).strict(),
  output: JobWire,
  http: { method: 'POST', path: '/api/v1/ml/jobs/{id}/cancel' },
});
