import { z } from 'zod';
import { defineEvent } from './operation';
import { IsoTime } from './common';
import { ModelKind, ModelStage } from './models-registry';

const Contribution = z.object({ sensor_id: z.string(), share: z.number() });
const ModelRef = { model_name: z.string(), model_version: z.number() };
/** The alarm policy the decision was made under (models-policy.ts); null fields: the model's calibration alone. */
const PolicyRef = { policy_id: z.string().nullable(), policy_revision: z.number().nullable() };

export const modelTrained = defineEvent({
  type: 'model.trained',
  summary: 'A training job finished and registered a new model version (in staging).',
  payload: z.object({
    ...ModelRef,
    kind: ModelKind,
    target: z.string(),
    metrics: z.record(z.string(), z.number()),
    job_id: z.string().nullable(),
  }),
});

export const modelPromoted = defineEvent({
  type: 'model.promoted',
  summary: 'A model version changed stage (promotion or rollback).',
  payload: z.object({
    ...ModelRef,
    kind: ModelKind,
    target: z.string(),
    from_stage: ModelStage,
    to_stage: ModelStage,
    /** The production version archived by this change, if any. */
    archived_version: z.number().nullable(),
    reason: z.enum(['promote', 'rollback']),
  }),
});

export const anomalyOnset = defineEvent({
  type: 'anomaly.onset',
  summary: 'Online scoring of an asset entered the anomaly state.',
  payload: z.object({
    asset_id: z.string(),
    at: IsoTime,
    score: z.number(),
    threshold: z.number(),
    ...ModelRef,
    ...PolicyRef,
    contributions: z.array(Contribution),
  }),
});

export const anomalyCleared = defineEvent({
  type: 'anomaly.cleared',
  summary: 'Online scoring of an asset left the anomaly state.',
  payload: z.object({
    asset_id: z.string(),
    at: IsoTime,
    onset_at: IsoTime.nullable(),
    peak_score: z.number(),
    ...ModelRef,
    ...PolicyRef,
  }),
});

export const driftDetected = defineEvent({
  type: 'drift.detected',
  summary: 'A sensor\'s recent readings differ from the window before them (KS test or PSI).',
  payload: z.object({
    sensor_id: z.string(),
    asset_id: z.string().nullable(),
    ks_statistic: z.number().nullable(),
    p_value: z.number().nullable(),
    psi: z.number().nullable(),
    window_minutes: z.number(),
    recent_count: z.number(),
    baseline_count: z.number(),
    models: z.array(z.string()),
    recommendation_id: z.string(),
  }),
});
