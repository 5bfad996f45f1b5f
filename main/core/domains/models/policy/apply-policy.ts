import type { PolicyRef, PolicySettings } from '../../../../../contract/models';
import { adjustCalibration, type CalibrationAdjust, type HysteresisSettings } from '../../../ml/anomaly';
import type { StoredPolicy } from './policy-repo';

// A policy over a model's calibration: the threshold scaled by the factor,
// each hysteresis setting the policy gives replacing the model's. Only the
// decision of when to alarm changes; the model's scores stay the same, so
// nothing is retrained. Without a policy the result is the model's own.

export interface Calibration {
  threshold: number;
  hysteresis: HysteresisSettings;
}

export function applyPolicy<M extends Calibration>(model: M, policy: PolicySettings | null): M {
  if (!policy) return model;
  return { ...model, ...adjustCalibration(model, policyAdjust(policy)) };
}

/** The policy as a calibration adjustment: for a saved model (applyPolicy) and for the statistical fallback, fitted on the spot. */
export function policyAdjust(policy: PolicySettings | null): CalibrationAdjust {
  if (!policy) return {};
  const hysteresis: Partial<HysteresisSettings> = {};
  if (policy.enter_steps != null) hysteresis.enterSteps = policy.enter_steps;
  if (policy.immediate_ratio != null) hysteresis.immediateRatio = policy.immediate_ratio;
  if (policy.exit_steps != null) hysteresis.exitSteps = policy.exit_steps;
  if (policy.exit_ratio != null) hysteresis.exitRatio = policy.exit_ratio;
  return { thresholdFactor: policy.threshold_factor ?? 1, hysteresis };
}

export function policyRef(policy: StoredPolicy | null): PolicyRef {
  return policy ? { policy_id: policy.policyId, policy_revision: policy.revision } : { policy_id: null, policy_revision: null };
}

/** Names a (model, policy revision) pair: loaded detectors and the online worker's models are keyed by it. */
export function servingKey(modelId: string, policy: StoredPolicy | null): string {
  return policy ? `${modelId}|${policy.policyId}@${policy.revision}` : modelId;
}

/** The settings a decision used, in the contract's words. */
export function appliedSettings(policy: PolicySettings | null, h: HysteresisSettings): Omit<PolicySettings, 'threshold_factor'> & { threshold_factor: number } {
  return {
    threshold_factor: policy?.threshold_factor ?? 1,
    enter_steps: h.enterSteps,
    immediate_ratio: h.immediateRatio,
    exit_steps: h.exitSteps,
    exit_ratio: h.exitRatio,
  };
}
