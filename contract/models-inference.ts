import { z } from 'zod';
import { defineOperation } from './operation';
import { AssetId, IsoTime, queryInt, SensorId, SensorType, TimestampInput } from './common';
import { ModelKind, ModelName, ModelStage, ModelVersionRef } from './models-registry';
import { PolicyRef } from './models-policy';

// Using the models: remaining useful life, forecasts, anomaly detection,
// drift. Paths follow the replaced system where it had them (`/predict`);
// its snake_case paths (`/detect_anomaly`, `/check_drift`) stay as aliases.

export const MODEL_METHODS = ['autoencoder', 'statistical', 'mlp', 'persistence', 'mean', 'damped_trend', 'rul-net'] as const;

/** Why a statistical method stood in: a stable code the console says in the operator's language. */
export const FALLBACK_CODES = ['model_loading_disabled', 'no_model', 'no_usable_version', 'sensors_without_readings'] as const;
export type FallbackCode = (typeof FALLBACK_CODES)[number];

export const ModelInfo = z.object({
  model_name: z.string().nullable(),
  model_version: z.number().nullable(),
  /** What produced the result: a trained TF.js model, or the statistical method that stood in. */
  method: z.enum(MODEL_METHODS),
  fallback: z.boolean(),
  /** Why the fallback was used (no model, model loading disabled, model failed to load), in the station's words. */
  fallback_reason: z.string().nullable(),
  /** The same as a code (null when no fallback was used). */
  fallback_code: z.enum(FALLBACK_CODES).nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

const Interval = z.object({ value: z.number(), lower: z.number(), upper: z.number() });

export const predict = defineOperation({
  name: 'ml.predict',
  summary: 'Remaining useful life with its interval, from a RUL model and either explicit rows (the latest rows of one asset, oldest first) or a station asset whose sensors match the model\'s feature columns by id or type.',
  tag: 'ml',
  access: 'read',
  input: z.object({
    model_name: ModelName,
    model_version: ModelVersionRef,
    rows: z.array(z.record(z.string(), z.number({ error: 'feature values must be finite numbers' }).finite({ message: 'feature values must be finite numbers' }))).min(1).max(10_000).optional(),
    asset_id: AssetId.optional(),
    /**
     * With rows: the time steps the asset had run before the last row given
     * (a model trained with the age input reads it); default: the rows are
     * the asset's whole history, so rows.length - 1.
     */
    age: z.number().int().min(0).max(1e9).optional(),
  }).strict()
    .refine((v) => (v.rows === undefined) !== (v.asset_id === undefined), { message: 'give either rows or asset_id', path: ['rows'] })
    .refine((v) => v.age === undefined || v.rows !== undefined, { message: 'age goes with rows; for a station asset it is read from its history', path: ['age'] }),
  output: z.object({
    prediction: Interval.extend({ unit: z.string() }),
    interval_level: z.number(),
    /** Rows the estimate read: the model's window and the rows before it whose windows' estimates it averages, or fewer when the asset has fewer. */
    rows_used: z.number(),
    model_info: ModelInfo,
  }),
  http: { method: 'POST', path: '/api/v1/ml/predict' },
});

export const ForecastPoint = z.object({ t: IsoTime, value: z.number(), lower: z.number(), upper: z.number() });

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
    last_timestamp: IsoTime,
    interval_level: z.number(),
    history: z.array(z.object({ t: IsoTime, value: z.number() })),
    points: z.array(ForecastPoint),
    threshold_crossing: z.object({
      threshold: z.number(),
      direction: z.enum(['above', 'below']),
      /** Expected crossing; null when the forecast does not cross within the horizon. */
      eta: IsoTime.nullable(),
      /** Earliest plausible crossing (interval bound reaching the threshold); null if none within the horizon. */
      earliest: IsoTime.nullable(),
      /** Latest plausible crossing; null when the other bound does not cross within the horizon. */
      latest: IsoTime.nullable(),
      already_crossed: z.boolean(),
    }).nullable(),
    model_info: ModelInfo,
  }),
  http: { method: 'POST', path: '/api/v1/ml/forecast' },
});

export const SensorContribution = z.object({ sensor_id: z.string(), share: z.number() });

export const AnomalyWire = z.object({
  /** The stretch where the score was above the threshold. */
  start: IsoTime,
  end: IsoTime,
  peak_score: z.number(),
  peak_at: IsoTime,
  /** Per-sensor share of the error over the period, largest first; shares sum to 1. */
  contributions: z.array(SensorContribution),
});
export type AnomalyWire = z.infer<typeof AnomalyWire>;

export const detect = defineOperation({
  name: 'ml.detect',
  summary: 'Score an asset\'s stored history for anomalies; each anomaly names the sensors that contributed most.',
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
    /** The threshold the alarms were decided on: the model's, times the alarm policy's factor. */
    threshold: z.number(),
    /** The alarm policy applied (models-policy.ts) and the settings the alarms followed, for a model and for the statistical fallback alike; the policy's id and revision are null without one. */
    alarm_policy: PolicyRef.extend({
      threshold_factor: z.number(),
      enter_steps: z.number().nullable(),
      immediate_ratio: z.number().nullable(),
      exit_steps: z.number().nullable(),
      exit_ratio: z.number().nullable(),
    }),
    anomaly_count: z.number(),
    anomalies: z.array(AnomalyWire),
    scores: z.array(z.object({
      t: IsoTime,
      score: z.number(),
      /** The score exceeds the threshold. */
      above_threshold: z.boolean(),
      /** The point lies in a reported anomaly period. */
      anomaly: z.boolean(),
    })),
    /**
     * The daily or weekly pattern the statistical stand-in took out of each
     * sensor before scoring (found in its reference rows, checked on days it
     * was not fitted on), with the share of variance it explained there;
     * null for a trained model and where the reference shows no such pattern.
     */
    seasonal_profile: z.object({
      cycle: z.enum(['day', 'week']),
      sensors: z.array(z.object({ sensor_id: z.string(), explained: z.number() })),
    }).nullable(),
    model_info: ModelInfo,
  }),
  http: { method: 'POST', path: '/api/v1/ml/detect-anomaly', aliases: ['/api/v1/ml/detect_anomaly'] },
});

const DriftInput = {
  /** Length of the recent window, ending at the sensor's last reading. */
  window_minutes: queryInt(1, 525_600).default(60),
  /** Length of the baseline window just before it (default: same as the recent one). */
  baseline_minutes: queryInt(1, 5_256_000).optional(),
  p_value_threshold: z.union([z.number(), z.string().regex(/^0?\.\d+$/).transform(Number)]).pipe(z.number().gt(0).lt(1)).default(0.05),
  psi_threshold: z.union([z.number(), z.string().regex(/^\d*\.?\d+$/).transform(Number)]).pipe(z.number().gt(0).max(10)).default(0.2),
  min_samples: queryInt(5, 100_000).default(30),
};

const DriftOutput = z.object({
  sensor_id: z.string(),
  recent_count: z.number(),
  baseline_count: z.number(),
  window_minutes: z.number(),
  ks_statistic: z.number().nullable(),
  p_value: z.number().nullable(),
  p_value_threshold: z.number(),
  psi: z.number().nullable(),
  psi_threshold: z.number(),
  /** How to read the PSI: above the threshold significant (drift), below 0.1 stable, moderate in between. */
  psi_level: z.enum(['stable', 'moderate', 'significant']).nullable(),
  drift_detected: z.boolean(),
  insufficient_data: z.boolean(),
  notes: z.string().nullable(),
  /** The drift event recorded (check-drift only, when drift was detected). */
  event_id: z.string().nullable(),
  /** The open retraining recommendation this drift raised or updated. */
  recommendation_id: z.string().nullable(),
});

export const checkDrift = defineOperation({
  name: 'ml.drift',
  summary: 'Two-sample Kolmogorov–Smirnov test and population stability index of a sensor: the recent window against the one before it. Drift records a drift.detected event and raises (or updates) one retraining recommendation per sensor.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ sensor_id: SensorId, ...DriftInput }).strict(),
  output: DriftOutput,
  http: { method: 'POST', path: '/api/v1/ml/check-drift', aliases: ['/api/v1/ml/check_drift'] },
});

export const viewDrift = defineOperation({
  name: 'ml.drift.view',
  summary: 'The same drift statistics as check-drift, computed and returned without recording anything.',
  tag: 'ml',
  access: 'read',
  input: z.object({ id: SensorId, ...DriftInput }).strict(),
  output: DriftOutput,
  http: { method: 'GET', path: '/api/v1/sensors/{id}/drift' },
});

export const RecommendationWire = z.object({
  id: z.string(),
  sensor_id: z.string(),
  /** Models trained on the sensor that should be retrained (empty: none yet — train one). */
  models: z.array(z.string()),
  first_detected_at: IsoTime,
  last_detected_at: IsoTime,
  detections: z.number(),
  psi: z.number().nullable(),
  ks_statistic: z.number().nullable(),
  p_value: z.number().nullable(),
  window_minutes: z.number(),
});

export const recommend = defineOperation({
  name: 'ml.recommend',
  summary: 'Best model per sensor type and kind from the registry\'s validation metrics, and the open retraining recommendations raised by drift (one per sensor).',
  tag: 'ml',
  access: 'read',
  input: z.object({ sensor_type: SensorType.optional(), limit: queryInt(1, 500).default(50) }).strict(),
  output: z.object({
    best: z.array(z.object({
      sensor_type: z.string().nullable(),
      kind: ModelKind,
      model_name: z.string(),
      model_version: z.number(),
      stage: ModelStage,
      metric: z.string(),
      value: z.number(),
      /** How many versions that are not archived were compared on `metric` (1: the only one). */
      candidates: z.number().int().positive(),
      /** The choice in the station's words. */
      reason: z.string(),
    })),
    retraining: z.array(RecommendationWire),
  }),
  http: { method: 'GET', path: '/api/v1/ml/recommend' },
});

export const dismissRecommendation = defineOperation({
  name: 'ml.recommendations.dismiss',
  summary: 'Dismiss an open retraining recommendation (audited); drift detected again later raises a new one.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ id: z.string().min(1).max(64) }).strict(),
  output: RecommendationWire.extend({ dismissed_at: IsoTime }),
  http: { method: 'POST', path: '/api/v1/ml/recommendations/{id}/dismiss' },
});
