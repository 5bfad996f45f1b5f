import { describe, expect, it } from 'vitest';
import { assignFolds, foldCount, innerSplit } from '../../../main/core/ml/rul/engine-folds';
import { calibrateBands, intervalFor } from '../../../main/core/ml/rul/interval';
import { averagedSeries, combineEstimates } from '../../../main/core/ml/rul/rul-average';
import { cutFigures, heldOutCuts, type HeldOutAsset } from '../../../main/core/ml/rul/rul-evaluate';
import { nasaScore, nasaScoreSum, rmse } from '../../../main/core/ml/rul/rul-scores';
import { drawCuts, eligibleCuts, truncationProtocol } from '../../../main/core/ml/rul/truncation';
import { seededRandom } from '../../../main/core/ml/runtime/random';

// The pieces of the RUL validation protocol, without training: folds of
// whole assets, cuts drawn like the C-MAPSS test set, the NASA score, and an
// interval calibrated on some assets that must cover on others.

/** True RUL of each row of an asset of `life` rows, one per cycle: life-1 .. 0. */
const rulOf = (life: number) => Float64Array.from({ length: life }, (_, i) => life - 1 - i);

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('folds of whole assets', () => {
  it('puts every asset in exactly one fold, so no asset is on both sides of a split', () => {
    const n = 100;
    const fold = assignFolds(n, 5, 42);
    expect(fold).toHaveLength(n);
    const sizes = [0, 0, 0, 0, 0];
    for (const f of fold) sizes[f]!++;
    expect(sizes).toEqual([20, 20, 20, 20, 20]);
    for (let f = 0; f < 5; f++) {
      const held = new Set(Array.from(fold.keys()).filter((a) => fold[a] === f));
      const training = Array.from(fold.keys()).filter((a) => fold[a] !== f);
      expect(training.some((a) => held.has(a))).toBe(false);
      expect(training.length + held.size).toBe(n);
      const { fit, inner } = innerSplit(training, 0.15, f);
      expect(inner).toHaveLength(12);
      expect(new Set([...fit, ...inner]).size).toBe(training.length);
      expect(fit.some((a) => inner.includes(a) || held.has(a))).toBe(false);
      expect(inner.some((a) => held.has(a))).toBe(false);
    }
    // Seeded: the same folds from the same seed, others from another.
    expect(assignFolds(n, 5, 42)).toEqual(fold);
    expect(assignFolds(n, 5, 43)).not.toEqual(fold);
  });

  it('needs at least one asset per fold and two folds; one training asset has no inner split', () => {
    expect(foldCount(100, 5)).toBe(5);
    expect(foldCount(3, 5)).toBe(3);
    expect(foldCount(2, 5)).toBe(2);
    expect(innerSplit([7], 0.15, 1)).toEqual({ fit: [7], inner: [] });
    expect(innerSplit([7, 8], 0.15, 1).inner).toHaveLength(1);
  });
});

describe('cuts drawn like the C-MAPSS test set', () => {
  it('derives the FD001 protocol from the cap: true RUL 7-145, at least 31 rows kept', () => {
    expect(truncationProtocol(125, 30, [200])).toEqual({ minRul: 7, maxRul: 145, minHistory: 31, draws: 10 });
    // Without a cap: up to half the median life before failure, and at least one window kept.
    expect(truncationProtocol(null, 20, [100, 300, 200])).toMatchObject({ maxRul: 100, minRul: 5, minHistory: 20 });
  });

  it('cuts only where the true RUL is in range and the history long enough, uniformly over the true RUL', () => {
    const p = truncationProtocol(125, 30, [200]);
    const rul = rulOf(200);
    const eligible = eligibleCuts(rul, p);
    expect(eligible[0]).toBe(200 - 1 - 145);
    expect(eligible.at(-1)).toBe(200 - 1 - 7);
    const rand = seededRandom(1);
    const seen: number[] = [];
    for (let i = 0; i < 2_000; i++) seen.push(...drawCuts(rul, p, rand).map((row) => rul[row]!));
    expect(Math.min(...seen)).toBe(7);
    expect(Math.max(...seen)).toBe(145);
    // Uniform on 7..145: mean 76, and each third of the range gets a third of the cuts.
    const mean = seen.reduce((s, v) => s + v, 0) / seen.length;
    expect(mean).toBeGreaterThan(75);
    expect(mean).toBeLessThan(77);
    const low = seen.filter((v) => v < 53).length / seen.length;
    expect(low).toBeGreaterThan(0.32);
    expect(low).toBeLessThan(0.35);
  });

  it('keeps the history: a short asset is cut only after minHistory rows, and falls back when it has none in range', () => {
    const p = truncationProtocol(125, 30, [200]);
    // 100 rows: RUL 99..0; rows from index 30 (RUL 69) down to RUL 7.
    const cuts = eligibleCuts(rulOf(100), p);
    expect(cuts[0]).toBe(30);
    expect(rulOf(100)[cuts.at(-1)!]).toBe(7);
    // 20 rows, none with 31 rows of history: any row within 145 of the end.
    expect(eligibleCuts(rulOf(20), p)).toHaveLength(20);
    // A single row: that row.
    expect(eligibleCuts(rulOf(1), p)).toEqual([0]);
  });
});

describe('the NASA score', () => {
  it('costs a late estimate more than an early one, by hand-worked values', () => {
    expect(nasaScore(0)).toBe(0);
    expect(nasaScore(10)).toBeCloseTo(Math.E - 1, 12); // late by 10: e^1 − 1 = 1.71828
    expect(nasaScore(-13)).toBeCloseTo(Math.E - 1, 12); // early by 13: the same cost
    expect(nasaScore(20)).toBeCloseTo(6.389056, 6); // e^2 − 1
    expect(nasaScore(-26)).toBeCloseTo(6.389056, 6);
    expect(nasaScore(-10)).toBeCloseTo(1.158106, 6); // e^(10/13) − 1 = 2.158106 − 1
    expect(nasaScore(5)).toBeGreaterThan(nasaScore(-5));
    expect(nasaScoreSum([10, -13, 0])).toBeCloseTo(2 * (Math.E - 1), 12);
    expect(rmse([3, -4])).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('sums over assets, each asset the mean over its cuts', () => {
    const cut = (asset: string, predicted: number, truth: number) => ({ asset, fold: 0, row: 0, predicted, truth, lower: 0, upper: 200 });
    const f = cutFigures([cut('a', 20, 10), cut('a', 10, 10), cut('b', 0, 13)]);
    expect(f.nasa).toBeCloseTo((Math.E - 1) / 2 + (Math.E - 1), 12);
    expect(f.rmse).toBeCloseTo(Math.sqrt((100 + 0 + 169) / 3), 12);
    expect(f.bias).toBeCloseTo((10 + 0 - 13) / 3, 12);
    expect(f.coverage).toBe(1);
    expect(f.assets).toBe(2);
  });
});

describe('the interval on held-out data', () => {
  /** Seeded estimates whose error grows with the estimate, as RUL errors do. */
  function sample(n: number, seed: number): { predicted: Float64Array; truth: Float64Array } {
    const rand = seededRandom(seed);
    const predicted = new Float64Array(n);
    const truth = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      predicted[i] = 125 * rand();
      truth[i] = Math.max(0, predicted[i]! + (2 + 0.15 * predicted[i]!) * gaussian(rand));
    }
    return { predicted, truth };
  }

  it('covers its nominal level on fresh data, and widens with the estimate', () => {
    const cal = sample(3_000, 1);
    const bands = calibrateBands(cal.predicted, cal.truth, 0.9);
    expect(bands).toHaveLength(3);
    expect(bands[2]!.upper - bands[2]!.lower).toBeGreaterThan(2 * (bands[0]!.upper - bands[0]!.lower));
    const test = sample(3_000, 2);
    let covered = 0;
    for (let i = 0; i < test.predicted.length; i++) {
      const { lower, upper } = intervalFor(bands, test.predicted[i]!);
      expect(lower).toBeGreaterThanOrEqual(0);
      expect(lower).toBeLessThanOrEqual(test.predicted[i]!);
      expect(upper).toBeGreaterThanOrEqual(test.predicted[i]!);
      if (test.truth[i]! >= lower && test.truth[i]! <= upper) covered++;
    }
    const coverage = covered / test.predicted.length;
    expect(coverage).toBeGreaterThan(0.88);
    expect(coverage).toBeLessThan(0.92);
  });

  it('calibrates the interval of a fold on the other folds only', () => {
    const p = truncationProtocol(125, 30, [200]);
    const rand = seededRandom(3);
    const assets: HeldOutAsset[] = Array.from({ length: 30 }, (_, a) => {
      const truth = rulOf(150 + a);
      const predicted = Float64Array.from(truth, (t) => Math.min(125, Math.max(0, t + 8 * gaussian(rand))));
      return { asset: `e${a}`, fold: a % 3, predicted, capped: Float64Array.from(truth, (t) => Math.min(125, t)), truth };
    });
    const cuts = heldOutCuts(assets, p, 0.9, 7);
    expect(cuts).toHaveLength(300);
    expect(cuts.every((c) => c.truth >= p.minRul && c.truth <= p.maxRul)).toBe(true);
    const coverage = cutFigures(cuts).coverage;
    expect(coverage).toBeGreaterThan(0.84);
    expect(coverage).toBeLessThan(0.96);
    // Making fold 0's estimates wildly wrong changes no interval width of fold 0, only of the others.
    const worse = assets.map((a) => (a.fold === 0 ? { ...a, predicted: Float64Array.from(a.predicted, (v, i) => (i % 2 ? 0 : v)) } : a));
    const again = heldOutCuts(worse, p, 0.9, 7);
    const width = (c: { lower: number; upper: number; predicted: number }): [number, number] => [c.predicted - c.lower, c.upper - c.predicted];
    const bandOf = (list: typeof cuts, fold: number) => list.filter((c) => c.fold === fold && c.predicted > 0 && c.lower > 0).map(width);
    expect(bandOf(again, 0).length).toBeGreaterThan(0);
    for (const [lo, hi] of bandOf(again, 0)) expect(bandOf(cuts, 0).some(([l, h]) => Math.abs(l - lo) < 1e-9 && Math.abs(h - hi) < 1e-9)).toBe(true);
    expect(JSON.stringify(bandOf(again, 1))).not.toEqual(JSON.stringify(bandOf(cuts, 1)));
  });
});

describe('averaging an asset\'s latest estimates', () => {
  it('ages each estimate by the rows since its window, clamps it to [0, cap], and takes the mean', () => {
    // Newest first: 50 now, 52 one row ago (50 now), 60 two rows ago (58 now).
    expect(combineEstimates([50, 52, 60], 125)).toBeCloseTo((50 + 51 + 58) / 3, 12);
    // A window that foresaw failure within the rows since counts as 0, not less.
    expect(combineEstimates([1, 0.5, 1], 125)).toBeCloseTo((1 + 0 + 0) / 3, 12);
    expect(combineEstimates([125, 125], 125)).toBe(124.5);
    expect(combineEstimates([300, 300], null)).toBe(299.5);
    expect(combineEstimates([7], 125)).toBe(7);
  });

  it('gives at each row what predict gives for the history ending there, with fewer windows where it is shorter', () => {
    const perRow = Float64Array.from([125, 120, 118, 110, 111, 100, 90, 3, 1]);
    const out = averagedSeries(perRow, 5, 125);
    expect(out).toHaveLength(perRow.length);
    for (let i = 0; i < perRow.length; i++) {
      const latest = Array.from({ length: Math.min(5, i + 1) }, (_, j) => perRow[i - j]!);
      expect(out[i]).toBeCloseTo(combineEstimates(latest, 125), 12);
    }
    expect(out[0]).toBe(125);
    expect(out[1]).toBeCloseTo((120 + 124) / 2, 12);
    // One estimate averaged is the per-row estimate itself.
    expect(Array.from(averagedSeries(perRow, 1, 125))).toEqual(Array.from(perRow));
  });
});
