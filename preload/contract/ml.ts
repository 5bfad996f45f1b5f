import { z } from 'zod';
import { defineOperation } from './operation';
import { AssetId, queryInt, SensorId, SensorType, TimestampInput } from './common';

// Models: anomaly detection (per asset), forecasting (per sensor), remaining
// useful life (per run-to-failure data set), drift, and the registry that
// stores them. Paths follow the replaced system where it had them
// (`/predict`, `/detect_anomaly`, `/check_drift`, `/health`).

export const MODEL_KINDS = ['anomaly', 'forecast', 'rul'] as const;
export const ModelKind = z.enum(MODEL_KINDS, { error: `kind must be one of ${MODEL_KINDS.join(', ')}` });
export type ModelKind = z.infer<typeof ModelKind>;

export const MODEL_STAGES = ['staging', 'production', 'archived'] as const;
export const ModelStage = z.enum(MODEL_STAGES, { error: `stage must be one of ${MODEL_STAGES.join(', ')}` });
export type ModelStage = z.infer<typeof ModelStage>;

export const ModelName = z
  .string({ error: 'model name must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'model name must be 1-128 letters, digits or . _ : - and start with a letter or digit' });

/** `auto`: production, else staging, else the newest; `latest`: the newest; or a version number. */
export const ModelVersionRef = z
  .union([z.literal('auto'), z.literal('latest'), z.number().int().min(1), z.string().regex(/^\d+$/).transform(Number)], {
    error: 'model_version must be "auto", "latest" or a version number',
  })
  .default('auto');

const Metrics = z.record(z.string(), z.number());

export const ModelVersionWire = z.object({
  name: z.string(),
  version: z.number(),
  kind: ModelKind,
  /** Asset id (anomaly), sensor id (forecast) or data set label (rul). */
  target: z.string(),
  sensor_type: z.string().nullable(),
  stage: ModelStage,
  created_at: z.string(),
  /** Training data window, ISO-8601; null when trained from a file. */
  trained_from: z.string().nullable(),
  trained_to: z.string().nullable(),
  train_rows: z.number(),
  metrics: Metrics,
  params: z.record(z.string(), z.unknown()),
  backend: z.string(),
  seed: z.number(),
  training_ms: z.number(),
  size_bytes: z.number(),
});
export type ModelVersionWire = z.infer<typeof ModelVersionWire>;

export const ModelSummaryWire = z.object({
  name: z.string(),
  kind: ModelKind,
  target: z.string(),
  sensor_type: z.string().nullable(),
  versions: z.number(),
  latest_version: z.number(),
  production_version: z.number().nullable(),
  staging_version: z.number().nullable(),
  updated_at: z.string(),
  /** Metrics of the version `auto` resolves to. */
  metrics: Metrics,
});

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
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
  message: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  /** The registered version, once the job succeeded. */
  model_version: z.number().nullable(),
});
export type JobWire = z.infer<typeof JobWire>;

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
  epochs: Epochs,
  seed: Seed,
  name: ModelName.optional(),
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
  name: ModelName.optional(),
}).strict();

const TrainRul = z.object({
  kind: z.literal('rul'),
  /** Run-to-failure histories as CSV text (header row required). */
  csv: z.string().min(1, { message: 'csv must not be empty' }).max(30 * 1024 * 1024, { message: 'csv must be at most 30 MiB' }),
  asset_col: z.string().min(1),
  time_col: z.string().min(1),
  /** Default: every other numeric, non-constant column. */
  feature_cols: z.array(z.string().min(1)).min(1).max(256).optional(),
  sep: z.string().min(1).max(1).optional(),
  /** RUL targets above this are clipped (piece-wise linear degradation). */
  cap: z.number().positive().max(1e9).optional(),
  window: z.number().int().min(1).max(512).optional(),
  epochs: Epochs,
  seed: Seed,
  /** Label of the data set, stored as the model's target. */
  dataset: z.string().min(1).max(128).optional(),
  name: ModelName.optional(),
}).strict();

export const TrainInput = z.discriminatedUnion('kind', [TrainAnomaly, TrainForecast, TrainRul], {
  error: 'kind must be one of anomaly, forecast, rul',
});

export const train = defineOperation({
  name: 'ml.train',
  summary: 'Start training a model in a worker thread; returns the job to follow (progress, cancel). The trained version is registered in staging.',
  tag: 'ml',
  access: 'operate',
  input: TrainInput,
  output: z.object({ job: JobWire }),
  http: { method: 'POST', path: '/api/v1/ml/train', status: 202 },
});

export const listJobs = defineOperation({
  name: 'ml.jobs.list',
  summary: 'Training jobs, newest first (this process only).',
  tag: 'ml',
  access: 'read',
  input: z.object({}),
  output: z.object({ jobs: z.array(JobWire) }),
  http: { method: 'GET', path: '/api/v1/ml/jobs' },
});

export const getJob = defineOperation({
  name: 'ml.jobs.get',
  summary: 'One training job with its progress.',
  tag: 'ml',
  access: 'read',
  input: z.object({ id: z.string().min(1).max(64) }),
  output: JobWire,
  http: { method: 'GET', path: '/api/v1/ml/jobs/{id}' },
});

export const cancelJob = defineOperation({
  name: 'ml.jobs.cancel',
  summary: 'Cancel a queued or running training job.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ id: z.string().min(1).max(64) }),
  output: JobWire,
  http: { method: 'POST', path: '/api/v1/ml/jobs/{id}/cancel' },
});

export const mlHealth = defineOperation({
  name: 'ml.health',
  summary: 'Model runtime: TF.js backend, whether model loading is disabled (statistical fallback), registry size, running jobs.',
  tag: 'ml',
  access: 'read',
  input: z.object({}),
  output: z.object({
    status: z.enum(['ok', 'fallback']),
    backend: z.enum(['wasm', 'cpu']).nullable(),
    model_loading: z.enum(['enabled', 'disabled']),
    models: z.number(),
    versions: z.number(),
    jobs_running: z.number(),
  }),
  http: { method: 'GET', path: '/api/v1/ml/health' },
});

export const listModels = defineOperation({
  name: 'ml.models.list',
  summary: 'Registered models with their latest, production and staging versions.',
  tag: 'ml',
  access: 'read',
  input: z.object({ kind: ModelKind.optional(), target: z.string().max(128).optional() }),
  output: z.object({ models: z.array(ModelSummaryWire) }),
  http: { method: 'GET', path: '/api/v1/ml/models' },
});

export const modelVersions = defineOperation({
  name: 'ml.models.versions',
  summary: 'Every version of a model, newest first.',
  tag: 'ml',
  access: 'read',
  input: z.object({ name: ModelName }),
  output: z.object({ name: z.string(), versions: z.array(ModelVersionWire) }),
  http: { method: 'GET', path: '/api/v1/ml/models/{name}/versions' },
});

export const latestModel = defineOperation({
  name: 'ml.models.latest',
  summary: 'The version of a model that `version` resolves to (default auto: production, then staging, then newest).',
  tag: 'ml',
  access: 'read',
  input: z.object({ name: ModelName, version: ModelVersionRef }),
  output: ModelVersionWire,
  http: { method: 'GET', path: '/api/v1/ml/models/{name}/latest' },
});

export const promoteModel = defineOperation({
  name: 'ml.models.promote',
  summary: 'Move a version to a stage. Promoting to production archives the previous production version, which rollback restores.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ name: ModelName, version: z.union([z.number().int().min(1), z.string().regex(/^\d+$/).transform(Number)], { error: 'version must be a version number' }), stage: ModelStage }).strict(),
  output: ModelVersionWire,
  http: { method: 'POST', path: '/api/v1/ml/models/{name}/versions/{version}/promote' },
});

export const rollbackModel = defineOperation({
  name: 'ml.models.rollback',
  summary: 'Put the previous production version back in production; the current one is archived.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ name: ModelName }).strict(),
  output: ModelVersionWire,
  http: { method: 'POST', path: '/api/v1/ml/models/{name}/rollback' },
});

const ModelInfo = z.object({
  name: z.string().nullable(),
  version: z.number().nullable(),
  /** What produced the result: a trained TF.js model, or the statistical fallback (for forecasts: the rule its backtest chose). */
  method: z.enum(['autoencoder', 'statistical', 'mlp', 'persistence', 'mean', 'damped_trend', 'rul-net']),
  fallback: z.boolean(),
  /** Why the fallback was used (no model, model loading disabled, model failed to load). */
  fallback_reason: z.string().nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

const Interval = z.object({ value: z.number(), lower: z.number(), upper: z.number() });

export const predict = defineOperation({
  name: 'ml.predict',
  summary: 'Remaining useful life with its interval, from a RUL model and either explicit rows (the latest window of one asset, oldest first) or a station asset whose sensors match the model\'s feature columns by id or type.',
  tag: 'ml',
  access: 'read',
  input: z.object({
    model_name: ModelName,
    model_version: ModelVersionRef,
    rows: z.array(z.record(z.string(), z.number({ error: 'feature values must be finite numbers' }).finite({ message: 'feature values must be finite numbers' }))).min(1).max(10_000).optional(),
    asset_id: AssetId.optional(),
  }).strict().refine((v) => (v.rows === undefined) !== (v.asset_id === undefined), { message: 'give either rows or asset_id', path: ['rows'] }),
  output: z.object({
    prediction: Interval.extend({ unit: z.string() }),
    interval_level: z.number(),
    rows_used: z.number(),
    model_info: ModelInfo,
  }),
  http: { method: 'POST', path: '/api/v1/ml/predict' },
});

export const ForecastPoint = z.object({ t: z.number(), value: z.number(), lower: z.number(), upper: z.number() });

export const forecast = defineOperation({
  name: 'ml.forecast',
  summary: 'Forecast a sensor over a horizon with a prediction interval, and the time until a threshold is crossed (with its interval).',
  tag: 'ml',
  access: 'read',
  input: z.object({
    sensor_id: SensorId,
    model_version: ModelVersionRef,
    /** Steps ahead; default the model's horizon. */
    horizon: z.number().int().min(1).max(512).optional(),
    threshold: z.number().finite().optional(),
    /** Crossing upwards (default) or downwards. */
    direction: z.enum(['above', 'below']).default('above'),
    /** History points returned for the chart. */
    history: z.number().int().min(0).max(5000).default(200),
  }).strict(),
  output: z.object({
    sensor_id: z.string(),
    step_ms: z.number(),
    last_timestamp: z.number(),
    interval_level: z.number(),
    history: z.array(z.object({ t: z.number(), value: z.number() })),
    points: z.array(ForecastPoint),
    threshold_crossing: z.object({
      threshold: z.number(),
      direction: z.enum(['above', 'below']),
      /** Epoch ms of the expected crossing; null when the forecast does not cross within the horizon. */
      eta: z.number().nullable(),
      /** Earliest plausible crossing (interval bound reaching the threshold); null if none within the horizon. */
      earliest: z.number().nullable(),
      /** Latest plausible crossing; null when the other bound does not cross within the horizon. */
      latest: z.number().nullable(),
      already_crossed: z.boolean(),
    }).nullable(),
    model_info: ModelInfo,
  }),
  http: { method: 'POST', path: '/api/v1/ml/forecast' },
});

export const SensorContribution = z.object({ sensor_id: z.string(), share: z.number() });

export const AnomalyWire = z.object({
  start: z.number(),
  end: z.number(),
  peak_score: z.number(),
  peak_at: z.number(),
  /** Per-sensor share of the reconstruction error at the peak, largest first; shares sum to 1. */
  contributions: z.array(SensorContribution),
});
export type AnomalyWire = z.infer<typeof AnomalyWire>;

export const detect = defineOperation({
  name: 'ml.detect',
  summary: 'Score an asset\'s stored history (or the given readings) for anomalies; each anomaly names the sensors that contributed most.',
  tag: 'ml',
  access: 'read',
  input: z.object({
    asset_id: AssetId,
    from: TimestampInput.optional(),
    to: TimestampInput.optional(),
    model_version: ModelVersionRef,
    /** Include the per-step scores (for charts), thinned to at most this many. */
    scores: z.number().int().min(0).max(10_000).default(0),
  }).strict(),
  output: z.object({
    asset_id: z.string(),
    sensors: z.array(z.string()),
    total_readings_analyzed: z.number(),
    windows_scored: z.number(),
    threshold: z.number(),
    anomaly_count: z.number(),
    anomalies: z.array(AnomalyWire),
    scores: z.array(z.object({ t: z.number(), score: z.number(), anomaly: z.boolean() })),
    model_info: ModelInfo,
  }),
  http: { method: 'POST', path: '/api/v1/ml/detect_anomaly' },
});

export const checkDrift = defineOperation({
  name: 'ml.drift',
  summary: 'Two-sample Kolmogorov–Smirnov test and population stability index of a sensor: the recent window against the one before it. Drift records an event and a retraining recommendation.',
  tag: 'ml',
  access: 'read',
  input: z.object({
    sensor_id: SensorId,
    /** Length of the recent window, ending at the sensor's last reading. */
    window_minutes: z.number().int().min(1).max(525_600).default(60),
    /** Length of the reference window just before it (default: same as the recent one). */
    reference_minutes: z.number().int().min(1).max(5_256_000).optional(),
    p_value_threshold: z.number().gt(0).lt(1).default(0.05),
    psi_threshold: z.number().gt(0).max(10).default(0.2),
    min_samples: z.number().int().min(5).max(100_000).default(30),
  }).strict(),
  output: z.object({
    sensor_id: z.string(),
    recent_count: z.number(),
    baseline_count: z.number(),
    window_minutes: z.number(),
    ks_statistic: z.number().nullable(),
    p_value: z.number().nullable(),
    p_value_threshold: z.number(),
    psi: z.number().nullable(),
    psi_threshold: z.number(),
    drift_detected: z.boolean(),
    insufficient_data: z.boolean(),
    notes: z.string().nullable(),
    /** The drift event recorded, when drift was detected. */
    event_id: z.string().nullable(),
  }),
  http: { method: 'POST', path: '/api/v1/ml/check_drift' },
});

export const recommend = defineOperation({
  name: 'ml.recommend',
  summary: 'Best model per sensor type and kind from the registry\'s validation metrics, and retraining recommendations raised by drift.',
  tag: 'ml',
  access: 'read',
  input: z.object({ sensor_type: SensorType.optional(), limit: queryInt(1, 500).default(50) }),
  output: z.object({
    best: z.array(z.object({
      sensor_type: z.string().nullable(),
      kind: ModelKind,
      model_name: z.string(),
      version: z.number(),
      stage: ModelStage,
      metric: z.string(),
      value: z.number(),
      reason: z.string(),
    })),
    retraining: z.array(z.object({
      event_id: z.string(),
      sensor_id: z.string(),
      model_name: z.string().nullable(),
      at: z.string(),
      reason: z.string(),
    })),
  }),
  http: { method: 'GET', path: '/api/v1/ml/recommend' },
});
