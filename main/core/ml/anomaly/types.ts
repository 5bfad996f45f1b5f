import type { ModelArtifact } from '../runtime/artifact';
import type { ScoreParts } from './score-parts';

// The anomaly detector's public shapes. The HTTP service, the worker and
// `smc score` are written against these; the implementation behind them is
// an autoencoder (anomaly/autoencoder-*.ts) or, when models are disabled or
// absent, a statistical detector (anomaly/statistical.ts).

/** One asset's sensors on a common time grid. */
export interface SeriesMatrix {
  sensors: string[];
  timestamps: Float64Array;
  /** Row-major rows x sensors; every value finite. The model reads them as float32 once normalised. */
  values: Float32Array | Float64Array;
}

export interface AnomalyTrainOptions {
  /** Rows per window (default 24). */
  window?: number;
  epochs?: number;
  batchSize?: number;
  /** Share of the windows, taken from the end, held out for validation and calibration (default 0.2). */
  validationFraction?: number;
}

/**
 * When the anomaly state switches. It enters after `enterSteps` consecutive
 * scores above the threshold, or at once on a score above
 * `immediateRatio` x threshold, and leaves after `exitSteps` consecutive
 * scores below `exitRatio` x threshold — so a score wandering around the
 * threshold raises one alarm, not one per crossing, while a gross excursion
 * is not held back.
 */
export interface HysteresisSettings {
  enterSteps: number;
  immediateRatio: number;
  exitSteps: number;
  exitRatio: number;
}

/** Column statistics of the training rows; inputs are (x - mean) / std. */
export interface Normalisation {
  mean: number[];
  std: number[];
}

/** Everything besides the weights that a saved autoencoder needs; JSON-safe. */
export type AnomalyModelMeta = {
  format: 'smc-anomaly-ae/1';
  sensors: string[];
  window: number;
  normalisation: Normalisation;
  /** How shape and level errors make a sensor's error (score-parts.ts). */
  parts: ScoreParts;
  threshold: number;
  hysteresis: HysteresisSettings;
  /** Layer sizes of the encoder (the decoder mirrors it), for the direct forward pass. */
  layers: number[];
  activation: 'tanh';
};

export interface TrainedAnomalyModel {
  artifact: ModelArtifact;
  meta: AnomalyModelMeta;
  /** Includes val_recon_error (mean normalised reconstruction error of held-out windows) and threshold. */
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  trainRows: number;
}

export interface SensorShare {
  sensor: string;
  share: number;
}

export interface DetectedAnomaly {
  /** Row at which the anomaly state was entered (the alarm). */
  startIndex: number;
  /** Last row in the anomaly state. */
  endIndex: number;
  peakIndex: number;
  peakScore: number;
  /** Largest first; shares sum to 1. */
  contributions: SensorShare[];
}

export interface SeriesScores {
  /** One per input row; rows before the first full window score 0. */
  scores: Float32Array;
  /** 1 while the (hysteresis) state is anomalous. */
  anomaly: Uint8Array;
  anomalies: DetectedAnomaly[];
}

export interface OnlineScore {
  score: number;
  anomaly: boolean;
  /** True on the reading that raised the alarm (the state's 0 -> 1 transition). */
  onset: boolean;
  /** Which sensors explain the score; given while the state is anomalous, null otherwise. */
  contributions: SensorShare[] | null;
}

export interface OnlineAnomalyScorer {
  /** One value per sensor, in detector.sensors order. */
  push(row: ArrayLike<number>): OnlineScore;
}

export interface AnomalyDetector {
  method: 'autoencoder' | 'statistical';
  sensors: string[];
  window: number;
  threshold: number;
  scoreSeries(data: SeriesMatrix): Promise<SeriesScores>;
  createOnline(): OnlineAnomalyScorer;
  dispose(): void;
}
