import { float32Decimal } from '../runtime/decimals';
import { AlarmState } from './alarm-state';
import { LevelBaseline, windowMeans } from './baseline';
import { checkMatrix, checkSensors } from './normalise';
import { createOnlineScorer } from './online-scorer';
import { AnomalyPeriods } from './periods';
import { CHUNK_VALUES, meanError, type WindowErrorModel } from './window-model';
import type { AnomalyDetector, Normalisation, SeriesMatrix, SeriesScores } from './types';

export type { WindowErrorModel } from './window-model';

// What the autoencoder and the statistical detector share: both turn the
// window of the last W normalised rows into one error per sensor; the score
// is the mean of those errors, the alarm state steps on the scores, and the
// per-sensor errors are the explanation. Batch scoring runs the windows in
// large chunks; online scoring keeps the last W rows in a ring buffer and
// scores one window per reading (online-scorer.ts), through the same
// arithmetic for the score. Both measure each sensor's level from a slowly
// adapting baseline (baseline.ts) when the model has one.

function normaliseInto(src: ArrayLike<number>, from: number, to: number, norm: Normalisation, out: Float32Array): void {
  const s = norm.mean.length;
  for (let i = from, o = 0; i < to; i++, o++) {
    const j = i % s;
    out[o] = (src[i]! - norm.mean[j]!) / norm.std[j]!;
  }
}

export function windowedDetector(m: WindowErrorModel): AnomalyDetector {
  const s = m.sensors.length;
  const w = m.window;

  async function scoreSeries(data: SeriesMatrix): Promise<SeriesScores> {
    checkSensors(data, m.sensors);
    const n = checkMatrix(data);
    const scores = new Float64Array(n);
    const above = new Uint8Array(n);
    const anomaly = new Uint8Array(n);
    const alarm = new Uint8Array(n);
    if (n < w) return { scores, above, anomaly, alarm, anomalies: [] };
    const periods = new AnomalyPeriods(m.sensors, m.threshold, w, anomaly);
    const state = new AlarmState(m.threshold, m.hysteresis);
    const baseline = new LevelBaseline(m.levelWeights, m.baselineRows);
    const means = new Float64Array(s);
    const total = n - w + 1;
    const per = Math.max(1, Math.floor(CHUNK_VALUES / (w * s)));
    const buf = new Float32Array((Math.min(per, total) + w - 1) * s);
    for (let first = 0; first < total; first += per) {
      const count = Math.min(per, total - first);
      const rowsIn = count + w - 1;
      const rows = buf.subarray(0, rowsIn * s);
      normaliseInto(data.values, first * s, (first + rowsIn) * s, m.norm, rows);
      const errs = await m.batch(rows, count);
      for (let k = 0; k < count; k++) {
        const t = first + k + w - 1;
        if (baseline.adapts) {
          windowMeans(rows, k, w, s, means, 0);
          baseline.correct(errs, k * s, means, 0);
        }
        const score = meanError(errs, k * s, s);
        // Decisions on the raw float32 score; the decimal is what is shown.
        scores[t] = float32Decimal(score);
        above[t] = score > m.threshold ? 1 : 0;
        const transition = state.step(score);
        if (baseline.adapts) baseline.follow(means, 0, !state.active && score <= m.threshold);
        alarm[t] = state.active ? 1 : 0;
        periods.add(t, score, transition, errs, k * s);
      }
    }
    periods.close(n - 1);
    return { scores, above, anomaly, alarm, anomalies: periods.anomalies };
  }

  return {
    method: m.method,
    sensors: m.sensors,
    window: w,
    // Shown next to the scores, so written like them; rounding keeps the order of float32 values.
    threshold: float32Decimal(m.threshold),
    scoreSeries,
    createOnline: (state) => createOnlineScorer(m, state),
    dispose: () => m.dispose(),
  };
}
