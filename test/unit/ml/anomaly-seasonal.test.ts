import { describe, expect, it } from 'vitest';
import { DAY_MS, fitStatisticalDetector, WEEK_MS, type SeriesMatrix } from '../../../main/core/ml/anomaly';
import { fitSeasonalProfile, profileAt } from '../../../main/core/ml/anomaly/seasonal';
import { seededRandom } from '../../../main/core/ml/runtime/random';
import { head, pump, withFaults } from '../../eval/synthetic-asset';

// The statistical detector's daily and weekly profiles (seasonal.ts). A
// pump's flow following the day (the seeded pump of the other detector
// tests, every five minutes for six weeks, a daily swing about twice its
// normal spread): the profile is found in three weeks of reference rows,
// and a step of four normal spreads, which the plain detector cannot tell
// from an afternoon, is caught — with no other alarm over the three weeks
// that follow. Data without a rhythm keeps its plain level.

const STEP = 300_000;
const PER_DAY = DAY_MS / STEP;

function flowOf(m: SeriesMatrix): SeriesMatrix {
  return { sensors: ['flow'], timestamps: m.timestamps, values: m.values.filter((_, i) => i % m.sensors.length === 0) };
}

const alarmRows = (a: Uint8Array, from = 0, to = a.length) => a.subarray(from, to).reduce((n, x) => n + x, 0);

describe('daily and weekly profiles of the statistical detector', () => {
  const daily = flowOf(pump({ rows: 42 * PER_DAY, seed: 3, stepMs: STEP, seasonal: 2 }));
  const reference = head(daily, 21 * PER_DAY);
  // Day 30, 16:00 to 04:30 UTC: over the cycle's low, where a plain level sees nothing unusual.
  const FAULT = { sensor: 0, from: 30 * PER_DAY + 16 * 12, to: 30 * PER_DAY + 16 * 12 + 150, offset: 20 };

  it('finds the daily rhythm and catches a step the plain level misses', async () => {
    const seasonal = fitStatisticalDetector(reference);
    const plain = fitStatisticalDetector(reference, { seasonal: false });
    expect(seasonal.seasonal?.periodMs).toBe(DAY_MS);
    expect(seasonal.seasonal?.explained[0]).toBeGreaterThan(0.3);
    expect(plain.seasonal).toBeNull();

    const data = withFaults(daily, [FAULT]);
    const a = await seasonal.scoreSeries(data);
    const b = await plain.scoreSeries(data);
    // The alarm may hold for a window past the step, and then the exit delay.
    const faultAlarms = (x: Uint8Array) => alarmRows(x, FAULT.from, FAULT.to + seasonal.window + seasonal.hysteresis.exitSteps);
    expect(faultAlarms(a.alarm)).toBeGreaterThan(0);
    expect(faultAlarms(b.alarm)).toBe(0);
    // Nothing else in the weeks after the reference: the afternoons are expected.
    expect(alarmRows(a.alarm, reference.timestamps.length) - faultAlarms(a.alarm)).toBe(0);
    // One alarm or more, all raised during the step (noise may let the score dip and rise again within it).
    expect(a.anomalies.length).toBeGreaterThan(0);
    for (const x of a.anomalies) expect(x.onsetIndex >= FAULT.from && x.onsetIndex < FAULT.to + seasonal.window).toBe(true);
    expect(a.anomalies[0]!.contributions[0]!.sensor).toBe('flow');
  });

  it('scores the same series the same way twice, and leaves the input untouched', async () => {
    const before = Float64Array.from(daily.values);
    const d = fitStatisticalDetector(reference);
    const one = await d.scoreSeries(daily);
    const two = await d.scoreSeries(daily);
    expect(Array.from(one.scores)).toEqual(Array.from(two.scores));
    expect(Array.from(daily.values)).toEqual(Array.from(before));
  });

  it('takes a weekly profile where weekdays and weekends differ', () => {
    const rand = seededRandom(11);
    const step = 900_000;
    const rows = (5 * WEEK_MS) / step;
    const t0 = Date.UTC(2024, 0, 1);
    const timestamps = new Float64Array(rows);
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const t = t0 + i * step;
      const day = new Date(t).getUTCDay();
      const hour = new Date(t).getUTCHours();
      const working = day >= 1 && day <= 5 && hour >= 6 && hour < 22;
      timestamps[i] = t;
      values[i] = (working ? 80 : 20) + 5 * (rand() - 0.5);
    }
    const p = fitSeasonalProfile({ sensors: ['load'], timestamps, values });
    expect(p?.periodMs).toBe(WEEK_MS);
    expect(p?.bins).toBe(168);
    expect(p!.explained[0]).toBeGreaterThan(0.9);
    // Monday 10:00 (Thursday is the epoch week's first day) lies well above Sunday 10:00.
    const phase = (t: number) => (((t % WEEK_MS) + WEEK_MS) % WEEK_MS) / 3_600_000;
    const monday = profileAt(p!.offsets[0]!, phase(Date.UTC(2024, 0, 8, 10, 30)));
    const sunday = profileAt(p!.offsets[0]!, phase(Date.UTC(2024, 0, 7, 10, 30)));
    expect(monday - sunday).toBeGreaterThan(50);
  });

  it('finds no profile in data without a rhythm, or in fewer than two days', () => {
    const still = flowOf(pump({ rows: 21 * PER_DAY, seed: 3, stepMs: STEP }));
    expect(fitSeasonalProfile(still)).toBeNull();
    expect(fitStatisticalDetector(still).seasonal).toBeNull();
    expect(fitSeasonalProfile(head(daily, 2 * PER_DAY - 1))).toBeNull();
  });

  it('leaves a steady trend alone, or nearly so', () => {
    const rising = flowOf(pump({ rows: 5 * PER_DAY, seed: 5, stepMs: STEP, trendPerRow: 4 / (5 * PER_DAY) }));
    const p = fitSeasonalProfile(rising);
    expect(p === null || p.explained[0]! < 0.05).toBe(true);
  });

  it('refuses online scoring with a profile: online rows come without their times', () => {
    const d = fitStatisticalDetector(reference);
    expect(() => d.createOnline()).toThrow(/online scoring needs a trained model/);
    expect(() => fitStatisticalDetector(reference, { seasonal: false }).createOnline()).not.toThrow();
  });
});
