import type { FallbackCode, ModelKind } from '../../../../contract/models';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { WriteQueue } from '../../platform/write-queue';
import type { AuditLog } from '../audit';
import type { ReadingsApi } from '../readings';
import type { SensorRow, SensorsApi } from '../sensors';
import type { ModelCache } from './model-cache';
import type { ModelWorker } from './model-worker';
import type { PolicyRepo } from './policy/policy-repo';
import type { RecommendationsRepo } from './recommendations-repo';
import type { ModelRegistry, ModelVersionRecord } from './registry';
import type { TrainingJobs } from './training-jobs';

// What the model operations of this domain share: the registry, the job
// queue and its worker, loaded models, the readings they learn from, and
// whether model loading is disabled (safe mode).

export interface ModelsContext {
  registry: ModelRegistry;
  jobs: TrainingJobs;
  worker: ModelWorker;
  cache: ModelCache;
  recommendations: RecommendationsRepo;
  /** Alarm policies per asset, applied over the anomaly models' calibration at scoring time. */
  policies: PolicyRepo;
  sensors: SensorsApi;
  readings: ReadingsApi;
  writer: WriteQueue;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  /** SMC_DISABLE_MODEL_LOADING: no TF.js model is loaded or trained. */
  disabled: boolean;
}

export const DISABLED_REASON = 'model loading is disabled (SMC_DISABLE_MODEL_LOADING=1)';

/** Sensors of an asset that have readings, in id order. */
export function assetSensors(ctx: ModelsContext, assetId: string): SensorRow[] {
  const list = ctx.sensors.repo.list({ assetId }).filter((s) => s.reading_count > 0);
  if (list.length === 0) throw new AppError('not_found', `asset '${assetId}' has no sensors with readings`, { asset_id: assetId });
  return list.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export type Resolved = { record: ModelVersionRecord } | { record: null; reason: string; code: FallbackCode };

/**
 * The model version serving a target (an asset for anomaly, a sensor for
 * forecast): the most recently updated model of that kind and target,
 * at the requested version reference.
 */
export function resolveFor(ctx: Pick<ModelsContext, 'disabled' | 'registry'>, kind: ModelKind, target: string, ref: 'auto' | 'latest' | number): Resolved {
  if (ctx.disabled) return { record: null, reason: DISABLED_REASON, code: 'model_loading_disabled' };
  const names = ctx.registry.list({ kind, target });
  if (names.length === 0) return { record: null, reason: `no ${kind} model has been trained for '${target}'`, code: 'no_model' };
  const name = [...names].sort((a, b) => b.updatedAt - a.updatedAt)[0]!.name;
  const record = ctx.registry.resolve(name, ref);
  if (!record) {
    if (typeof ref === 'number') throw new AppError('not_found', `model ${name} has no version ${ref}`, { model_name: name, model_version: ref });
    return { record: null, reason: `model ${name} has no usable version`, code: 'no_usable_version' };
  }
  return { record };
}

/** A name for a model of this kind and target; the caller may choose another. */
export function defaultModelName(kind: ModelKind, target: string): string {
  const name = `${kind}.${target}`;
  if (name.length > 128) {
    throw new AppError('validation_failed', `the default model name ${kind}.<target> is longer than 128 characters; give a model_name`, [{ path: 'model_name', field: 'model_name', code: 'required', message: 'Give this model a name (the default one is too long).' }]);
  }
  return name;
}
