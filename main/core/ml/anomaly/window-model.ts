import type { AnomalyDetector, HysteresisSettings, Normalisation } from './types';

// The contract between a detector's error model (the autoencoder's, or the
// statistical one's) and the scoring around it (windowed-detector.ts for a
// series, online-scorer.ts for one reading at a time).

export interface WindowErrorModel {
  method: AnomalyDetector['method'];
  sensors: string[];
  window: number;
  norm: Normalisation;
  threshold: number;
  hysteresis: HysteresisSettings;
  /** The level term's weight per sensor (baseline.ts: levelWeights). */
  levelWeights: number[];
  /** Time constant, in rows, of the level baseline (baseline.ts); null: the level stays the training rows'. */
  baselineRows: number | null;
  /**
   * Per-sensor errors of `count` consecutive windows over `rows` (normalised,
   * row-major, count + window - 1 rows): window k is rows [k, k + window).
   * Returns count x sensors values.
   */
  batch(rows: Float32Array, count: number): Promise<Float32Array>;
  /** Per-sensor errors of one window (window x sensors, oldest row first, overwritten), written to `out`. */
  one(win: Float32Array, out: Float32Array): void;
  /**
   * `one` over `count` windows laid end to end in `wins` (each window x
   * sensors, oldest row first, overwritten), errors to `out` (count x
   * sensors): the same arithmetic as `one`, so the same bits.
   */
  many(wins: Float32Array, count: number, out: Float32Array): void;
  dispose(): void;
}

/** Values per chunk of scoring (windows x window x sensors): ~16 MB of float32 in flight. */
export const CHUNK_VALUES = 4_000_000;

/** The raw score of a window: the mean of its per-sensor errors, rounded to float32 as a model output. */
export function meanError(errs: ArrayLike<number>, offset: number, s: number): number {
  let sum = 0;
  for (let j = 0; j < s; j++) sum += errs[offset + j]!;
  return Math.fround(sum / s);
}
