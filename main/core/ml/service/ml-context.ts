import type { Db } from '../../db/open';
import type { SensorsRepo, SensorRow } from '../../db/sensors-repo';
import type { EventsRepo } from '../../db/events-repo';
import type { Logger } from '../../log';
import { AppError } from '../../errors';
import type { ModelKind } from '../../../../contract/ml';
import type { ModelRegistry, ModelVersionRecord } from '../registry';
import type { TrainingJobs } from '../jobs/training-jobs';
import type { ModelCache } from './model-cache';
import type { OnlineScoring } from './online';

// What the model operations share: storage, the registry, the job queue,
// loaded models, and whether model loading is disabled (safe mode).

export interface MlContext {
  db: Db;
  sensors: SensorsRepo;
  registry: ModelRegistry;
  events: EventsRepo;
  jobs: TrainingJobs;
  cache: ModelCache;
  log: Logger;
  now: () => number;
  /** SMC_DISABLE_MODEL_LOADING: no TF.js model is loaded or trained. */
  disabled: boolean;
  /** Scores each committed reading against its asset's model (set once the context exists). */
  online?: OnlineScoring;
}

export const DISABLED_REASON = 'model loading is disabled (SMC_DISABLE_MODEL_LOADING=1)';

export function requireSensor(ctx: MlContext, id: string): SensorRow {
  const s = ctx.sensors.get(id);
  if (!s) throw new AppError('not_found', `no sensor with id '${id}'`);
  return s;
}

/** Sensors of an asset that have readings, in id order. */
export function assetSensors(ctx: MlContext, assetId: string): SensorRow[] {
  const list = ctx.sensors.list({ assetId }).filter((s) => s.reading_count > 0);
  if (list.length === 0) throw new AppError('not_found', `asset '${assetId}' has no sensors with readings`);
  return list.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export type Resolved = { record: ModelVersionRecord } | { record: null; reason: string };

/**
 * The model version serving a target (an asset for anomaly, a sensor for
 * forecast): the most recently updated model of that kind and target,
 * at the requested version reference.
 */
export function resolveFor(ctx: MlContext, kind: ModelKind, target: string, ref: 'auto' | 'latest' | number): Resolved {
  if (ctx.disabled) return { record: null, reason: DISABLED_REASON };
  const names = ctx.registry.list({ kind, target });
  if (names.length === 0) return { record: null, reason: `no ${kind} model has been trained for '${target}'` };
  const name = [...names].sort((a, b) => b.updatedAt - a.updatedAt)[0]!.name;
  const record = ctx.registry.resolve(name, ref);
  if (!record) {
    if (typeof ref === 'number') throw new AppError('not_found', `model ${name} has no version ${ref}`);
    return { record: null, reason: `model ${name} has no usable version` };
  }
  return { record };
}

/** A name for a model of this kind and target; the caller may choose another. */
export function defaultModelName(kind: ModelKind, target: string): string {
  const name = `${kind}.${target}`;
  if (name.length > 128) throw new AppError('validation_failed', `the default model name ${kind}.<target> is longer than 128 characters; give a name`, [{ path: 'name', message: 'name is required for this target' }]);
  return name;
}
