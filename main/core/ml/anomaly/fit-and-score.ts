import { quietContext, type TrainContext } from '../runtime/train-context';
import { loadAnomalyDetector } from './autoencoder-detector';
import { trainAnomalyModel } from './autoencoder-train';
import { fitStatisticalDetector } from './statistical';
import type { CalibrationSettings } from './calibrate';
import type { SeasonalProfile } from './seasonal';
import type { AnomalyDetector, SeriesMatrix, SeriesScores } from './types';

// Batch detection in one call: fit on rows taken as normal, score a series.
// `smc score` and the NAB evaluation both go through here, so the benchmark
// measures exactly what the command does.

export interface FitAndScoreOptions {
  window?: number;
  epochs?: number;
  /** Time constant of the level baseline in rows (baseline.ts; default 0: none). */
  baselineRows?: number;
  /** Use the statistical detector (no TF.js), as in safe mode. */
  statistical?: boolean;
  /** Other calibration constants (the evaluation that chooses them). */
  calibration?: Partial<CalibrationSettings>;
  /** The statistical detector looks for a daily or weekly pattern in the training rows (seasonal.ts; default true). */
  seasonal?: boolean;
  ctx?: TrainContext;
}

export interface FitAndScoreResult {
  method: AnomalyDetector['method'];
  window: number;
  threshold: number;
  scores: SeriesScores;
  /** Training metrics (the autoencoder's; empty for the statistical detector). */
  metrics: Record<string, number>;
  /** The daily or weekly profile the statistical detector took out (seasonal.ts); null for the autoencoder and where none was found. */
  seasonal: SeasonalProfile | null;
}

export async function fitAndScore(train: SeriesMatrix, data: SeriesMatrix, opts: FitAndScoreOptions = {}): Promise<FitAndScoreResult> {
  let detector: AnomalyDetector;
  let metrics: Record<string, number> = {};
  let seasonal: SeasonalProfile | null = null;
  // Options left undefined take each detector's own defaults.
  const shared = { window: opts.window, baselineRows: opts.baselineRows, calibration: opts.calibration };
  if (opts.statistical) {
    const d = fitStatisticalDetector(train, { ...shared, seasonal: opts.seasonal });
    seasonal = d.seasonal;
    detector = d;
  } else {
    const trained = await trainAnomalyModel(train, { ...shared, epochs: opts.epochs }, opts.ctx ?? quietContext());
    metrics = trained.metrics;
    detector = await loadAnomalyDetector(trained.artifact, trained.meta);
  }
  try {
    const scores = await detector.scoreSeries(data);
    return { method: detector.method, window: detector.window, threshold: detector.threshold, scores, metrics, seasonal };
  } finally {
    detector.dispose();
  }
}
