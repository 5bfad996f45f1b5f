import type { OutputOf, ParsedInputOf } from '../../../../contract';
import type { ModelInfo } from '../../../../contract/models';
import { toIso } from '../../../../contract/timestamp';
import { ensureBackend } from '../../ml/runtime/backend';
import { fitStatisticalForecaster, loadForecaster, timeToThreshold, type Forecaster, type ForecastModelMeta } from '../../ml/forecast';
import { regularSeries } from '../../ml/data/grid';
import { tooFewRows } from '../../ml/ml-errors';
import { AppError } from '../../platform/errors';
import { resolveFor, type ModelsContext } from './context';

// Forecast of one sensor from its latest readings, with the interval and
// the time until a threshold is crossed. Without a trained model a
// statistical forecaster fitted on the sensor's recent history answers,
// marked as the fallback.

type ForecastInput = ParsedInputOf<'ml.forecast'>;
type ForecastOutput = OutputOf<'ml.forecast'>;

/** Readings of recent history the fallback learns from (and the chart may show). */
const RECENT_READINGS = 5_000;

export async function forecastSensor(ctx: ModelsContext, input: ForecastInput): Promise<ForecastOutput> {
  const sensor = ctx.sensors.require(input.sensor_id);
  if (sensor.reading_count < 2) throw tooFewRows(`sensor ${sensor.id} has too few readings to forecast`, sensor.reading_count, 2, 'sensor_id');
  const resolved = resolveFor(ctx, 'forecast', sensor.id, input.model_version);
  const stepMs = resolved.record ? (resolved.record.params.step_ms as number | undefined) : undefined;
  const raw = await ctx.readings.repo.history({ id: sensor.id, key: sensor.sensor_key }, {}, RECENT_READINGS);
  const series = regularSeries(raw, stepMs, 'sensor_id');

  let forecaster: Forecaster;
  let info: ModelInfo;
  if (resolved.record) {
    const { record } = resolved;
    await ensureBackend();
    forecaster = await ctx.cache.get(record.id, async () => {
      const loaded = await ctx.registry.loadModel(record.name, record.version);
      return loadForecaster(loaded.artifact!, loaded.meta as ForecastModelMeta);
    });
    info = { model_name: record.name, model_version: record.version, method: 'mlp', fallback: false, fallback_reason: null, fallback_code: null };
  } else {
    forecaster = fitStatisticalForecaster({ values: series.values, stepMs: series.stepMs });
    info = { model_name: null, model_version: null, method: forecaster.method, fallback: true, fallback_reason: resolved.reason, fallback_code: resolved.code };
  }
  if (series.values.length < forecaster.lookback) {
    throw tooFewRows(`sensor ${sensor.id} has too little recent history for the model's lookback`, series.values.length, forecaster.lookback, 'sensor_id');
  }
  const horizon = input.horizon ?? forecaster.horizon;
  let result;
  try {
    result = forecaster.forecast(series.values, horizon);
  } finally {
    if (!resolved.record) forecaster.dispose();
  }
  const lastT = series.start + (series.values.length - 1) * series.stepMs;
  const lastValue = series.values[series.values.length - 1]!;
  const at = (step: number | null) => (step === null ? null : toIso(lastT + step * series.stepMs));
  const points = Array.from(result.value, (v, k) => ({ t: toIso(lastT + (k + 1) * series.stepMs), value: v, lower: result.lower[k]!, upper: result.upper[k]! }));
  if (points.some((p) => !Number.isFinite(p.value) || !Number.isFinite(p.lower) || !Number.isFinite(p.upper))) {
    throw new AppError('internal', `the forecast of ${sensor.id} is not finite; retrain the model`, { sensor_id: sensor.id });
  }
  const historyCount = Math.min(input.history, series.values.length);
  const history = [];
  for (let i = series.values.length - historyCount; i < series.values.length; i++) history.push({ t: toIso(series.start + i * series.stepMs), value: series.values[i]! });

  let crossing: ForecastOutput['threshold_crossing'] = null;
  if (input.threshold !== undefined) {
    const c = timeToThreshold(result, input.threshold, input.direction, lastValue);
    crossing = { threshold: input.threshold, direction: input.direction, eta: at(c.etaStep), earliest: at(c.earliestStep), latest: at(c.latestStep), already_crossed: c.alreadyCrossed };
  }
  return {
    sensor_id: sensor.id,
    step_ms: series.stepMs,
    last_timestamp: toIso(lastT),
    interval_level: forecaster.level,
    history,
    points,
    threshold_crossing: crossing,
    model_info: info,
  };
}
