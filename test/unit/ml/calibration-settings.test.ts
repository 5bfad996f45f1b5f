import { describe, expect, it } from 'vitest';
import { CALIBRATION, CALIBRATION_SEVERAL, calibrate } from '../../../main/core/ml/anomaly/calibrate';
import { fitStatisticalDetector } from '../../../main/core/ml/anomaly/statistical';
import { seededRandom } from '../../../main/core/ml/runtime/random';
import { replayAlarm } from '../../eval/replay';

// The evaluation that chooses the calibration's constants passes its own
// (test/eval/choose-calibration.ts): they must replace the defaults and
// nothing else, and without them the defaults hold — CALIBRATION for a
// model of one sensor, CALIBRATION_SEVERAL for one of several.

function parts(n: number, s: number, seed: number) {
  const rng = seededRandom(seed);
  return { shape: Float32Array.from({ length: n * s }, () => rng()), means: Float32Array.from({ length: n * s }, () => rng() - 0.5) };
}

describe('calibration settings', () => {
  const hysteresisOf = (k: typeof CALIBRATION) => ({ enterSteps: k.enterSteps, immediateRatio: k.immediateRatio, exitSteps: k.exitSteps, exitRatio: k.exitRatio });

  it('uses CALIBRATION for one sensor unless told otherwise, and a margin scales only the threshold', () => {
    const ref = [parts(200, 1, 1)];
    const base = calibrate(ref, 1);
    expect(base.parts.shapeWeight).toBe(CALIBRATION.shapeWeight);
    expect(base.hysteresis).toEqual(hysteresisOf(CALIBRATION));
    expect(base.threshold).toBeCloseTo(Math.max(...base.scores), 6);
    const wider = calibrate(ref, 1, { margin: 1.5 });
    expect(wider.threshold).toBeCloseTo(1.5 * base.threshold, 6);
    expect(Array.from(wider.scores)).toEqual(Array.from(base.scores));
    expect(wider.hysteresis).toEqual(base.hysteresis);
  });

  it('uses CALIBRATION_SEVERAL for several sensors: the threshold 1.5 x the reference maximum, a slower alarm', () => {
    const ref = [parts(200, 3, 1)];
    const base = calibrate(ref, 3);
    expect(CALIBRATION_SEVERAL.margin).toBe(1.5);
    expect(base.parts.shapeWeight).toBe(CALIBRATION_SEVERAL.shapeWeight);
    expect(base.hysteresis).toEqual(hysteresisOf(CALIBRATION_SEVERAL));
    expect(base.threshold).toBeCloseTo(1.5 * Math.max(...base.scores), 6);
    const asOne = calibrate(ref, 3, CALIBRATION);
    expect(asOne.threshold).toBeCloseTo(Math.max(...base.scores), 6);
    expect(asOne.hysteresis).toEqual(hysteresisOf(CALIBRATION));
  });

  it('passes a shape weight and hysteresis through to the scores and the alarm', () => {
    const ref = [parts(200, 3, 2)];
    const other = calibrate(ref, 3, { shapeWeight: 0, enterSteps: 72, exitSteps: 6 });
    expect(other.parts.shapeWeight).toBe(0);
    expect(other.hysteresis.enterSteps).toBe(72);
    expect(other.hysteresis.exitSteps).toBe(6);
    expect(other.hysteresis.exitRatio).toBe(CALIBRATION_SEVERAL.exitRatio);
    expect(Array.from(other.scores)).not.toEqual(Array.from(calibrate(ref, 3).scores));
  });

  it('reaches a fitted detector', () => {
    const rng = seededRandom(3);
    const n = 400;
    const train = { sensors: ['a', 'b'], timestamps: Float64Array.from({ length: n }, (_, i) => i), values: Float32Array.from({ length: 2 * n }, () => rng()) };
    const plain = fitStatisticalDetector(train);
    const wide = fitStatisticalDetector(train, { calibration: { margin: 2, enterSteps: 5 } });
    expect(wide.threshold).toBeCloseTo((2 / CALIBRATION_SEVERAL.margin) * plain.threshold, 5);
    expect(wide.hysteresis.enterSteps).toBe(5);
    expect(plain.hysteresis.enterSteps).toBe(CALIBRATION_SEVERAL.enterSteps);
  });

  it('a replay of the scores gives the alarms the detector raised (what the evaluation scripts rely on)', async () => {
    const rng = seededRandom(4);
    const n = 1_200;
    const values = Float32Array.from({ length: 2 * n }, (_, i) => rng() + (i >= 1_600 && i < 1_800 ? 3 : 0));
    const all = { sensors: ['a', 'b'], timestamps: Float64Array.from({ length: n }, (_, i) => i), values };
    const train = { sensors: all.sensors, timestamps: all.timestamps.subarray(0, 400), values: values.subarray(0, 800) };
    const d = fitStatisticalDetector(train);
    const r = await d.scoreSeries(all);
    expect(r.alarm.some((x) => x === 1)).toBe(true);
    expect(Array.from(replayAlarm(r.scores, d.window, d.threshold, d.hysteresis))).toEqual(Array.from(r.alarm));
  });
});
