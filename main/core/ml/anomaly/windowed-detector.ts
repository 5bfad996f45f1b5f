import { MlInputError } from '../ml-errors';
import { AlarmState, AnomalyRuns, shares } from './alarm-state';
import { checkMatrix, checkSensors } from './normalise';
import type { AnomalyDetector, HysteresisSettings, Normalisation, OnlineAnomalyScorer, OnlineScore, SeriesMatrix, SeriesScores } from './types';

// What the autoencoder and the statistical detector share: both turn the
// window of the last W normalised rows into one error per sensor; the score
// is the mean of those errors, the alarm state steps on the scores, and the
// per-sensor errors are the explanation. Batch scoring runs the windows in
// large chunks; online scoring keeps the last W rows in a ring buffer and
// scores one window per reading, through the same arithmetic for the score.

export interface WindowErrorModel {
  method: AnomalyDetector['method'];
  sensors: string[];
  window: number;
  norm: Normalisation;
  threshold: number;
  hysteresis: HysteresisSettings;
  /**
   * Per-sensor errors of `count` consecutive windows over `rows` (normalised,
   * row-major, count + window - 1 rows): window k is rows [k, k + window).
   * Returns count x sensors values.
   */
  batch(rows: Float32Array, count: number): Promise<Float32Array>;
  /** Per-sensor errors of one window (window x sensors, oldest row first), written to `out`. */
  one(win: Float32Array, out: Float32Array): void;
  dispose(): void;
}

/** Values per chunk of batch scoring (windows x window x sensors): ~16 MB of float32 in flight. */
const CHUNK_VALUES = 4_000_000;

/** The score of a window: the mean of its per-sensor errors, rounded to float32 as it is stored. */
function meanError(errs: ArrayLike<number>, offset: number, s: number): number {
  let sum = 0;
  for (let j = 0; j < s; j++) sum += errs[offset + j]!;
  return Math.fround(sum / s);
}

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
    const scores = new Float32Array(n);
    const anomaly = new Uint8Array(n);
    const runs = new AnomalyRuns(m.sensors);
    if (n < w) return { scores, anomaly, anomalies: [] };
    const state = new AlarmState(m.threshold, m.hysteresis);
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
        const score = meanError(errs, k * s, s);
        scores[t] = score;
        state.step(score);
        anomaly[t] = state.active ? 1 : 0;
        runs.add(t, score, state.active, errs, k * s);
      }
    }
    runs.close();
    return { scores, anomaly, anomalies: runs.anomalies };
  }

  function createOnline(): OnlineAnomalyScorer {
    const ring = new Float32Array(w * s);
    const win = new Float32Array(w * s);
    const errs = new Float32Array(s);
    const state = new AlarmState(m.threshold, m.hysteresis);
    let count = 0;
    const idle: OnlineScore = Object.freeze({ score: 0, anomaly: false, onset: false, contributions: null }) as OnlineScore;
    return {
      push(row: ArrayLike<number>): OnlineScore {
        if (row.length !== s) throw new MlInputError(`a reading row has ${row.length} values, the model has ${s} sensors (${m.sensors.join(', ')})`, { path: 'row' });
        const slot = (count % w) * s;
        for (let j = 0; j < s; j++) {
          const v = row[j]!;
          if (!Number.isFinite(v)) throw new MlInputError(`sensor '${m.sensors[j]}' reading is ${v}, not a finite number`, { path: 'row', field: m.sensors[j]! });
          // Same arithmetic as batch scoring (normaliseInto), so the two agree on every row.
          ring[slot + j] = (v - m.norm.mean[j]!) / m.norm.std[j]!;
        }
        count++;
        if (count < w) return idle;
        // Unroll the ring, oldest row first, into the window the model reads.
        const oldest = count % w;
        win.set(ring.subarray(oldest * s), 0);
        win.set(ring.subarray(0, oldest * s), (w - oldest) * s);
        m.one(win, errs);
        const score = meanError(errs, 0, s);
        const onset = state.step(score);
        return { score, anomaly: state.active, onset, contributions: state.active ? shares(m.sensors, errs) : null };
      },
    };
  }

  return {
    method: m.method,
    sensors: m.sensors,
    window: w,
    threshold: m.threshold,
    scoreSeries,
    createOnline,
    dispose: () => m.dispose(),
  };
}
