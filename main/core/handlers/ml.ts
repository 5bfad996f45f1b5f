import { AppError } from '../errors';
import { activeBackend } from '../ml/runtime/backend';
import { toJobWire } from '../ml/jobs/training-jobs';
import { toSummaryWire, toVersionWire } from '../ml/registry';
import { startTraining } from '../ml/service/train';
import { detectAnomalies } from '../ml/service/detect';
import { forecastSensor } from '../ml/service/forecast';
import { predictRul } from '../ml/service/rul';
import { recommendations, sensorDrift } from '../ml/service/drift';
import type { HandlerMap } from './context';

export const mlHandlers: HandlerMap<
  | 'ml.train' | 'ml.jobs.list' | 'ml.jobs.get' | 'ml.jobs.cancel' | 'ml.health' | 'ml.models.list' | 'ml.models.versions'
  | 'ml.models.latest' | 'ml.models.promote' | 'ml.models.rollback' | 'ml.predict' | 'ml.forecast' | 'ml.detect' | 'ml.drift' | 'ml.recommend'
> = {
  'ml.train': async (input, { services, principal, correlationId }) => {
    const job = await startTraining(services.ml, input);
    const { csv: _csv, ...details } = input as typeof input & { csv?: string };
    services.audit.append({ actorKeyId: principal?.keyId ?? null, action: 'ml.train', target: job.modelName, details: { ...details, job: job.id }, correlationId }, services.now());
    return { job: toJobWire(job) };
  },

  'ml.jobs.list': (_input, { services }) => ({ jobs: services.ml.jobs.list().map(toJobWire) }),

  'ml.jobs.get': (input, { services }) => {
    const job = services.ml.jobs.get(input.id);
    if (!job) throw new AppError('not_found', `no training job with id '${input.id}'`);
    return toJobWire(job);
  },

  'ml.jobs.cancel': (input, { services, principal, correlationId }) => {
    const job = services.ml.jobs.cancel(input.id);
    services.audit.append({ actorKeyId: principal?.keyId ?? null, action: 'ml.jobs.cancel', target: input.id, correlationId }, services.now());
    return toJobWire(job);
  },

  'ml.health': (_input, { services }) => {
    const { models, versions } = services.ml.registry.counts();
    const disabled = services.ml.disabled;
    return {
      status: disabled ? 'fallback' : 'ok',
      backend: disabled ? null : activeBackend(),
      model_loading: disabled ? 'disabled' : 'enabled',
      models,
      versions,
      jobs_running: services.ml.jobs.running(),
    };
  },

  'ml.models.list': (input, { services }) => ({
    models: services.ml.registry.list({ ...(input.kind ? { kind: input.kind } : {}), ...(input.target ? { target: input.target } : {}) }).map(toSummaryWire),
  }),

  'ml.models.versions': (input, { services }) => {
    const versions = services.ml.registry.versions(input.name);
    if (versions.length === 0) throw new AppError('not_found', `no model named '${input.name}'`);
    return { name: input.name, versions: versions.map(toVersionWire) };
  },

  'ml.models.latest': (input, { services }) => {
    const r = services.ml.registry.resolve(input.name, input.version);
    if (!r) throw new AppError('not_found', `no model '${input.name}' at version ${String(input.version)}`);
    return toVersionWire(r);
  },

  'ml.models.promote': (input, { services, principal, correlationId }) => {
    const now = services.now();
    const r = services.db.transaction(() => {
      const rec = services.ml.registry.promote(input.name, input.version, input.stage, principal?.keyId ?? null);
      services.audit.append({ actorKeyId: principal?.keyId ?? null, action: 'ml.models.promote', target: `${input.name}@${input.version}`, details: { stage: input.stage }, correlationId }, now);
      return rec;
    })();
    return toVersionWire(r);
  },

  'ml.models.rollback': (input, { services, principal, correlationId }) => {
    const now = services.now();
    const r = services.db.transaction(() => {
      const rec = services.ml.registry.rollback(input.name, principal?.keyId ?? null);
      services.audit.append({ actorKeyId: principal?.keyId ?? null, action: 'ml.models.rollback', target: `${input.name}@${rec.version}`, correlationId }, now);
      return rec;
    })();
    return toVersionWire(r);
  },

  'ml.predict': (input, { services }) => predictRul(services.ml, input),
  'ml.forecast': (input, { services }) => forecastSensor(services.ml, input),
  'ml.detect': (input, { services }) => detectAnomalies(services.ml, input),
  'ml.drift': (input, { services }) => sensorDrift(services.ml, input),
  'ml.recommend': (input, { services }) => recommendations(services.ml, input),
};
