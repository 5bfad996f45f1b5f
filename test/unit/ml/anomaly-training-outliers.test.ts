import { describe, expect, it } from 'vitest';
import { fitNormalisation } from '../../../main/core/ml/anomaly/normalise';
import { cleanStarts, MAX_OUTLIER_SHARE, screenOutliers } from '../../../main/core/ml/anomaly/outliers';
import { fitStatisticalDetector } from '../../../main/core/ml/anomaly/statistical';
import type { SeriesMatrix } from '../../../main/core/ml/anomaly/types';
import { seededRandom } from '../../../main/core/ml/runtime/random';
import { head } from '../../eval/synthetic-asset';

// Rows taken as normal with a few gross outliers in them (a gauge dropping
// to zero for a moment) must not blind the detector: without the screen the
// dropout's windows set the threshold so high that a later fault of several
// standard deviations reads as normal (here a threshold of ~29 against ~6).

const N = 2_000;
const FAULT = { from: 2_600, to: 2_800 };

/** Two correlated sensors around 50 and 20 with noise; `dropouts` rows of sensor a at 0. */
function pump(rows: number, seed: number, dropouts: number[] = [], fault = 0): SeriesMatrix {
  const rng = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  const values = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const common = gauss();
    values[i * 2] = 50 + common + 0.5 * gauss() + (i >= FAULT.from && i < FAULT.to ? fault : 0);
    values[i * 2 + 1] = 20 + 0.5 * common + 0.3 * gauss();
  }
  for (const r of dropouts) values[r * 2] = 0;
  return { sensors: ['a', 'b'], timestamps: Float64Array.from({ length: rows }, (_, i) => i * 60_000), values };
}

const alarmRows = (a: Uint8Array, from: number, to: number) => a.subarray(from, to).reduce((x, y) => x + y, 0);

describe('outliers in the rows taken as normal', () => {
  it('finds the dropouts and nothing else, and leaves clean data alone', () => {
    const screen = screenOutliers(pump(N, 1, [300, 301, 1_200]));
    expect(screen.count).toBe(3);
    expect([...screen.rows.keys()].filter((i) => screen.rows[i])).toEqual([300, 301, 1_200]);
    const clean = pump(N, 1);
    expect(screenOutliers(clean).count).toBe(0);
    expect(fitNormalisation(clean, screenOutliers(clean))).toEqual(fitNormalisation(clean));
    expect(screenOutliers(pump(N, 1, [300]), Infinity).count).toBe(0);
  });

  it('stands down for a sensor whose far values are too many to be outliers, or whose MAD is zero', () => {
    const many = Array.from({ length: Math.ceil(2 * MAX_OUTLIER_SHARE * N) }, (_, k) => 10 + 37 * k);
    expect(screenOutliers(pump(N, 2, many)).count).toBe(0);
    const stuck: SeriesMatrix = { sensors: ['valve'], timestamps: Float64Array.from({ length: N }, (_, i) => i), values: Float32Array.from({ length: N }, (_, i) => (i % 97 === 0 ? 1 : 0)) };
    expect(screenOutliers(stuck).count).toBe(0);
  });

  it('keeps the statistics and the windows of the clean rows', () => {
    const data = pump(N, 3, [500]);
    const screen = screenOutliers(data);
    const norm = fitNormalisation(data, screen);
    expect(norm.mean[0]).toBeCloseTo(50, 0);
    // The noise of sensor a is 1.12 standard: one dropout of 50 among 2,000 rows makes it 1.58.
    expect(norm.std[0]).toBeLessThan(1.2);
    expect(fitNormalisation(data).std[0]).toBeGreaterThan(1.5);
    const starts = cleanStarts(Uint32Array.from({ length: N - 23 }, (_, i) => i), 24, screen);
    expect(starts.length).toBe(N - 23 - 24);
    expect(Array.from(starts).some((st) => st <= 500 && st + 24 > 500)).toBe(false);
  });

  it('a fault after training is caught although the training rows held dropouts', async () => {
    const train = head(pump(N, 4, [400, 900, 901]), N);
    // A level shift of 3 on sensor a: 2.7 of its standard deviations.
    const faulty = pump(3_400, 4, [400, 900, 901], 3);
    const screened = fitStatisticalDetector(train);
    const blind = fitStatisticalDetector(train, { calibration: { outlierMads: Infinity } });
    expect(blind.threshold).toBeGreaterThan(3 * screened.threshold);
    const caught = (await screened.scoreSeries(faulty)).alarm;
    const missed = (await blind.scoreSeries(faulty)).alarm;
    expect(alarmRows(caught, FAULT.from, FAULT.to)).toBeGreaterThan(100);
    expect(alarmRows(missed, FAULT.from, FAULT.to)).toBe(0);
    // The clean stretch after training raises nothing.
    expect(alarmRows(caught, N, FAULT.from)).toBe(0);
  });
});
