import { modelsContract } from '../../../../contract/models';
import { activeBackend } from '../../ml/runtime/backend';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { WriteQueue } from '../../platform/write-queue';
import type { AuditLog } from '../audit';
import { defineDomain } from '../domain';
import type { ReadingsApi } from '../readings';
import type { SensorsApi } from '../sensors';
import type { ModelsContext } from './context';
import { detectAnomalies } from './detect';
import { recommendations, recordDrift, viewDrift } from './drift';
import { forecastSensor } from './forecast';
import { JobsRepo } from './jobs-repo';
import { models as modelsMigration } from './migrations/0002-models';
import { modelState } from './migrations/0008-model-state';
import { alarmPolicies } from './migrations/0013-alarm-policies';
import { ModelCache } from './model-cache';
import { defaultWorkerScript, ModelWorker } from './model-worker';
import { createOnlineScoring } from './online-scoring';
import { defaultOnlineWorkerScript, OnlineScoringWorker } from './online-scoring-worker';
import { OnlineStateRepo } from './online-state-repo';
import { policyHandlers } from './policy/policy-handlers';
import { PolicyRepo } from './policy/policy-repo';
import { recommendationToWire, RecommendationsRepo } from './recommendations-repo';
import { ModelRegistry, toSummaryWire, toVersionWire } from './registry';
import { predictRul } from './rul';
import { startTraining } from './train';
import { TrainingJobs, callerOf, toJobWire } from './training-jobs';

export const modelsMigrations = [modelsMigration, modelState, alarmPolicies];
export { ONLINE_SCORING } from './online-scoring';

export interface ModelsDeps {
  db: Db;
  writer: WriteQueue;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  sensors: SensorsApi;
  readings: ReadingsApi;
  disabled: boolean;
  /** Path of the model worker script (the shell knows it); found next to the build when absent. */
  workerScript?: string | null;
  /** Path of the online scoring worker script; found next to the build when absent (null: score on the serving thread). */
  onlineWorkerScript?: string | null;
}

export function createModelsDomain(deps: ModelsDeps) {
  const log = deps.log.child({ sub: 'ml' });
  const worker = new ModelWorker(deps.workerScript === undefined ? defaultWorkerScript() : deps.workerScript, log);
  const onlineWorker = new OnlineScoringWorker(deps.onlineWorkerScript === undefined ? defaultOnlineWorkerScript() : deps.onlineWorkerScript, log);
  const registry = new ModelRegistry(deps.db, deps.clock);
  const ctx: ModelsContext = {
    registry,
    jobs: new TrainingJobs(new JobsRepo(deps.db), deps.writer, worker, deps.clock, log),
    worker,
    cache: new ModelCache(),
    recommendations: new RecommendationsRepo(deps.db),
    policies: new PolicyRepo(deps.db),
    sensors: deps.sensors,
    readings: deps.readings,
    writer: deps.writer,
    audit: deps.audit,
    clock: deps.clock,
    log,
    disabled: deps.disabled,
  };
  const { writer, audit } = deps;
  const policies = policyHandlers(ctx);

  const module = defineDomain(modelsContract, {
    consumers: [createOnlineScoring(ctx, new OnlineStateRepo(deps.db), onlineWorker)],
    start() {
      const interrupted = ctx.jobs.recover();
      if (interrupted > 0) log.warn({ interrupted }, 'training jobs left by the previous process were marked interrupted');
      // Known within a second or two; until then training waits for nothing and health says `starting`.
      if (!ctx.disabled) void worker.probe();
    },
    async stop() {
      await ctx.jobs.stop();
      await onlineWorker.close();
      ctx.cache.clear();
    },
    handlers: {
      'ml.train': async (input, c) => {
        const job = await startTraining(ctx, input, callerOf(c.principal));
        const { csv: _csv, ...details } = input as typeof input & { csv?: string };
        await writer.write((tx) => audit.record(tx, c.principal, 'ml.train', job.modelName, { ...details, job: job.id }), { correlationId: c.correlationId });
        return { job: toJobWire(job, callerOf(c.principal)) };
      },

      'ml.jobs.list': (_input, c) => ({ jobs: ctx.jobs.list().map((j) => toJobWire(j, callerOf(c.principal))) }),

      'ml.jobs.get': (input, c) => {
        const job = ctx.jobs.get(input.id);
        if (!job) throw new AppError('not_found', `no training job with id '${input.id}'`, { id: input.id });
        return toJobWire(job, callerOf(c.principal));
      },

      'ml.jobs.cancel': async (input, c) => {
        const job = await ctx.jobs.cancel(input.id);
        await writer.write((tx) => audit.record(tx, c.principal, 'ml.jobs.cancel', input.id), { correlationId: c.correlationId });
        return toJobWire(job, callerOf(c.principal));
      },

      'ml.health': () => {
        const { models, versions } = registry.counts();
        const disabled = ctx.disabled;
        return {
          status: disabled ? 'fallback' : worker.state === 'unavailable' ? 'degraded' : 'ok',
          backend: disabled ? null : (worker.backend ?? activeBackend()),
          model_loading: disabled ? 'disabled' : 'enabled',
          worker: { state: disabled ? 'unavailable' : worker.state, backend: worker.backend, error: disabled ? 'model loading is disabled' : worker.error },
          online_scoring: onlineWorker.status(),
          models,
          versions,
          jobs_running: ctx.jobs.running(),
          jobs_queued: ctx.jobs.queued(),
        };
      },

      'ml.models.list': (input) => ({
        models: registry.list({ ...(input.kind ? { kind: input.kind } : {}), ...(input.target ? { target: input.target } : {}) }).map(toSummaryWire),
      }),

      'ml.models.versions': (input) => {
        const versions = registry.versions(input.model_name);
        if (versions.length === 0) throw new AppError('not_found', `no model named '${input.model_name}'`, { model_name: input.model_name });
        return { model_name: input.model_name, versions: versions.map(toVersionWire) };
      },

      'ml.models.latest': (input) => {
        const r = registry.resolve(input.model_name, input.model_version);
        if (!r) throw new AppError('not_found', `no model '${input.model_name}' at version ${String(input.model_version)}`, { model_name: input.model_name, model_version: input.model_version });
        return toVersionWire(r);
      },

      'ml.models.promote': async (input, c) => {
        const r = await writer.write((tx) => {
          const rec = registry.promote(tx, input.model_name, input.model_version, input.stage, c.principal?.name ?? null);
          audit.record(tx, c.principal, 'ml.models.promote', `${input.model_name}@${input.model_version}`, { stage: input.stage });
          return rec;
        }, { correlationId: c.correlationId });
        return toVersionWire(r);
      },

      'ml.models.rollback': async (input, c) => {
        const r = await writer.write((tx) => {
          const rec = registry.rollback(tx, input.model_name, c.principal?.name ?? null);
          audit.record(tx, c.principal, 'ml.models.rollback', `${input.model_name}@${rec.version}`);
          return rec;
        }, { correlationId: c.correlationId });
        return toVersionWire(r);
      },

      'ml.predict': (input) => predictRul(ctx, input),
      'ml.forecast': (input) => forecastSensor(ctx, input),
      'ml.detect': (input) => detectAnomalies(ctx, input),
      'ml.drift': (input, c) => recordDrift(ctx, input, c.correlationId),
      'ml.drift.view': (input) => viewDrift(ctx, input),
      'ml.recommend': (input) => recommendations(ctx, input),
      ...policies,

      'ml.recommendations.dismiss': async (input, c) => {
        const rec = ctx.recommendations.get(input.id);
        if (!rec) throw new AppError('not_found', `no retraining recommendation with id '${input.id}'`, { id: input.id });
        const ok = await writer.write((tx) => {
          const done = ctx.recommendations.dismiss(tx, input.id, c.principal?.name ?? 'system');
          if (done) audit.record(tx, c.principal, 'ml.recommendations.dismiss', input.id, { sensor_id: rec.sensor_id });
          return done;
        }, { correlationId: c.correlationId });
        if (!ok) throw new AppError('conflict', `recommendation ${input.id} is already ${rec.resolution ?? 'resolved'}`, { id: input.id, resolution: rec.resolution });
        const after = ctx.recommendations.get(input.id)!;
        return { ...recommendationToWire(after), dismissed_at: new Date(after.resolved_at!).toISOString() };
      },
    },
  });

  return { module, ctx, worker };
}
