import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDrift, kolmogorovSf, ksTwoSample, populationStabilityIndex } from '../../../main/core/ml/drift';
import { MlInputError } from '../../../main/core/ml/ml-errors';

// Drift measures on hand-checked cases, on SciPy's figures for real data
// (scipy 1.17 `ks_2samp(..., method='asymp')`), and on real NAB series: a
// machine running into a failure drifts, two ordinary weeks of taxi demand
// (each a whole weekly cycle) do not.

const DATASETS = join(__dirname, '..', '..', '..', 'assets', 'datasets');

function nab(file: string): { ts: string[]; values: number[] } {
  const lines = readFileSync(join(DATASETS, 'nab', file), 'utf8').trim().split(/\r?\n/).slice(1);
  const ts: string[] = [];
  const values: number[] = [];
  for (const l of lines) {
    const [t, v] = l.split(',');
    ts.push(t!);
    values.push(Number(v));
  }
  return { ts, values };
}

/** Values with from <= timestamp < to (NAB time stamps sort as text). */
function between(s: { ts: string[]; values: number[] }, from: string, to: string): number[] {
  return s.values.filter((_, i) => s.ts[i]! >= from && s.ts[i]! < to);
}

const OPTS = { minSamples: 30, pValueThreshold: 0.05, psiThreshold: 0.2 };

describe('two-sample Kolmogorov–Smirnov test', () => {
  it('matches hand-computed values', () => {
    // F_a − F_b peaks at x = 4: 1 − 1/4. Effective n = 4·4/8 = 2, and for
    // n·d >= n − 1 the tail is exactly 2(1 − d)^n = 2·0.25² = 0.125.
    const r = ksTwoSample([1, 2, 3, 4], [2.5, 5, 6, 7]);
    expect(r.statistic).toBeCloseTo(0.75, 12);
    expect(r.pValue).toBeCloseTo(0.125, 12);
    const disjoint = ksTwoSample([1, 2, 3, 4], [5, 6, 7, 8]);
    expect(disjoint).toEqual({ statistic: 1, pValue: 0 });
    const same = ksTwoSample([3, 1, 2, 5, 4, 9, 7], [9, 7, 5, 4, 3, 2, 1]);
    expect(same.statistic).toBe(0);
    expect(same.pValue).toBeCloseTo(1, 12);
  });

  it('steps tied values together', () => {
    // Cumulative shares at 1..5: a 0.3 0.5 0.9 1 1, b 1/11 4/11 6/11 10/11 1 → max |diff| at 3: 0.9 − 6/11.
    const r = ksTwoSample([1, 1, 1, 2, 2, 3, 3, 3, 3, 4], [1, 2, 2, 2, 3, 3, 4, 4, 4, 4, 5]);
    expect(r.statistic).toBeCloseTo(0.9 - 6 / 11, 12);
    expect(r.pValue).toBeCloseTo(0.4531266542896347, 6);
  });

  it.each([
    // [a from, a to, b from, b to] of nyc_taxi values, SciPy's statistic and p-value
    [0, 200, 200, 350, 0.31000000000000005, 7.727361488933572e-8],
    [0, 48, 48, 96, 0.16666666666666674, 0.46784339175000833],
    [1000, 1336, 1336, 1672, 0.11904761904761896, 0.01565155372729737],
    [0, 60, 300, 345, 0.2333333333333334, 0.09966663260599573],
    [5000, 5700, 5700, 5731, 0.20732718894009217, 0.13115920248769042],
  ])('matches scipy ks_2samp(asymp) on nyc_taxi[%i:%i] vs [%i:%i]', (a0, a1, b0, b1, d, p) => {
    const v = nab('nyc_taxi.csv').values;
    const r = ksTwoSample(v.slice(a0, a1), v.slice(b0, b1));
    expect(r.statistic).toBeCloseTo(d, 10);
    expect(Math.abs(r.pValue - p)).toBeLessThan(1e-6);
  });

  it('evaluates the finite-n Kolmogorov distribution in every regime like scipy.stats.kstwo.sf', () => {
    // n, d, kstwo.sf(d, n): Durbin matrix (n <= 140 and n = 1000), Pomeranz, Pelz–Good,
    // the Smirnov tail (n = 1000, d = 0.06; d >= 0.5) and the Ruben–Gambino ends.
    const cases: [number, number, number][] = [
      [10, 0.2, 0.7487190399999999],
      [50, 0.17, 0.0985837557925674],
      [100, 0.1, 0.2526927570063874],
      [140, 0.05, 0.8576480297656114],
      [1000, 0.01, 0.9999496745370611],
      [1000, 0.03, 0.3226902143914636],
      [1000, 0.06, 0.001428597887952891],
      [5000, 0.01, 0.6954557253913853],
      [200000, 0.003, 0.0545369786611305],
      [20, 0.6, 2.0483011649719853e-07],
      [7, 0.1, 0.9999899731574429],
      [5, 0.85, 0.0001518750000000001],
    ];
    for (const [n, d, p] of cases) expect(Math.abs(kolmogorovSf(n, d) - p), `n=${n} d=${d}`).toBeLessThan(1e-9);
  });

  it('refuses empty and non-finite samples', () => {
    expect(() => ksTwoSample([], [1])).toThrow(MlInputError);
    expect(() => ksTwoSample([1, NaN], [1])).toThrow(/first sample value 1 is NaN/);
    expect(() => ksTwoSample([1], [Infinity])).toThrow(/second sample value 0 is Infinity/);
  });

  it('has a statistic in [0, 1], symmetric in its samples, and a p-value in [0, 1]', () => {
    const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = ksTwoSample(a, b);
        const ba = ksTwoSample(b, a);
        expect(ab.statistic).toBeGreaterThanOrEqual(0);
        expect(ab.statistic).toBeLessThanOrEqual(1);
        expect(ab.pValue).toBeGreaterThanOrEqual(0);
        expect(ab.pValue).toBeLessThanOrEqual(1);
        expect(ba.statistic).toBeCloseTo(ab.statistic, 12);
        expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
        expect(ksTwoSample(a, a).statistic).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('population stability index', () => {
  it('is zero for identical samples and grows with a shift', () => {
    const v = nab('nyc_taxi.csv').values.slice(0, 2000);
    expect(populationStabilityIndex(v, v)).toBeCloseTo(0, 12);
    const small = populationStabilityIndex(v, v.map((x) => x + 500));
    const large = populationStabilityIndex(v, v.map((x) => x + 5000));
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeGreaterThan(0.25);
  });

  it('merges tied quantile edges and keeps empty bins finite', () => {
    // 70% of the reference reads 5: one merged edge at 5, not empty bins.
    const ref = [...Array(70).fill(5), ...Array.from({ length: 30 }, (_, i) => 6 + i)];
    expect(populationStabilityIndex(ref, ref)).toBeCloseTo(0, 12);
    // All recent values above the reference's range: large but finite.
    const psi = populationStabilityIndex(ref, Array(50).fill(1000));
    expect(Number.isFinite(psi)).toBe(true);
    expect(psi).toBeGreaterThan(5);
    // By hand, two bins: ref [1,2,3,4]: median edge 2.5 → shares 0.5/0.5; recent [1,1,1,4] → 0.75/0.25.
    expect(populationStabilityIndex([1, 2, 3, 4], [1, 1, 1, 4], 2)).toBeCloseTo(0.25 * Math.log(1.5) + -0.25 * Math.log(0.5), 12);
  });

  it('refuses bad input', () => {
    expect(() => populationStabilityIndex([1, 2], [1, NaN])).toThrow(/recent value 1 is NaN/);
    expect(() => populationStabilityIndex([1, 2], [1], 1)).toThrow(/bins/);
    expect(() => populationStabilityIndex([], [1])).toThrow(MlInputError);
  });

  it('is non-negative and zero against itself', () => {
    const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: 2, max: 20 }), (a, b, bins) => {
        expect(populationStabilityIndex(a, b, bins)).toBeGreaterThanOrEqual(0);
        expect(populationStabilityIndex(a, a, bins)).toBeCloseTo(0, 12);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkDrift on real sensors', () => {
  it('flags a machine running into its failure against a normal week (NAB machine_temperature)', () => {
    const m = nab('machine_temperature_system_failure.csv');
    const normal = between(m, '2013-12-29', '2014-01-05');
    // The two days before the labelled failure window that starts 2014-01-27 14:20.
    const before = between(m, '2014-01-25 14:20', '2014-01-27 14:20');
    const r = checkDrift(normal, before, OPTS);
    expect(r).toMatchObject({ status: 'drift', referenceCount: 2016, recentCount: 576 });
    expect(r.pValue!).toBeLessThan(1e-10);
    expect(r.psi!).toBeGreaterThan(0.25);
    expect(r.notes).toMatch(/significant shift/);
  });

  it('does not flag two ordinary weeks of taxi demand, and flags Thanksgiving week (NAB nyc_taxi)', () => {
    const t = nab('nyc_taxi.csv');
    for (const [a, b, c] of [['2014-07-07', '2014-07-14', '2014-07-21'], ['2014-10-06', '2014-10-13', '2014-10-20']] as const) {
      const r = checkDrift(between(t, a, b), between(t, b, c), OPTS);
      expect(r.status, `${a} vs ${b}: ${r.notes}`).toBe('ok');
      expect(r.recentCount).toBe(336);
      expect(r.pValue!).toBeGreaterThan(0.5);
      expect(r.psi!).toBeLessThan(0.1);
    }
    const thanksgiving = checkDrift(between(t, '2014-11-17', '2014-11-24'), between(t, '2014-11-24', '2014-12-01'), OPTS);
    expect(thanksgiving.status).toBe('drift');
    expect(thanksgiving.psi!).toBeGreaterThan(0.25);
  });

  it('reports insufficient data, leaves PSI out below 50 readings a side, and refuses non-finite values', () => {
    const v = nab('nyc_taxi.csv').values;
    const few = checkDrift(v.slice(0, 100), v.slice(100, 110), OPTS);
    expect(few).toMatchObject({ status: 'insufficient_data', referenceCount: 100, recentCount: 10, ks: null, pValue: null, psi: null });
    expect(few.notes).toMatch(/at least 30/);
    const small = checkDrift(v.slice(0, 40), v.slice(40, 80), OPTS);
    expect(small.status).not.toBe('insufficient_data');
    expect(small.psi).toBeNull();
    expect(small.ks).not.toBeNull();
    expect(small.notes).toMatch(/PSI not computed/);
    expect(() => checkDrift([1, 2, NaN], v.slice(0, 50), OPTS)).toThrow(MlInputError);
    expect(() => checkDrift(v.slice(0, 50), v.slice(0, 50), { ...OPTS, pValueThreshold: 0 })).toThrow(/pValueThreshold/);
  });
});
