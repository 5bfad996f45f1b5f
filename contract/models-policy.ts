import { z } from 'zod';
import { defineEvent, defineOperation } from './operation';
import { AssetId, IsoTime } from './common';

// Alarm policies: how sensitive an asset's anomaly alarm is, kept apart
// from the model so that an operator can make it calmer or keener without
// retraining. A policy sets some of five settings; each one it leaves unset
// is the model's calibrated value, so an asset without a policy alarms
// exactly as its model was calibrated. Every change is a new revision, and
// every score says which revision it was decided under.

/** Bounds of each setting: wide enough for any plant, narrow enough that no value disables the alarm by accident. */
export const POLICY_LIMITS = {
  threshold_factor: { min: 0, max: 100 },
  enter_steps: { min: 1, max: 10_000 },
  immediate_ratio: { min: 1, max: 1_000 },
  exit_steps: { min: 1, max: 10_000 },
  exit_ratio: { min: 0, max: 1 },
} as const;

export const POLICY_FIELDS = ['threshold_factor', 'enter_steps', 'immediate_ratio', 'exit_steps', 'exit_ratio'] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];

const L = POLICY_LIMITS;
const num = (what: string) => z.number({ error: `${what} must be a number` }).finite({ message: `${what} must be a finite number` });
const steps = (what: string, max: number) =>
  z.number({ error: `${what} must be a whole number of readings` }).int({ message: `${what} must be a whole number of readings` })
    .min(1, { message: `${what} must be at least 1 reading` })
    .max(max, { message: `${what} must be at most ${max} readings` });

/** Each setting: a value, or null for "the model's calibrated value". */
export const PolicySettingsShape = {
  /** Multiplies the model's threshold: above 1 alarms less, below 1 more. In (0, 100]. */
  threshold_factor: num('threshold_factor')
    .gt(L.threshold_factor.min, { message: `threshold_factor must be above ${L.threshold_factor.min}` })
    .max(L.threshold_factor.max, { message: `threshold_factor must be at most ${L.threshold_factor.max}` }).nullable(),
  /** Consecutive readings above the threshold before the alarm is raised (the enter delay). */
  enter_steps: steps('enter_steps', L.enter_steps.max).nullable(),
  /** A score above this many times the threshold raises the alarm at once. In [1, 1000]. */
  immediate_ratio: num('immediate_ratio')
    .min(L.immediate_ratio.min, { message: `immediate_ratio must be at least ${L.immediate_ratio.min}` })
    .max(L.immediate_ratio.max, { message: `immediate_ratio must be at most ${L.immediate_ratio.max}` }).nullable(),
  /** Consecutive readings below the exit level before the alarm clears (the exit delay). */
  exit_steps: steps('exit_steps', L.exit_steps.max).nullable(),
  /** The exit level as a share of the threshold (the hysteresis). In (0, 1]. */
  exit_ratio: num('exit_ratio')
    .gt(L.exit_ratio.min, { message: `exit_ratio must be above ${L.exit_ratio.min}` })
    .max(L.exit_ratio.max, { message: `exit_ratio must be at most ${L.exit_ratio.max}` }).nullable(),
};

const Settings = z.object({
  threshold_factor: z.number().nullable(),
  enter_steps: z.number().nullable(),
  immediate_ratio: z.number().nullable(),
  exit_steps: z.number().nullable(),
  exit_ratio: z.number().nullable(),
});
export type PolicySettings = z.infer<typeof Settings>;

/** Which policy a score was decided under: null fields when none (the model's calibration alone). */
export const PolicyRef = z.object({
  policy_id: z.string().nullable(),
  policy_revision: z.number().nullable(),
});
export type PolicyRef = z.infer<typeof PolicyRef>;

export const AlarmPolicyWire = Settings.extend({
  asset_id: z.string(),
  policy_id: z.string(),
  revision: z.number(),
  updated_at: IsoTime,
  updated_by: z.string().nullable(),
});
export type AlarmPolicyWire = z.infer<typeof AlarmPolicyWire>;

const FieldState = z.object({
  /** What scoring uses: the policy's value, else the model's (null without a model). */
  value: z.number().nullable(),
  /** The model's calibrated value (threshold_factor: 1); null without a model. */
  default: z.number().nullable(),
  source: z.enum(['policy', 'model']),
});

export const EffectivePolicyWire = z.object({
  asset_id: z.string(),
  /** The stored policy; null: the model's calibration alone. */
  policy: AlarmPolicyWire.nullable(),
  /** The anomaly model that serves the asset (auto: production, else staging, else newest); null when none is trained. */
  model: z.object({ model_name: z.string(), model_version: z.number() }).nullable(),
  /** The model's calibrated threshold, and the one scoring uses (model threshold x threshold_factor). */
  model_threshold: z.number().nullable(),
  threshold: z.number().nullable(),
  fields: z.object({
    threshold_factor: FieldState,
    enter_steps: FieldState,
    immediate_ratio: FieldState,
    exit_steps: FieldState,
    exit_ratio: FieldState,
  }),
});
export type EffectivePolicyWire = z.infer<typeof EffectivePolicyWire>;

export const PolicyRevisionWire = Settings.extend({
  revision: z.number(),
  /** null for a deletion. */
  policy_id: z.string().nullable(),
  change: z.enum(['set', 'deleted']),
  changed_at: IsoTime,
  changed_by: z.string().nullable(),
});

const path = '/api/v1/ml/policies/{asset_id}';

export const listPolicies = defineOperation({
  name: 'ml.policies.list',
  summary: 'Every stored alarm policy, by asset.',
  tag: 'ml',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({ policies: z.array(AlarmPolicyWire) }),
  http: { method: 'GET', path: '/api/v1/ml/policies' },
});

export const getPolicy = defineOperation({
  name: 'ml.policies.get',
  summary: 'The alarm policy an asset\'s anomaly scoring uses: each setting\'s value, the model\'s calibrated default, and which of the two applies.',
  tag: 'ml',
  access: 'read',
  input: z.object({ asset_id: AssetId }).strict(),
  output: EffectivePolicyWire,
  http: { method: 'GET', path },
});

export const putPolicy = defineOperation({
  name: 'ml.policies.put',
  summary: 'Replace an asset\'s alarm policy (audited; a new revision). Settings left out or null are the model\'s calibrated values; a policy that sets nothing is removed. Takes effect for the next score, without retraining.',
  tag: 'ml',
  access: 'operate',
  input: z.object(PolicySettingsShape).partial().extend({ asset_id: AssetId }).strict(),
  output: EffectivePolicyWire,
  http: { method: 'PUT', path },
});

export const patchPolicy = defineOperation({
  name: 'ml.policies.patch',
  summary: 'Change some settings of an asset\'s alarm policy (audited; a new revision): a value sets it, null returns it to the model\'s calibrated value, an absent field stays as it is.',
  tag: 'ml',
  access: 'operate',
  input: putPolicy.input,
  output: EffectivePolicyWire,
  http: { method: 'PATCH', path },
});

export const deletePolicy = defineOperation({
  name: 'ml.policies.delete',
  summary: 'Remove an asset\'s alarm policy (audited; recorded as a revision): scoring returns to the model\'s calibration.',
  tag: 'ml',
  access: 'operate',
  input: z.object({ asset_id: AssetId }).strict(),
  output: EffectivePolicyWire,
  http: { method: 'DELETE', path },
});

export const policyHistory = defineOperation({
  name: 'ml.policies.history',
  summary: 'Every revision of an asset\'s alarm policy, newest first: what a score\'s policy_revision refers to.',
  tag: 'ml',
  access: 'read',
  input: z.object({ asset_id: AssetId }).strict(),
  output: z.object({ asset_id: z.string(), revisions: z.array(PolicyRevisionWire) }),
  http: { method: 'GET', path: `${path}/revisions` },
});

export const alarmPolicyChanged = defineEvent({
  type: 'alarm_policy.changed',
  summary: 'An asset\'s alarm policy was set, changed or removed; online scoring applies it from the next reading.',
  payload: Settings.extend({
    asset_id: z.string(),
    /** null when the policy was removed. */
    policy_id: z.string().nullable(),
    revision: z.number(),
    change: z.enum(['set', 'deleted']),
  }),
});

export const policyOperations = [listPolicies, getPolicy, putPolicy, patchPolicy, deletePolicy, policyHistory] as const;
