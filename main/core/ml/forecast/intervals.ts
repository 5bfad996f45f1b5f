import { MlInputError } from '../ml-errors';
import type { ForecastResult, ResidualBands } from './types';

// Prediction intervals from held-out residuals (split conformal, one
// quantile pair per step ahead). For nominal level 1 − α the lower and upper
// bounds are the ⌊(n+1)·α/2⌋-th and ⌈(n+1)·(1 − α/2)⌉-th smallest of n
// signed residuals, which covers with probability >= 1 − α when future
// errors are exchangeable with the calibration ones; with too few residuals
// for that rank the extreme residual is used (coverage then falls short of
// the guarantee). Bands are then widened to be monotone in the step, so an
// interval never narrows further ahead, and to contain the point forecast.
// Beyond the calibrated steps the last band grows like √k, the growth of a
// random walk's error: honest for drifting sensors, wide for stationary ones.

/** Largest horizon a forecast may ask for. */
export const MAX_FORECAST_STEPS = 4096;

export function checkLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new MlInputError(`level must be between 0 and 1 (e.g. 0.9), not ${level}`, { field: 'level' });
  return level;
}

/** Residual quantiles per step; residuals[k] holds the residuals of step k + 1. */
export function conformalBands(residuals: ArrayLike<number>[], level: number): ResidualBands {
  const alpha = 1 - level;
  const lo: number[] = [];
  const hi: number[] = [];
  for (const r of residuals) {
    const s = Float64Array.from(r).sort();
    const n = s.length;
    if (n === 0) break;
    const loRank = Math.max(1, Math.floor((n + 1) * (alpha / 2)));
    const hiRank = Math.min(n, Math.ceil((n + 1) * (1 - alpha / 2)));
    lo.push(Math.min(0, s[loRank - 1]!));
    hi.push(Math.max(0, s[hiRank - 1]!));
  }
  for (let k = 1; k < lo.length; k++) {
    lo[k] = Math.min(lo[k]!, lo[k - 1]!);
    hi[k] = Math.max(hi[k]!, hi[k - 1]!);
  }
  return { lo, hi };
}

/** The band at 1-based step k, extrapolated like √k beyond the calibrated steps. */
export function bandAt(b: ResidualBands, k: number): [number, number] {
  const K = b.lo.length;
  if (k <= K) return [b.lo[k - 1]!, b.hi[k - 1]!];
  const f = Math.sqrt(k / K);
  return [b.lo[K - 1]! * f, b.hi[K - 1]! * f];
}

/**
 * The forecast with its interval; `decimal` rounds each bound to the
 * precision of the forecast (runtime/decimals.ts), which never moves a
 * bound across the value.
 */
export function withBands(value: Float64Array, b: ResidualBands, decimal: (v: number) => number): ForecastResult {
  const lower = new Float64Array(value.length);
  const upper = new Float64Array(value.length);
  for (let k = 0; k < value.length; k++) {
    const [lo, hi] = bandAt(b, k + 1);
    const v = value[k]!;
    lower[k] = Math.min(v, decimal(v + lo));
    upper[k] = Math.max(v, decimal(v + hi));
  }
  return { value, lower, upper };
}

/** Share of observations inside [value + lo, value + hi], given residuals per step. */
export function coverage(residuals: ArrayLike<number>[], b: ResidualBands): number {
  let inside = 0;
  let total = 0;
  residuals.forEach((r, k) => {
    const [lo, hi] = bandAt(b, k + 1);
    for (let i = 0; i < r.length; i++) {
      if (r[i]! >= lo && r[i]! <= hi) inside++;
      total++;
    }
  });
  return total === 0 ? NaN : inside / total;
}

export function checkHorizon(horizon: number): number {
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_FORECAST_STEPS) {
    throw new MlInputError(`horizon must be an integer from 1 to ${MAX_FORECAST_STEPS}, not ${horizon}`, { field: 'horizon' });
  }
  return horizon;
}

/** The last `lookback` values of `recent`, refused when too few or not finite. */
export function lastWindow(recent: ArrayLike<number>, lookback: number): Float64Array {
  if (recent.length < lookback) {
    throw new MlInputError(`a forecast needs the last ${lookback} values, got ${recent.length}`, { field: 'recent' });
  }
  const out = new Float64Array(lookback);
  const off = recent.length - lookback;
  for (let i = 0; i < lookback; i++) {
    const v = recent[off + i]!;
    if (!Number.isFinite(v)) throw new MlInputError(`recent value ${off + i} is ${String(v)}, not a finite number`, { field: 'recent' });
    out[i] = v;
  }
  return out;
}
