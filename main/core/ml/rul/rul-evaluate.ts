import { seededRandom } from '../runtime/random';
import { calibrateBands, intervalFor } from './interval';
import type { IntervalBand } from './rul-meta';
import { nasaScore, rmse } from './rul-scores';
import { drawCuts, eligibleCuts, type TruncationProtocol } from './truncation';

// The validation figures of a RUL model, all cross-validated by asset: each
// asset is predicted by the member that never saw it (its fold's), at cuts
// drawn by the test protocol (truncation.ts), against its true, uncapped RUL
// — what a test set's RUL file gives. The estimate at a row is the one
// predict returns for the history ending there: the windows ending at it and
// at the rows before it averaged (rul-average.ts), so the figures, the bands
// and their coverage are all of that averaged estimate. Nothing here was
// chosen on these assets: epochs were picked on inner validation assets of
// the other folds.
// The interval is checked the same way: the coverage on fold k's cuts comes
// from bands calibrated on the other folds' held-out rows only.
//
// - val_rmse, val_mae, val_bias, val_nasa_score: at the protocol's cuts. The
//   NASA score is summed over assets (each asset: the mean over its cuts),
//   like the score of a test set of that many engines.
// - val_rmse_capped: the same cuts against the capped RUL.
// - val_coverage: share of the cuts whose true RUL lies in the interval.
// - val_rmse_all_windows, val_rmse_last: every row of every held-out asset
//   (capped), and its last row. Not the reported figure: the healthy plateau
//   is easy and dominates the first; the second is only the end of life.

export interface HeldOutAsset {
  asset: string;
  fold: number;
  /** Estimated RUL at each row (its window and those before it averaged, as predict does), by the member that did not see this asset. */
  predicted: Float64Array;
  capped: Float64Array;
  truth: Float64Array;
}

export interface HeldOutCut {
  asset: string;
  fold: number;
  row: number;
  predicted: number;
  truth: number;
  lower: number;
  upper: number;
}

/** Held-out predictions and true RUL over every row the protocol may cut at, for calibration. */
function calibrationPairs(assets: HeldOutAsset[], p: TruncationProtocol): { predicted: Float64Array; truth: Float64Array } {
  const pred: number[] = [];
  const truth: number[] = [];
  for (const a of assets) {
    for (const i of eligibleCuts(a.truth, p)) {
      pred.push(a.predicted[i]!);
      truth.push(a.truth[i]!);
    }
  }
  return { predicted: Float64Array.from(pred), truth: Float64Array.from(truth) };
}

/** Interval bands from held-out rows of the given assets. */
export function bandsFrom(assets: HeldOutAsset[], p: TruncationProtocol, level: number): IntervalBand[] {
  const { predicted, truth } = calibrationPairs(assets, p);
  return calibrateBands(predicted, truth, level);
}

/** The protocol's cuts of every held-out asset, with the cross-fitted interval at each. */
export function heldOutCuts(assets: HeldOutAsset[], p: TruncationProtocol, level: number, seed: number): HeldOutCut[] {
  const rand = seededRandom(seed ^ 0x7e57);
  const folds = [...new Set(assets.map((a) => a.fold))].sort((x, y) => x - y);
  const bandsOf = new Map<number, IntervalBand[]>();
  for (const f of folds) {
    const others = assets.filter((a) => a.fold !== f);
    // One fold alone has no other fold to calibrate on: its own rows it is (and says so in `val_coverage_in_sample`).
    bandsOf.set(f, bandsFrom(others.length > 0 ? others : assets, p, level));
  }
  const cuts: HeldOutCut[] = [];
  for (const a of assets) {
    for (const row of drawCuts(a.truth, p, rand)) {
      const predicted = a.predicted[row]!;
      cuts.push({ asset: a.asset, fold: a.fold, row, predicted, truth: a.truth[row]!, ...intervalFor(bandsOf.get(a.fold)!, predicted) });
    }
  }
  return cuts;
}

/** RMSE, MAE, bias, NASA score (summed over assets) and coverage of a set of cuts. */
export function cutFigures(cuts: HeldOutCut[]): { rmse: number; mae: number; bias: number; nasa: number; coverage: number; assets: number } {
  const d = cuts.map((c) => c.predicted - c.truth);
  const perAsset = new Map<string, { sum: number; n: number }>();
  for (const c of cuts) {
    const s = perAsset.get(c.asset) ?? { sum: 0, n: 0 };
    s.sum += nasaScore(c.predicted - c.truth);
    s.n++;
    perAsset.set(c.asset, s);
  }
  let nasa = 0;
  for (const s of perAsset.values()) nasa += s.sum / s.n;
  const n = Math.max(1, d.length);
  return {
    rmse: rmse(d),
    mae: d.reduce((s, e) => s + Math.abs(e), 0) / n,
    bias: d.reduce((s, e) => s + e, 0) / n,
    nasa,
    coverage: cuts.filter((c) => c.truth >= c.lower && c.truth <= c.upper).length / n,
    assets: perAsset.size,
  };
}

export function validationMetrics(assets: HeldOutAsset[], cuts: HeldOutCut[], cap: number | null): Record<string, number> {
  const f = cutFigures(cuts);
  const capped = cuts.map((c) => c.predicted - (cap === null ? c.truth : Math.min(cap, c.truth)));
  const all: number[] = [];
  const last: number[] = [];
  for (const a of assets) {
    for (let i = 0; i < a.predicted.length; i++) all.push(a.predicted[i]! - a.capped[i]!);
    last.push(a.predicted[a.predicted.length - 1]! - a.truth[a.truth.length - 1]!);
  }
  return {
    val_rmse: f.rmse,
    val_mae: f.mae,
    val_bias: f.bias,
    val_nasa_score: f.nasa,
    val_rmse_capped: rmse(capped),
    val_coverage: f.coverage,
    val_units: f.assets,
    val_points: cuts.length,
    val_rmse_all_windows: rmse(all),
    val_rmse_last: rmse(last),
    val_coverage_in_sample: new Set(assets.map((a) => a.fold)).size < 2 ? 1 : 0,
  };
}
