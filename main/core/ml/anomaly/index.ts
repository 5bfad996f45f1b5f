// Multivariate anomaly detection per asset: an autoencoder over windows of
// all the asset's sensors, or a statistical stand-in without TF.js.

export type {
  AnomalyDetector,
  AnomalyModelMeta,
  AnomalyTrainOptions,
  DetectedAnomaly,
  HysteresisSettings,
  Normalisation,
  OnlineAnomalyScorer,
  OnlineScore,
  OnlineScorerState,
  SensorShare,
  SeriesMatrix,
  SeriesScores,
  TrainedAnomalyModel,
} from './types';
export { trainAnomalyModel, DEFAULT_WINDOW, minTrainRows } from './autoencoder-train';
export { loadAnomalyDetector } from './autoencoder-detector';
export { DAY_MS, WEEK_MS, type SeasonalProfile } from './seasonal';
export { adjustCalibration, fitStatisticalDetector, type CalibrationAdjust, type StatisticalDetector } from './statistical';
