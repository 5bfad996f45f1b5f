import type { RunToFailureData } from './run-to-failure-csv';
import { fitStandardiser, rulTargets, standardise, type AssetRows, type Standardiser } from './windows';

// Which feature columns the model reads. Two kinds of column are dropped,
// judged on the training assets only and recorded in the model: constant
// columns (no information), and columns whose correlation with the (capped)
// RUL is below MIN_CORRELATION — in C-MAPSS FD001 the operating settings,
// which are control noise in a single-condition data set (|r| < 0.01). Fed to
// the network they cost ~0.5-1 RMSE: it fits their noise. When the screen
// would leave nothing, every non-constant column is kept.

export const MIN_CORRELATION = 0.05;

export interface FeatureChoice {
  standardiser: Standardiser;
  droppedConstant: { col: string; value: number }[];
  droppedUninformative: { col: string; correlation: number }[];
}

function correlation(x: Float32Array, k: number, j: number, y: Float64Array): number {
  const n = y.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i * k + j]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i * k + j]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export function chooseFeatures(data: RunToFailureData, training: AssetRows[], cap: number | null): FeatureChoice {
  const { standardiser: all, constant } = fitStandardiser(data, training.map((a) => a.rows));
  const f = data.featureCols.length;
  const firstRow = training[0]!.rows[0]!;
  const droppedConstant = constant.map((j) => ({ col: data.featureCols[j]!, value: data.features[firstRow * f + j]! }));
  const k = all.keep.length;
  if (k === 0) return { standardiser: all, droppedConstant, droppedUninformative: [] };

  const rows = Int32Array.from(training.flatMap((a) => Array.from(a.rows)));
  const x = standardise(data, rows, all);
  const y = Float64Array.from(training.flatMap((a) => Array.from(rulTargets(data, a.rows, cap))));
  const corr = all.keep.map((_, i) => correlation(x, k, i, y));
  const informative = corr.map((r, i) => (Math.abs(r) >= MIN_CORRELATION ? i : -1)).filter((i) => i >= 0);
  if (informative.length === 0 || informative.length === k) return { standardiser: all, droppedConstant, droppedUninformative: [] };
  const standardiser: Standardiser = {
    keep: informative.map((i) => all.keep[i]!),
    mean: informative.map((i) => all.mean[i]!),
    std: informative.map((i) => all.std[i]!),
  };
  const droppedUninformative = corr
    .map((r, i) => ({ col: data.featureCols[all.keep[i]!]!, correlation: r }))
    .filter((c) => Math.abs(c.correlation) < MIN_CORRELATION);
  return { standardiser, droppedConstant, droppedUninformative };
}
