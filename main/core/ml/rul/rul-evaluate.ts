import { seededRandom } from '../runtime/random';
import type { IntervalBand } from './rul-meta';
import { intervalFor } from './interval';

// Validation figures of a RUL model, all on assets held out of training and
// calibration, with the true RUL capped as in training (a prediction at the
// cap means "at least cap cycles"):
// - val_rmse / val_mae: over every window of the validation assets — one
//   ending at each of their rows, the first W−1 of each asset padded — so the
//   healthy start, the knee and the end of life all count.
// - val_rmse_truncated: at 5 seeded random truncation points per validation
//   asset (rows W..last, or all rows of a shorter asset), like the C-MAPSS test
//   sets, which end each engine at a random cycle before failure.
// - val_rmse_last: at each validation asset's last row (true RUL 0).
// - val_coverage: share of all validation windows whose true RUL lies within
//   the interval (nominal: the model's level).

export interface UnitPredictions {
  /** Predicted RUL (already clamped to [0, cap]) of each window, oldest first. */
  predicted: Float64Array;
  /** True RUL (capped) of each window. */
  truth: Float64Array;
}

const TRUNCATIONS_PER_UNIT = 5;

function rmse(errors: number[]): number {
  return Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / Math.max(1, errors.length));
}

export function validationMetrics(units: UnitPredictions[], bands: readonly IntervalBand[], cap: number | null, window: number, seed: number): Record<string, number> {
  const all: number[] = [];
  const last: number[] = [];
  const truncated: number[] = [];
  let covered = 0;
  let absSum = 0;
  const rand = seededRandom(seed ^ 0x7e57);
  for (const u of units) {
    const n = u.predicted.length;
    for (let i = 0; i < n; i++) {
      const p = u.predicted[i]!;
      const t = u.truth[i]!;
      all.push(p - t);
      absSum += Math.abs(p - t);
      const { lower, upper } = intervalFor(bands, p, cap);
      if (t >= lower && t <= upper) covered++;
    }
    last.push(u.predicted[n - 1]! - u.truth[n - 1]!);
    const from = n > window ? window - 1 : 0;
    for (let j = 0; j < TRUNCATIONS_PER_UNIT; j++) {
      const i = from + Math.floor(rand() * (n - from));
      truncated.push(u.predicted[i]! - u.truth[i]!);
    }
  }
  const n = Math.max(1, all.length);
  return {
    val_rmse: rmse(all),
    val_mae: absSum / n,
    val_bias: all.reduce((s, e) => s + e, 0) / n,
    val_rmse_truncated: rmse(truncated),
    val_rmse_last: rmse(last),
    val_coverage: covered / n,
    val_units: units.length,
    val_windows: all.length,
  };
}

/** RMSE of predictions against truth, over all windows. */
export function windowRmse(units: UnitPredictions[]): number {
  const errors: number[] = [];
  for (const u of units) for (let i = 0; i < u.predicted.length; i++) errors.push(u.predicted[i]! - u.truth[i]!);
  return rmse(errors);
}
