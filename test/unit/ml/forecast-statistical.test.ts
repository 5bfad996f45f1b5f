import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regularSeries } from '../../../main/core/ml/data/grid';
import { fitStatisticalForecaster, timeToThreshold, type ForecastResult } from '../../../main/core/ml/forecast';
import { MlInputError } from '../../../main/core/ml/ml-errors';

// The forecast without TF.js, on real sensors, and time to threshold: by
// hand, as properties, and on C-MAPSS engines whose sensors drift towards
// failure (FD001: 100 engines run to failure, one row per cycle).

const DATASETS = join(__dirname, '..', '..', '..', 'assets', 'datasets');

function nab(file: string): Float32Array {
  const lines = readFileSync(join(DATASETS, 'nab', file), 'utf8').trim().split(/\r?\n/).slice(1);
  return Float32Array.from(lines.map((l) => Number(l.split(',')[1])));
}

const cmapss = readFileSync(join(DATASETS, 'cmapss', 'train_FD001.txt'), 'utf8').trim().split(/\r?\n/).map((l) => l.trim().split(/\s+/).map(Number));
/** One engine's sensor (s1..s21) per cycle. */
function engine(unit: number, sensor: number): Float32Array {
  return Float32Array.from(cmapss.filter((r) => r[0] === unit).map((r) => r[4 + sensor]!));
}

/** Coverage and error of a forecaster fitted on the first 80% of a series, over every origin of the rest. */
function holdOut(v: Float32Array) {
  const cut = Math.floor(v.length * 0.8);
  const f = fitStatisticalForecaster({ values: v.slice(0, cut), stepMs: 300_000 }, { lookback: 48, horizon: 24 });
  let inside = 0;
  let total = 0;
  let err = 0;
  let persist = 0;
  for (let o = cut; o + 24 <= v.length; o++) {
    const r = f.forecast(v.subarray(0, o));
    for (let k = 0; k < 24; k++) {
      const y = v[o + k]!;
      if (y >= r.lower[k]! && y <= r.upper[k]!) inside++;
      err += Math.abs(y - r.value[k]!);
      persist += Math.abs(y - v[o - 1]!);
      total++;
    }
  }
  return { method: f.method, rule: f.rule, coverage: inside / total, relativeMae: err / persist };
}

/** First step (1-based) after `origin` values at which the sensor reaches the threshold. */
function actualCrossing(x: Float32Array, origin: number, threshold: number): number | null {
  for (let k = origin; k < x.length; k++) if (x[k]! >= threshold) return k - origin + 1;
  return null;
}

describe('statistical forecaster on real sensors', () => {
  it('picks a rule per sensor and keeps near-nominal coverage on unseen data', () => {
    // Taxi demand: the day's mean beats "no change" over 12 hours (measured 0.80 of persistence's error, coverage 0.91).
    const taxi = holdOut(nab('nyc_taxi.csv'));
    expect(taxi.rule).toBe('mean');
    expect(taxi.method).toBe('mean');
    expect(taxi.relativeMae).toBeLessThan(0.9);
    expect(taxi.coverage).toBeGreaterThan(0.8);
    expect(taxi.coverage).toBeLessThan(0.97);
    // A machine temperature wanders like a random walk: persistence it is (coverage measured 0.95).
    const machine = holdOut(nab('machine_temperature_system_failure.csv'));
    expect(machine.rule).toBe('last');
    expect(machine.method).toBe('persistence');
    expect(machine.coverage).toBeGreaterThan(0.8);
    expect(machine.coverage).toBeLessThan(0.97);
  });

  it('handles the shortest histories and refuses bad ones', () => {
    const two = fitStatisticalForecaster({ values: Float32Array.of(70, 72), stepMs: 60_000 });
    expect(two.lookback).toBe(1);
    const r = two.forecast(Float32Array.of(70, 72), 5);
    expect(Array.from(r.value)).toEqual([72, 72, 72, 72, 72]);
    expect(r.upper[4]! - r.value[4]!).toBeGreaterThan(r.upper[0]! - r.value[0]!);
    expect(r.lower[0]!).toBeLessThan(72);
    const short = fitStatisticalForecaster({ values: engine(1, 4).slice(0, 30), stepMs: 1 }, { lookback: 48 });
    expect(short.lookback).toBe(15);
    expect(short.forecast(engine(1, 4).slice(0, 30)).value).toHaveLength(24);
    expect(() => fitStatisticalForecaster({ values: Float32Array.of(1), stepMs: 1 })).toThrow(/need at least 2/);
    expect(() => fitStatisticalForecaster({ values: Float32Array.of(1, NaN, 2), stepMs: 1 })).toThrow(MlInputError);
    expect(() => fitStatisticalForecaster({ values: Float32Array.of(1, 2, 3), stepMs: 1 }, { horizon: 0 })).toThrow(/horizon/);
    expect(() => two.forecast(Float32Array.of(), 3)).toThrow(/needs the last 1 values/);
  });
});

describe('what a statistical forecast says it is', () => {
  // NAB machine temperature as stored (5-minute readings), with one more
  // reading two minutes after the last: the grid's last cell then holds two
  // readings, whose mean is not what the sensor last said.
  const lines = readFileSync(join(DATASETS, 'nab', 'machine_temperature_system_failure.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const ts = Float64Array.from(lines, (_, i) => i * 300_000);
  const values = Float64Array.from(lines, (l) => Number(l.split(',')[1]));
  const last = 83.17;
  const raw = { sensor: 'machine-temp', ts: Float64Array.of(...ts, ts[ts.length - 1]! + 120_000), values: Float64Array.of(...values, last) };

  it('repeats the last stored reading exactly when the method is persistence', () => {
    const series = regularSeries(raw);
    expect(series.stepMs).toBe(300_000);
    expect(series.values).toHaveLength(lines.length);
    const f = fitStatisticalForecaster({ values: series.values, stepMs: series.stepMs });
    expect(f.method).toBe('persistence');
    const r = f.forecast(series.values, 12);
    expect(Array.from(r.value)).toEqual(new Array(12).fill(last));
    for (let k = 0; k < 12; k++) {
      expect(r.lower[k]!).toBeLessThan(last);
      expect(r.upper[k]!).toBeGreaterThan(last);
      // Bounds are decimals of at most 15 significant digits, not float64 tails.
      expect(r.lower[k]).toBe(Number(r.lower[k]!.toPrecision(15)));
      expect(r.upper[k]).toBe(Number(r.upper[k]!.toPrecision(15)));
    }
  });

  it('names the rule it used when that is not persistence, and its values are not the last reading', () => {
    const taxi = nab('nyc_taxi.csv').slice(0, 3000);
    const f = fitStatisticalForecaster({ values: taxi, stepMs: 1_800_000 });
    expect(f.method).toBe('mean');
    const r = f.forecast(taxi, 6);
    let mean = 0;
    for (let i = taxi.length - f.lookback; i < taxi.length; i++) mean += taxi[i]!;
    expect(r.value[0]).toBe(Number((mean / f.lookback).toPrecision(15)));
    expect(r.value[0]).not.toBe(taxi[taxi.length - 1]);
  });
});

describe('time to threshold on a degrading engine (C-MAPSS FD001)', () => {
  it('brackets the cycle at which engine 1\'s s4 reaches 1425, seen 25 cycles before failure', () => {
    // s4 (LPT outlet temperature) of engine 1 starts near 1400 and climbs through
    // its last ~80 cycles; the engine fails after cycle 192.
    const s4 = engine(1, 4);
    expect(s4).toHaveLength(192);
    const origin = s4.length - 25;
    const history = s4.slice(0, origin);
    const f = fitStatisticalForecaster({ values: history, stepMs: 1 }, { lookback: 48, horizon: 100 });
    expect(f.rule).toMatch(/^trend/);
    expect(f.method).toBe('damped_trend');
    const c = timeToThreshold(f.forecast(history), 1425, 'above', history[origin - 1]);
    const actual = actualCrossing(s4, origin, 1425);
    expect(actual).not.toBeNull();
    expect(c.alreadyCrossed).toBe(false);
    expect(c.etaStep).not.toBeNull();
    expect(c.latestStep).not.toBeNull();
    expect(c.earliestStep!).toBeLessThanOrEqual(actual!);
    expect(actual!).toBeLessThanOrEqual(c.latestStep!);
    expect(c.earliestStep!).toBeLessThanOrEqual(c.etaStep!);
    expect(c.etaStep!).toBeLessThanOrEqual(c.latestStep!);
  });

  it('brackets most engines\' crossings 25 cycles before failure', () => {
    // Every FD001 engine, s4, threshold its own end-of-life level (mean of its last
    // 10 cycles). Measured: 76 of 97 bracketed. Degradation accelerates, and a
    // trend fitted on the past understates the slope ahead, so the bracket is
    // less reliable than the 90% per-step interval it is built from (further
    // ahead, 40 cycles before failure, it is ~58%).
    let bracketed = 0;
    let cases = 0;
    for (let unit = 1; unit <= 100; unit++) {
      const x = engine(unit, 4);
      let threshold = 0;
      for (let i = x.length - 10; i < x.length; i++) threshold += x[i]! / 10;
      const origin = x.length - 25;
      const history = x.slice(0, origin);
      const c = timeToThreshold(fitStatisticalForecaster({ values: history, stepMs: 1 }, { lookback: 48, horizon: 100 }).forecast(history), threshold, 'above', history[origin - 1]);
      if (c.alreadyCrossed) continue;
      cases++;
      const actual = actualCrossing(x, origin, threshold);
      if (actual !== null && c.earliestStep !== null && c.earliestStep <= actual && (c.latestStep === null || actual <= c.latestStep)) bracketed++;
    }
    expect(cases).toBeGreaterThan(90);
    expect(bracketed / cases).toBeGreaterThan(0.65);
  });
});

describe('timeToThreshold', () => {
  const f: ForecastResult = {
    value: Float64Array.of(10, 12, 14, 16, 18),
    lower: Float64Array.of(8, 9, 10, 11, 12),
    upper: Float64Array.of(12, 15, 18, 21, 24),
  };

  it('reads eta, earliest and latest from the forecast and its bounds', () => {
    expect(timeToThreshold(f, 14, 'above', 9)).toEqual({ etaStep: 3, earliestStep: 2, latestStep: null, alreadyCrossed: false });
    expect(timeToThreshold(f, 11, 'above', 9)).toEqual({ etaStep: 2, earliestStep: 1, latestStep: 4, alreadyCrossed: false });
    expect(timeToThreshold(f, 30, 'above', 9)).toEqual({ etaStep: null, earliestStep: null, latestStep: null, alreadyCrossed: false });
    expect(timeToThreshold(f, 9, 'below', 11)).toEqual({ etaStep: null, earliestStep: 1, latestStep: null, alreadyCrossed: false });
    expect(timeToThreshold(f, 9, 'below', 9)).toMatchObject({ alreadyCrossed: true });
    expect(timeToThreshold(f, 12, 'above', 12)).toMatchObject({ alreadyCrossed: true, etaStep: 2 });
    expect(timeToThreshold(f, 12, 'above')).toMatchObject({ alreadyCrossed: false });
  });

  it('refuses a non-finite threshold or an unknown direction', () => {
    expect(() => timeToThreshold(f, NaN, 'above')).toThrow(/threshold/);
    expect(() => timeToThreshold(f, 1, 'sideways' as 'above')).toThrow(/direction/);
  });

  it('orders earliest <= eta <= latest whenever the interval contains the forecast', () => {
    const step = fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.double({ min: -150, max: 150, noNaN: true }), fc.boolean(), (steps, threshold, above) => {
        const r: ForecastResult = {
          value: Float64Array.from(steps.map((s) => s[0])),
          lower: Float64Array.from(steps.map((s) => s[0] - s[1])),
          upper: Float64Array.from(steps.map((s) => s[0] + s[2])),
        };
        const c = timeToThreshold(r, threshold, above ? 'above' : 'below');
        if (c.etaStep !== null) {
          expect(c.earliestStep).not.toBeNull();
          expect(c.earliestStep!).toBeLessThanOrEqual(c.etaStep);
        }
        if (c.latestStep !== null) {
          expect(c.etaStep).not.toBeNull();
          expect(c.etaStep!).toBeLessThanOrEqual(c.latestStep);
        }
      }),
      { numRuns: 300 },
    );
  });
});
