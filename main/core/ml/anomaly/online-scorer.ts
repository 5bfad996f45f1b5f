import { MlInputError } from '../ml-errors';
import { float32Decimal } from '../runtime/decimals';
import { AlarmState, shares } from './alarm-state';
import { LevelBaseline, windowMeans } from './baseline';
import { CHUNK_VALUES, meanError, type WindowErrorModel } from './window-model';
import type { OnlineAnomalyScorer, OnlineScore, OnlineScorerState } from './types';

// Scoring one reading at a time: the last W normalised rows in a ring
// buffer, one window scored per row, the alarm stepped on each score — the
// same arithmetic as batch scoring, so both agree on every onset.
//
// Everything the scorer holds fits in a snapshot of plain numbers (the last
// W rows, already normalised as float32, the alarm's counters and the level
// baseline when the model's adapts), so a
// station can save it after each batch and resume after a restart as if it
// had never stopped. `pushMany` scores a batch of rows with one call into
// the model's many-window pass, whose arithmetic per window is that of the
// single-window pass: the results are those of pushing the rows one by one.

function restoreRows(m: WindowErrorModel, from: OnlineScorerState, ring: Float32Array): number {
  const s = m.sensors.length;
  const w = m.window;
  const fail = (why: string): never => {
    throw new MlInputError(`the saved online scoring state does not belong to this model: ${why}`, { path: 'state' });
  };
  if (from === null || typeof from !== 'object' || from.version !== 1) fail('its version is not 1');
  if (from.window !== w || from.sensors !== s) fail(`it is for a window of ${String(from.window)} x ${String(from.sensors)} sensors, the model has ${w} x ${s}`);
  if (from.threshold !== m.threshold) fail(`it was taken with threshold ${String(from.threshold)}, the model's is ${m.threshold}`);
  const filled = from.filled;
  if (!Number.isInteger(filled) || filled < 0 || filled > w) fail(`filled must be an integer from 0 to ${w}`);
  if (!Array.isArray(from.rows) || from.rows.length !== filled * s || !from.rows.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    fail(`rows must hold ${filled * s} finite numbers`);
  }
  if (filled < w && from.active === 1) fail('the alarm is on before a full window was seen');
  ring.set(from.rows, 0);
  return filled;
}

export function createOnlineScorer(m: WindowErrorModel, from?: OnlineScorerState): OnlineAnomalyScorer {
  const s = m.sensors.length;
  const w = m.window;
  const ring = new Float32Array(w * s);
  const win = new Float32Array(w * s);
  const errs = new Float32Array(s);
  // Rows pushed, kept below 2w once past w: only `count % w` and `count >= w` matter.
  let count = from ? restoreRows(m, from, ring) : 0;
  const state = new AlarmState(m.threshold, m.hysteresis, from);
  // A snapshot from before baselines has none: the level starts at the training rows'.
  const baseline = new LevelBaseline(m.levelWeights, m.baselineRows, from?.baseline);
  const means = new Float64Array(s);

  function checkRow(rows: ArrayLike<number>, offset: number, label: string): void {
    for (let j = 0; j < s; j++) {
      const v = rows[offset + j]!;
      if (!Number.isFinite(v)) throw new MlInputError(`${label}sensor '${m.sensors[j]}' reading is ${v}, not a finite number`, { path: 'row', field: m.sensors[j]! });
    }
  }

  /** Normalises one row into the ring (the same arithmetic as batch scoring's normaliseInto). */
  function write(rows: ArrayLike<number>, offset: number): void {
    const slot = (count % w) * s;
    for (let j = 0; j < s; j++) ring[slot + j] = (rows[offset + j]! - m.norm.mean[j]!) / m.norm.std[j]!;
    count = count >= 2 * w ? count - w + 1 : count + 1;
  }

  /** The ring as the model reads it, oldest row first, into `out` at `at`. */
  function unroll(out: Float32Array, at: number): void {
    const oldest = count % w;
    out.set(ring.subarray(oldest * s), at);
    out.set(ring.subarray(0, oldest * s), at + (w - oldest) * s);
  }

  function idle(): OnlineScore {
    return { score: 0, above: false, anomaly: false, onset: false, cleared: false, contributions: null };
  }

  /** Steps the alarm on a window's raw score; its per-sensor errors are at `perSensor[offset ..]`. */
  function scored(raw: number, perSensor: Float32Array, offset: number, windowMeansAt: Float64Array | null, mOffset: number): OnlineScore {
    const transition = state.step(raw);
    if (windowMeansAt) baseline.follow(windowMeansAt, mOffset, !state.active && raw <= m.threshold);
    return {
      score: float32Decimal(raw),
      above: raw > m.threshold,
      anomaly: state.active,
      onset: transition === 'onset',
      cleared: transition === 'cleared',
      contributions: state.active ? shares(m.sensors, perSensor.subarray(offset, offset + s)) : null,
    };
  }

  return {
    push(row) {
      if (row.length !== s) throw new MlInputError(`a reading row has ${row.length} values, the model has ${s} sensors (${m.sensors.join(', ')})`, { path: 'row' });
      checkRow(row, 0, '');
      write(row, 0);
      if (count < w) return idle();
      unroll(win, 0);
      if (!baseline.adapts) {
        m.one(win, errs);
        return scored(meanError(errs, 0, s), errs, 0, null, 0);
      }
      windowMeans(win, 0, w, s, means, 0); // before `one`, which overwrites the window
      m.one(win, errs);
      baseline.correct(errs, 0, means, 0);
      return scored(meanError(errs, 0, s), errs, 0, means, 0);
    },

    pushMany(rows, n) {
      if (!Number.isInteger(n) || n < 0 || rows.length !== n * s) {
        throw new MlInputError(`pushMany got ${rows.length} values for ${n} rows of ${s} sensors (${m.sensors.join(', ')})`, { path: 'rows' });
      }
      for (let i = 0; i < n; i++) checkRow(rows, i * s, `row ${i}: `);
      const out = new Array<OnlineScore>(n);
      const per = Math.max(1, Math.floor(CHUNK_VALUES / (w * s)));
      const wins = new Float32Array(Math.min(per, n) * w * s);
      const chunkErrs = new Float32Array(Math.min(per, n) * s);
      const rowOf = new Int32Array(Math.min(per, n));
      const chunkMeans = baseline.adapts ? new Float64Array(Math.min(per, n) * s) : null;
      for (let i = 0; i < n; ) {
        let k = 0;
        for (; i < n && k < per; i++) {
          write(rows, i * s);
          if (count < w) {
            out[i] = idle();
            continue;
          }
          unroll(wins, k * w * s);
          if (chunkMeans) windowMeans(wins, k * w, w, s, chunkMeans, k * s);
          rowOf[k++] = i;
        }
        if (k === 0) continue;
        m.many(wins.subarray(0, k * w * s), k, chunkErrs.subarray(0, k * s));
        for (let q = 0; q < k; q++) {
          if (chunkMeans) baseline.correct(chunkErrs, q * s, chunkMeans, q * s);
          out[rowOf[q]!] = scored(meanError(chunkErrs, q * s, s), chunkErrs, q * s, chunkMeans, q * s);
        }
      }
      return out;
    },

    snapshot(): OnlineScorerState {
      const filled = Math.min(count, w);
      let rows: number[];
      if (count >= w) {
        unroll(win, 0);
        rows = Array.from(win);
      } else {
        rows = Array.from(ring.subarray(0, count * s));
      }
      return { version: 1, window: w, sensors: s, threshold: m.threshold, filled, rows, ...state.snapshot(), ...(baseline.adapts ? { baseline: baseline.snapshot() } : {}) };
    },
  };
}
