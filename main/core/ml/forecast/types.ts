import type { ModelArtifact } from '../runtime/artifact';

// The shapes of per-sensor forecasting, shared by the trained model, the
// statistical fallback, the worker and the HTTP service.

export interface RegularSeries {
  /** Finite, evenly spaced, oldest first. */
  values: Float32Array | Float64Array;
  stepMs: number;
}

/**
 * Index k is k + 1 steps after the last observation. Values are as they
 * should be shown: decimals of the model's precision (runtime/decimals.ts).
 */
export interface ForecastResult { value: Float64Array; lower: Float64Array; upper: Float64Array }

/** The statistical forecaster's rules (statistical.ts). */
export type StatisticalMethod = 'persistence' | 'mean' | 'damped_trend';

export interface Forecaster {
  /** What produces the forecast: the trained network, or the statistical rule the backtest chose. */
  method: 'mlp' | StatisticalMethod;
  lookback: number;
  horizon: number;
  level: number;
  stepMs: number;
  /**
   * `recent`: at least `lookback` values, oldest first; only the last
   * `lookback` are used. `horizon` defaults to the model's; a longer one is
   * rolled forward with widening intervals (see index.ts).
   */
  forecast(recent: ArrayLike<number>, horizon?: number): ForecastResult;
  dispose(): void;
}

/**
 * Signed residual quantiles (observed − forecast) per step ahead, in the
 * series' units: the interval at step k is [value + lo[k-1], value + hi[k-1]].
 * lo <= 0 <= hi, and both widen monotonically with the step.
 */
export interface ResidualBands { lo: number[]; hi: number[] }

/** JSON-safe description of a trained forecast model, stored next to its weights. */
export type ForecastModelMeta = {
  format: 'smc-forecast-mlp';
  version: 1;
  lookback: number;
  /** Steps the network predicts in one pass. */
  horizon: number;
  /** Nominal coverage of the prediction interval (0.9 = 90%). */
  level: number;
  stepMs: number;
  /** Normalisation of the training part: z = (x − mean) / std. */
  mean: number;
  std: number;
  /** Conformal residual quantiles per step, calibrated up to bands.lo.length steps (>= horizon). */
  bands: ResidualBands;
  /** Forecast origins the bands were estimated from. */
  calibrationWindows: number;
};

export interface TrainedForecastModel {
  artifact: ModelArtifact;
  meta: ForecastModelMeta;
  /** val_mae, val_rmse, val_nmae, val_coverage, baseline_nmae, … */
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  trainRows: number;
}

export interface ForecastTrainOptions { lookback?: number; horizon?: number; epochs?: number; level?: number }

/** Steps are 1-based from the last observation; null when not crossed within the horizon. */
export interface ThresholdCrossing { etaStep: number | null; earliestStep: number | null; latestStep: number | null; alreadyCrossed: boolean }
