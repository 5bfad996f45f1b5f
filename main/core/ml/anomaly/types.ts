import type { CalibrationSettings } from './calibrate';
import type { ModelArtifact } from '../runtime/artifact';
import type { DenseLayer } from './dense-pass';
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
  /** Time constant of the level baseline in rows (baseline.ts); absent or 0: none, the level stays the training rows'. */
  baselineRows?: number;
  /** Other calibration constants than calibrate.ts's: for the evaluation that chooses them (test/eval/choose-calibration.ts), not the API. */
  calibration?: Partial<CalibrationSettings>;
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
  /** The level baseline's time constant in rows (baseline.ts); absent: none. */
  baseline?: { rows: number };
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

/** One anomaly: where the scores say it was (periods.ts), and when its alarm was raised and cleared. */
export interface DetectedAnomaly {
  /** First row of the period: the first above-threshold row of the run that raised the alarm. */
  startIndex: number;
  /** Last row of the period: the last above-threshold row, less the window's reach (W - 1 rows). */
  endIndex: number;
  /** Row that raised the alarm (batch and online agree on it). */
  onsetIndex: number;
  /** Row that cleared the alarm; null when it was still on at the last row. */
  clearedIndex: number | null;
  /** Row with the highest score; the score at row t is that of rows t-W+1 .. t, so it may lie past endIndex. */
  peakIndex: number;
  peakScore: number;
  /** Largest first; shares sum to 1. */
  contributions: SensorShare[];
}

export interface SeriesScores {
  /** One per input row, as float32 decimals (runtime/decimals.ts); rows before the first full window score 0. */
  scores: Float64Array;
  /** 1 where the score is above the threshold. */
  above: Uint8Array;
  /** 1 inside a reported anomaly period (`anomalies`). */
  anomaly: Uint8Array;
  /** 1 while the alarm is on (the hysteresis state); its 0 -> 1 steps are the onsets. */
  alarm: Uint8Array;
  anomalies: DetectedAnomaly[];
}

export interface OnlineScore {
  /** As a float32 decimal; 0 until a full window has been seen. */
  score: number;
  /** The score is above the threshold. */
  above: boolean;
  /** The alarm is on after this reading. */
  anomaly: boolean;
  /** True on the reading that raised the alarm (the state's 0 -> 1 transition). */
  onset: boolean;
  /** True on the reading that cleared it (1 -> 0). */
  cleared: boolean;
  /** Which sensors explain the score; given while the alarm is on, null otherwise. */
  contributions: SensorShare[] | null;
}

/**
 * Everything an online scorer holds, as plain JSON numbers: the last rows it
 * saw (normalised, oldest first) and the alarm's counters. A scorer created
 * from it continues exactly as the one it was taken from would have.
 */
export interface OnlineScorerState {
  version: 1;
  /** The model it belongs to: its window, sensor count and threshold must match on restore. */
  window: number;
  sensors: number;
  threshold: number;
  /** Readings pushed so far, up to `window` (more are not needed). */
  filled: number;
  /** filled x sensors normalised values, oldest row first. */
  rows: number[];
  above: number;
  below: number;
  /** 1 while the alarm is on. */
  active: number;
  /** Each sensor's level baseline (normalised units), for a model whose baseline adapts (baseline.ts). */
  baseline?: number[];
}

export interface OnlineAnomalyScorer {
  /** One value per sensor, in detector.sensors order. */
  push(row: ArrayLike<number>): OnlineScore;
  /**
   * `count` rows at once (row-major count x sensors): the same results as
   * pushing them one by one, with one batched pass of the model. A bad
   * value refuses the whole batch and leaves the scorer as it was.
   */
  pushMany(rows: ArrayLike<number>, count: number): OnlineScore[];
  snapshot(): OnlineScorerState;
}

export interface AnomalyDetector {
  method: 'autoencoder' | 'statistical';
  sensors: string[];
  window: number;
  /** As a float32 decimal, like the scores: a score is above it exactly when its float32 is above the model's. */
  threshold: number;
  scoreSeries(data: SeriesMatrix): Promise<SeriesScores>;
  /** A fresh online scorer, or one resuming from a snapshot of this model's scorer. */
  createOnline(state?: OnlineScorerState): OnlineAnomalyScorer;
  /** The model as plain data, when online scoring can run without TF.js (an autoencoder: online-model.ts). */
  online?: OnlineModelSpec;
  dispose(): void;
}

/** What online scoring needs of a saved autoencoder, as plain data that a worker thread can be sent. */
export interface OnlineModelSpec {
  sensors: string[];
  window: number;
  norm: Normalisation;
  threshold: number;
  hysteresis: HysteresisSettings;
  parts: ScoreParts;
  layers: DenseLayer[];
  /** The level baseline's time constant in rows (absent or null: none). */
  baselineRows?: number | null;
}
