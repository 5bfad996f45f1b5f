import { tooFewRows } from '../ml-errors';
import { doubleDecimal } from '../runtime/decimals';
import { checkHorizon, checkLevel, conformalBands, lastWindow, withBands } from './intervals';
import { checkSeries, checkSteps } from './series-checks';
import type { Forecaster, ForecastResult, RegularSeries, ResidualBands, StatisticalMethod } from './types';

// The forecast without TF.js (no trained model, or model loading disabled):
// a few transparent rules, backtested on the sensor's own history; the one
// with the lowest mean absolute error over the horizon on the most recent
// third of the backtest (the sensor's current behaviour) is used, and the
// forecaster's `method` says which (the answer's model_info.method):
//   persistence  — the last value, exactly as stored;
//   mean         — the mean of the last `lookback` values (noisy, level
//                  sensors);
//   damped_trend — a least-squares line through the last `lookback`
//                  values, or through their recent half (a more current
//                  slope), extrapolated with damping φ ∈ {0.9, 0.98, 1} per
//                  step (φ = 1: the straight line) — slowly degrading
//                  sensors: temperatures creeping up, wear.
// Arithmetic is float64 throughout; computed values are returned with 15
// significant digits (runtime/decimals.ts), a persistence forecast as the
// reading itself.
// Intervals are the backtest's residual quantiles per step over the whole
// history (split-conformal style, see intervals.ts); steps with fewer than
// MIN_RESIDUALS residuals are extrapolated like √k. A history too short for
// any residual gets a random-walk band from the spread of its first
// differences. The window is at most half the history, so a backtest exists.

const DEFAULT_LOOKBACK = 24;
const DEFAULT_HORIZON = 24;
const DEFAULT_LEVEL = 0.9;
const MAX_BACKTEST_ORIGINS = 1500;
const MIN_RESIDUALS = 20;
/** Rules are chosen on the most recent third of the backtest: the sensor's current behaviour. */
const SELECTION_SHARE = 1 / 3;

type Rule = { method: StatisticalMethod; name: string; predict(w: Float64Array, steps: number, out: Float64Array): void };

function lineFit(w: Float64Array): { end: number; slope: number } {
  const L = w.length;
  const tm = (L - 1) / 2;
  let ym = 0;
  for (let i = 0; i < L; i++) ym += w[i]!;
  ym /= L;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < L; i++) {
    sxy += (i - tm) * (w[i]! - ym);
    sxx += (i - tm) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { end: ym + slope * (L - 1 - tm), slope };
}

const RULES: Rule[] = [
  { method: 'persistence', name: 'last', predict: (w, s, out) => out.fill(w[w.length - 1]!, 0, s) },
  {
    method: 'mean',
    name: 'mean',
    predict: (w, s, out) => {
      let m = 0;
      for (let i = 0; i < w.length; i++) m += w[i]!;
      out.fill(m / w.length, 0, s);
    },
  },
  ...[0.9, 0.98, 1].flatMap((phi) => [1, 0.5].map((share): Rule => ({
    method: 'damped_trend',
    name: `trend(phi=${phi},share=${share})`,
    predict: (w, s, out) => {
      const { end, slope } = lineFit(share === 1 ? w : w.subarray(Math.floor(w.length * (1 - share))));
      let damp = 0;
      let p = 1;
      for (let k = 0; k < s; k++) {
        p *= phi;
        damp += p;
        out[k] = end + slope * damp;
      }
    },
  }))),
];

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Backtest origins (last observed index), newest first, at most MAX_BACKTEST_ORIGINS evenly spaced. */
function backtestOrigins(n: number, lookback: number): number[] {
  const first = lookback - 1;
  const last = n - 2;
  const stride = Math.max(1, Math.ceil((last - first + 1) / MAX_BACKTEST_ORIGINS));
  const out: number[] = [];
  for (let t = last; t >= first; t -= stride) out.push(t);
  return out;
}

/** Residuals (observed − predicted) of a rule per step ahead, up to `steps`. */
function residualsOf(rule: Rule, x: ArrayLike<number>, origins: number[], lookback: number, steps: number): number[][] {
  const w = new Float64Array(lookback);
  const pred = new Float64Array(steps);
  const residuals: number[][] = Array.from({ length: steps }, () => []);
  for (const t of origins) {
    for (let i = 0; i < lookback; i++) w[i] = x[t - lookback + 1 + i]!;
    const ahead = Math.min(steps, x.length - 1 - t);
    rule.predict(w, ahead, pred);
    for (let k = 0; k < ahead; k++) residuals[k]!.push(x[t + k + 1]! - pred[k]!);
  }
  return residuals;
}

/**
 * Chooses the rule with the lowest mean absolute error over the first
 * `horizon` steps on the most recent origins, then backtests it over
 * `steps` steps from every origin for its bands.
 */
function backtest(x: ArrayLike<number>, lookback: number, horizon: number, steps: number): { rule: Rule; residuals: number[][] } {
  const origins = backtestOrigins(x.length, lookback);
  const recent = origins.slice(0, Math.max(1, Math.ceil(origins.length * SELECTION_SHARE)));
  let best: { rule: Rule; mae: number } | null = null;
  for (const rule of RULES) {
    let abs = 0;
    let m = 0;
    for (const r of residualsOf(rule, x, recent, lookback, horizon)) {
      for (const e of r) abs += Math.abs(e);
      m += r.length;
    }
    const mae = m > 0 ? abs / m : Infinity;
    if (!best || mae < best.mae) best = { rule, mae };
  }
  return { rule: best!.rule, residuals: residualsOf(best!.rule, x, origins, lookback, steps) };
}

/** A random-walk band ±z·rms(Δx)·√k for histories too short to backtest. */
function randomWalkBands(x: ArrayLike<number>, level: number): ResidualBands {
  let ss = 0;
  for (let i = 1; i < x.length; i++) ss += (x[i]! - x[i - 1]!) ** 2;
  const rms = Math.sqrt(ss / Math.max(1, x.length - 1));
  const z = normalQuantile((1 + level) / 2);
  return { lo: [-z * rms], hi: [z * rms] };
}

/** A fitted statistical forecaster; `rule` names the exact variant chosen (e.g. `trend(phi=0.98,share=0.5)`). */
export type StatisticalForecaster = Forecaster & { method: StatisticalMethod; rule: string };

export function fitStatisticalForecaster(series: RegularSeries, opts: { lookback?: number; horizon?: number; level?: number } = {}): StatisticalForecaster {
  checkSeries(series);
  const x = series.values;
  if (x.length < 2) throw tooFewRows('a statistical forecast needs a history', x.length, 2, 'values');
  const horizon = checkHorizon(opts.horizon ?? DEFAULT_HORIZON);
  const level = checkLevel(opts.level ?? DEFAULT_LEVEL);
  // The window may not exceed half the history, so that the backtest has origins.
  const lookback = Math.min(checkSteps('lookback', opts.lookback ?? DEFAULT_LOOKBACK, 1, 4096), Math.max(1, Math.floor(x.length / 2)));
  // Calibrated like the trained model: up to 4 horizons (at most 512 steps) where the history reaches.
  const { rule, residuals } = backtest(x, lookback, horizon, Math.max(horizon, Math.min(4 * horizon, 512)));
  const usable = residuals.findIndex((r) => r.length < MIN_RESIDUALS);
  const calibrated = usable < 0 ? residuals : residuals.slice(0, usable);
  const bands = calibrated.length > 0 ? conformalBands(calibrated, level) : randomWalkBands(x, level);
  const w = new Float64Array(lookback);
  // A persistence forecast repeats a stored reading: nothing to round.
  const round = rule.method === 'persistence' ? (v: number) => v : doubleDecimal;
  return {
    method: rule.method,
    rule: rule.name,
    lookback,
    horizon,
    level,
    stepMs: series.stepMs,
    forecast(recent: ArrayLike<number>, steps = horizon): ForecastResult {
      checkHorizon(steps);
      w.set(lastWindow(recent, lookback));
      const out = new Float64Array(steps);
      rule.predict(w, steps, out);
      for (let k = 0; k < steps; k++) out[k] = round(out[k]!);
      return withBands(out, bands, doubleDecimal);
    },
    dispose() {},
  };
}
