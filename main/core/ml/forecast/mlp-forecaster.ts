import { ensureBackend } from '../runtime/backend';
import { restoreModel, type ModelArtifact } from '../runtime/artifact';
import { MlInputError } from '../ml-errors';
import { float32Decimal } from '../runtime/decimals';
import { checkHorizon, lastWindow, withBands } from './intervals';
import { rollForward } from './network';
import type { ForecastModelMeta, Forecaster, ForecastResult } from './types';

// A trained forecaster, loaded once and kept: each forecast is one predict
// of a [1, lookback] window per `horizon` steps asked for.

function checkMeta(meta: ForecastModelMeta): void {
  const ok = meta && meta.format === 'smc-forecast-mlp' && meta.version === 1
    && Number.isInteger(meta.lookback) && Number.isInteger(meta.horizon)
    && Number.isFinite(meta.mean) && meta.std > 0 && meta.level > 0 && meta.level < 1
    && Array.isArray(meta.bands?.lo) && meta.bands.lo.length >= meta.horizon && meta.bands.hi.length === meta.bands.lo.length;
  if (!ok) throw new MlInputError('this is not a forecast model of this version (its description is missing or malformed); retrain it', { field: 'meta' });
}

export async function loadForecaster(artifact: ModelArtifact, meta: ForecastModelMeta): Promise<Forecaster> {
  checkMeta(meta);
  await ensureBackend();
  const model = await restoreModel(artifact);
  const { lookback, horizon, mean, std, bands } = meta;
  const window = new Float32Array(lookback);
  return {
    method: 'mlp',
    lookback,
    horizon,
    level: meta.level,
    stepMs: meta.stepMs,
    forecast(recent: ArrayLike<number>, steps = horizon): ForecastResult {
      checkHorizon(steps);
      const w = lastWindow(recent, lookback);
      for (let i = 0; i < lookback; i++) window[i] = (w[i]! - mean) / std;
      const z = rollForward(model, window, lookback, horizon, steps);
      // The network's float32 precision carries through to the forecast and its band.
      const value = new Float64Array(steps);
      for (let k = 0; k < steps; k++) value[k] = float32Decimal(mean + std * z[k]!);
      return withBands(value, bands, float32Decimal);
    },
    dispose() {
      model.dispose();
    },
  };
}

