// Per-sensor forecasting with prediction intervals and time to threshold.
//
// - trainForecastModel: a small TF.js MLP over the last `lookback` values
//   that predicts the next `horizon` steps at once (mlp-train.ts); intervals
//   are split-conformal residual quantiles per step (intervals.ts).
// - loadForecaster: the trained model, for fast single forecasts.
// - fitStatisticalForecaster: the fallback without TF.js (statistical.ts).
// - timeToThreshold: when the forecast and its interval reach a limit.
//
// Horizons longer than the network's are rolled forward: predictions are fed
// back as inputs, one pass per `horizon` steps. Their intervals come from
// rolled forecasts on held-out data up to 4 horizons (at most 512 steps, as
// far as the held-out data reaches) and grow like √k beyond that, so a long
// request is answered with honestly wide intervals rather than refused. A
// forecast may ask for at most MAX_FORECAST_STEPS (4096) steps.

export type { RegularSeries, ForecastModelMeta, TrainedForecastModel, ForecastResult, Forecaster, StatisticalMethod, ThresholdCrossing, ForecastTrainOptions, ResidualBands } from './types';
export { trainForecastModel, DEFAULTS as FORECAST_DEFAULTS } from './mlp-train';
export { loadForecaster } from './mlp-forecaster';
export { fitStatisticalForecaster, type StatisticalForecaster } from './statistical';
export { timeToThreshold } from './threshold';
export { MAX_FORECAST_STEPS } from './intervals';
