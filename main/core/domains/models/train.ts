import type { ParsedInputOf } from '../../../../contract';
import type { ModelKind } from '../../../../contract/models';
import { alignSeries, regularSeries } from '../../ml/data/grid';
import { MlInputError, tooFewRows } from '../../ml/ml-errors';
import { csvHeader } from '../../ml/data/numeric-csv';
import { DEFAULT_WINDOW, minTrainRows } from '../../ml/anomaly';
import { AppError, fieldError } from '../../platform/errors';
import type { Job } from './training-jobs';
import { DISABLED_REASON, assetSensors, defaultModelName, type ModelsContext } from './context';

// Turns a train request into a worker job: reads the station's readings
// (or takes the uploaded CSV), and registers the trained version in
// staging when the worker finishes.

type TrainInput = ParsedInputOf<'ml.train'>;

const DEFAULT_SEED = 42;
/** Fewest grid rows worth training on: several windows per batch and a validation tail. */
const MIN_TRAIN_ROWS = 64;

/** A model name already used by another kind or target is refused now, before any training, not when the job ends. */
function checkName(ctx: ModelsContext, name: string, kind: ModelKind, target: string): void {
  const prev = ctx.registry.versions(name)[0];
  if (prev && (prev.kind !== kind || prev.target !== target)) {
    throw new AppError('conflict', `model ${name} is a ${prev.kind} model for '${prev.target}'; choose another model_name for a ${kind} model of '${target}'`, [
      { path: 'model_name', field: 'model_name', code: 'name_taken', message: 'This model name is already used by another model; choose another.', params: { kind: prev.kind, target: prev.target } },
    ]);
  }
}

export async function startTraining(ctx: ModelsContext, input: TrainInput, requestedBy: string | null): Promise<Job> {
  if (ctx.disabled) throw new AppError('unavailable', `${DISABLED_REASON}: training needs TF.js; detectors use statistics`, { reason: 'model_loading_disabled' });
  ctx.worker.requireReady('training');
  const seed = input.seed ?? DEFAULT_SEED;
  switch (input.kind) {
    case 'anomaly': {
      const all = assetSensors(ctx, input.asset_id);
      const chosen = input.sensor_ids ?? all.map((s) => s.id);
      const rows = chosen.map((id) => {
        const s = all.find((x) => x.id === id);
        if (!s) throw fieldError('sensor_ids', `sensor '${id}' is not a sensor with readings of asset '${input.asset_id}'`, { code: 'unknown_sensor', params: { sensor_id: id, asset_id: input.asset_id } });
        return s;
      });
      const series = [];
      for (const s of rows) series.push(await ctx.readings.repo.history({ id: s.id, key: s.sensor_key }, range(input)));
      const m = alignSeries(series, undefined, input.from !== undefined || input.to !== undefined ? 'from' : 'asset_id');
      const window = input.window ?? DEFAULT_WINDOW;
      const need = Math.max(MIN_TRAIN_ROWS, window * 4, minTrainRows(window));
      if (m.timestamps.length < need) throw tooFewRows(`asset ${input.asset_id} has too little aligned history to train`, m.timestamps.length, need, 'asset_id');
      const name = input.model_name ?? defaultModelName('anomaly', input.asset_id);
      checkName(ctx, name, 'anomaly', input.asset_id);
      const types = [...new Set(rows.map((s) => s.sensor_type).filter((t): t is string => t !== null))].sort();
      const trainedFrom = m.timestamps[0]!;
      const trainedTo = m.timestamps[m.timestamps.length - 1]!;
      return ctx.jobs.submit({
        kind: 'anomaly', modelName: name, task: 'train-anomaly', seed, requestedBy,
        input: {
          matrix: { sensors: m.sensors, timestamps: m.timestamps, values: m.values },
          options: { window, ...(input.epochs ? { epochs: input.epochs } : {}), ...(input.baseline_rows ? { baselineRows: input.baseline_rows } : {}) },
        },
        onSuccess: (tx, r, meta) => {
          ctx.recommendations.retrained(tx, m.sensors, name);
          return ctx.registry.register(tx, {
            name, kind: 'anomaly', target: input.asset_id, sensorType: types.length ? types.join('+') : null,
            trainedFrom, trainedTo, trainRows: r.trainRows, metrics: r.metrics,
            params: { ...r.params, sensors: m.sensors, step_ms: m.stepMs }, meta: r.meta,
            backend: meta.backend, seed, trainingMs: meta.trainingMs, artifact: r.artifact,
          }, meta.jobId).version;
        },
      });
    }
    case 'forecast': {
      const s = ctx.sensors.require(input.sensor_id);
      const raw = await ctx.readings.repo.history({ id: s.id, key: s.sensor_key }, range(input));
      const series = regularSeries(raw, undefined, input.from !== undefined || input.to !== undefined ? 'from' : 'sensor_id');
      const lookback = input.lookback ?? 48;
      const horizon = input.horizon ?? 24;
      const need = Math.max(MIN_TRAIN_ROWS, (lookback + horizon) * 3, lookback + 2 * horizon + 32);
      if (series.values.length < need) throw tooFewRows(`sensor ${s.id} has too little history to train a forecast`, series.values.length, need, 'sensor_id');
      const name = input.model_name ?? defaultModelName('forecast', s.id);
      checkName(ctx, name, 'forecast', s.id);
      const trainedFrom = series.start;
      const trainedTo = series.start + (series.values.length - 1) * series.stepMs;
      return ctx.jobs.submit({
        kind: 'forecast', modelName: name, task: 'train-forecast', seed, requestedBy,
        input: {
          series: { values: series.values, stepMs: series.stepMs },
          options: {
            ...(input.lookback ? { lookback: input.lookback } : {}),
            ...(input.horizon ? { horizon: input.horizon } : {}),
            ...(input.epochs ? { epochs: input.epochs } : {}),
          },
        },
        onSuccess: (tx, r, meta) => {
          ctx.recommendations.retrained(tx, [s.id], name);
          return ctx.registry.register(tx, {
            name, kind: 'forecast', target: s.id, sensorType: s.sensor_type,
            trainedFrom, trainedTo, trainRows: r.trainRows, metrics: r.metrics,
            params: { ...r.params, step_ms: series.stepMs }, meta: r.meta,
            backend: meta.backend, seed, trainingMs: meta.trainingMs, artifact: r.artifact,
          }, meta.jobId).version;
        },
      });
    }
    case 'rul': {
      // Catch a wrong column name now, as a 422, rather than as a failed job.
      const header = csvHeader(input.csv, input.sep);
      for (const [field, col] of [['asset_col', input.asset_col], ['time_col', input.time_col], ...(input.feature_cols ?? []).map((c) => ['feature_cols', c] as const)] as const) {
        if (!header.includes(col)) throw new MlInputError(`csv has no column '${col}' (columns: ${header.join(', ')})`, { path: field, field });
      }
      const dataset = input.dataset ?? 'uploaded';
      const name = input.model_name ?? defaultModelName('rul', dataset);
      checkName(ctx, name, 'rul', dataset);
      return ctx.jobs.submit({
        kind: 'rul', modelName: name, task: 'train-rul', seed, requestedBy,
        input: {
          csv: input.csv, assetCol: input.asset_col, timeCol: input.time_col,
          ...(input.feature_cols ? { featureCols: input.feature_cols } : {}),
          ...(input.sep ? { sep: input.sep } : {}),
          options: {
            ...(input.cap ? { cap: input.cap } : {}),
            ...(input.window ? { window: input.window } : {}),
            ...(input.epochs ? { epochs: input.epochs } : {}),
          },
        },
        onSuccess: (tx, r, meta) => ctx.registry.register(tx, {
          name, kind: 'rul', target: dataset, sensorType: null, trainedFrom: null, trainedTo: null,
          trainRows: r.trainRows, metrics: r.metrics,
          // The columns a prediction must supply, for the console and API callers.
          params: { ...r.params, feature_cols: r.meta.featureCols, asset_col: input.asset_col, time_col: input.time_col, time_unit: input.time_col }, meta: r.meta,
          backend: meta.backend, seed, trainingMs: meta.trainingMs, artifact: r.artifact,
        }, meta.jobId).version,
      });
    }
  }
}

function range(input: { from?: number; to?: number }): { from?: number; to?: number } {
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw fieldError('from', 'from must not be after to', { code: 'range_inverted' });
  }
  return { ...(input.from !== undefined ? { from: input.from } : {}), ...(input.to !== undefined ? { to: input.to } : {}) };
}
