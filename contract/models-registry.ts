import { z } from 'zod';
import { defineOperation } from './operation';
import { IsoTime } from './common';

// The model registry: every trained version with its stage, metrics and
// training window. Field names follow the replaced system where it had them
// (`model_name`, `model_version`).

export const MODEL_KINDS = ['anomaly', 'forecast', 'rul'] as const;
export const ModelKind = z.enum(MODEL_KINDS, { error: `kind must be one of ${MODEL_KINDS.join(', ')}` });
export type ModelKind = z.infer<typeof ModelKind>;

export const MODEL_STAGES = ['staging', 'production', 'archived'] as const;
export const ModelStage = z.enum(MODEL_STAGES, { error: `stage must be one of ${MODEL_STAGES.join(', ')}` });
export type ModelStage = z.infer<typeof ModelStage>;

export const MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ModelName = z
  .string({ error: 'model name must be a string' })
  .regex(MODEL_NAME_RE, { message: 'model name must be 1-128 letters, digits or . _ : - and start with a letter or digit' });

/** `auto`: production, else staging, else the newest; `latest`: the newest; or a version number. */
export const ModelVersionRef = z
  .union([z.literal('auto'), z.literal('latest'), z.number().int().min(1), z.string().regex(/^\d+$/).transform(Number)], {
    error: 'model_version must be "auto", "latest" or a version number',
  })
  .default('auto');

export const VersionNumber = z.union([z.number().int().min(1), z.string().regex(/^\d+$/).transform(Number)], { error: 'model_version must be a version number' });

const Metrics = z.record(z.string(), z.number());

export const ModelVersionWire = z.object({
  model_name: z.string(),
  model_version: z.number(),
  kind: ModelKind,
  /** Asset id (anomaly), sensor id (forecast) or data set label (rul). */
  target: z.string(),
  sensor_type: z.string().nullable(),
  stage: ModelStage,
  created_at: IsoTime,
  /** Training data window; null when trained from a file. */
  trained_from: IsoTime.nullable(),
  trained_to: IsoTime.nullable(),
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
  model_name: z.string(),
  kind: ModelKind,
  target: z.string(),
  sensor_type: z.string().nullable(),
  versions: z.number(),
  latest_version: z.number(),
  production_version: z.number().nullable(),
  staging_version: z.number().nullable(),
  updated_at: IsoTime,
  /** Metrics of the version `auto` resolves to. */
  metrics: Metrics,
});

export const WORKER_STATES = ['starting', 'ready', 'unavailable'] as const;

export const mlHealth = defineOperation({
  name: 'ml.health',
  summary: 'Model runtime: whether training and batch scoring can run (the model worker\'s real state), TF.js backend, safe mode, registry size, jobs.',
  tag: 'ml',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({
    /** ok: models train and run; degraded: the model worker cannot start (training and batch scoring are off); fallback: safe mode. */
    status: z.enum(['ok', 'degraded', 'fallback']),
    backend: z.enum(['wasm', 'cpu']).nullable(),
    model_loading: z.enum(['enabled', 'disabled']),
    worker: z.object({ state: z.enum(WORKER_STATES), backend: z.enum(['wasm', 'cpu']).nullable(), error: z.string().nullable() }),
    /** Where online scoring of stored readings runs: its own worker thread, or the serving thread when that worker is missing or stopped (error says why). */
    online_scoring: z.object({ runs_on: z.enum(['worker', 'serving_thread']), error: z.string().nullable() }),
    models: z.number(),
    versions: z.number(),
    jobs_running: z.number(),
    jobs_queued: z.number(),
  }),
  http: { method: 'GET', path: '/api/v1/ml/health' },
});

export const listModels = defineOperation({
  name: 'ml.models.list',
  summary: 'Registered models with their latest, production and staging versions.',
  tag: 'ml',
  access: 'read',
  input: z.object({ kind: ModelKind.optional(), target: z.string().max(128).optional() }).strict(),
  output: z.object({ models: z.array(ModelSummaryWire) }),
  http: { method: 'GET', path: '/api/v1/ml/models' },
});

export const modelVersions = defineOperation({
  name: 'ml.models.versions',
  summary: 'Every version of a model, newest first.',
  tag: 'ml',
  access: 'read',
  input: z.object({ model_name: ModelName }).strict(),
  output: z.object({ model_name: z.string(), versions: z.array(ModelVersionWire) }),
  http: { method: 'GET', path: '/api/v1/ml/models/{model_name}/versions' },
});

export const latestModel = defineOperation({
  name: 'ml.models.latest',
  summary: 'The version of a model that `model_version` resolves to (default auto: production, then staging, then newest).',
  tag: 'ml',
  access: 'read',
  input: z.object({ model_name: ModelName, model_version: ModelVersionRef }).strict(),
  output: ModelVersionWire,
  http: { method: 'GET', path: '/api/v1/ml/models/{model_name}/latest' },
});

export const promoteModel = defineOperation({
  name: 'ml.models.promote',
  summary: 'Move a version to a stage. Promoting to production archives the previous production version, which rollback restores.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ model_name: ModelName, model_version: VersionNumber, stage: ModelStage }).strict(),
  output: ModelVersionWire,
  http: { method: 'POST', path: '/api/v1/ml/models/{model_name}/versions/{model_version}/promote' },
});

export const rollbackModel = defineOperation({
  name: 'ml.models.rollback',
  summary: 'Put the previous production version back in production; the current one is archived.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ model_name: ModelName }).strict(),
  output: ModelVersionWire,
  http: { method: 'POST', path: '/api/v1/ml/models/{model_name}/rollback' },
});
