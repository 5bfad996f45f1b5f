import type { IntervalBand } from './rul-meta';
import { bandFor } from './rul-meta';

// The RUL interval is split-conformal: residuals (true − predicted RUL) of
// windows from assets held out of fitting give the offsets that cover `level`
// of them. Errors depend strongly on the prediction — near failure the
// degradation is plain and errors are a few cycles; at the cap a healthy
// engine may be anywhere from 100 to 300 cycles from failure — so the
// calibration windows are split into bands of predicted RUL (terciles), each
// with its own offsets. Windows of one asset are correlated, so the effective
// sample is nearer the number of held-out assets than the number of windows:
// the empirical coverage on the validation assets (val_coverage) is the check.
// The residuals are against the true, uncapped RUL at the rows the test
// protocol may cut at (truncation.ts), so the upper bound of an estimate at
// the cap says how far beyond the cap the truth may lie, and is not clipped.

/** Fewer calibration windows than this in a band merge it with its neighbour. */
const MIN_BAND_WINDOWS = 150;
const MAX_BANDS = 3;

function sortedNumeric(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/** Conformal offsets of one group of residuals: ranks chosen so coverage is at least `level` for exchangeable data. */
function offsets(residuals: Float64Array, level: number): { lower: number; upper: number } {
  const r = sortedNumeric(residuals);
  const n = r.length;
  const alpha = 1 - level;
  const hi = Math.min(n - 1, Math.ceil((n + 1) * (1 - alpha / 2)) - 1);
  const lo = Math.max(0, Math.floor((n + 1) * (alpha / 2)) - 1);
  // Clamped through zero so that lower <= prediction <= upper always holds.
  return { lower: Math.min(0, r[lo]!), upper: Math.max(0, r[hi]!) };
}

/** Bands of predicted RUL and their offsets, from held-out predictions and true (capped) RUL. */
export function calibrateBands(predicted: Float64Array, truth: Float64Array, level: number): IntervalBand[] {
  const n = predicted.length;
  const count = Math.max(1, Math.min(MAX_BANDS, Math.floor(n / MIN_BAND_WINDOWS)));
  const sorted = sortedNumeric(predicted);
  const cuts: number[] = [];
  for (let b = 1; b < count; b++) {
    const cut = sorted[Math.floor((b * n) / count)]!;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  const bands: IntervalBand[] = [];
  for (let b = 0; b <= cuts.length; b++) {
    const from = b === 0 ? -Infinity : cuts[b - 1]!;
    const upTo = b === cuts.length ? null : cuts[b]!;
    const res: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = predicted[i]!;
      if (p > from && (upTo === null || p <= upTo)) res.push(truth[i]! - p);
    }
    if (res.length === 0) continue;
    bands.push({ upTo, ...offsets(Float64Array.from(res), level), windows: res.length });
  }
  // A dropped empty band leaves the previous band's bound as the last one: open it up.
  bands[bands.length - 1]!.upTo = null;
  return bands;
}

/** The interval around a predicted RUL, never below 0. */
export function intervalFor(bands: readonly IntervalBand[], value: number): { lower: number; upper: number } {
  const band = bandFor(bands, value);
  return { lower: Math.max(0, value + band.lower), upper: value + band.upper };
}
