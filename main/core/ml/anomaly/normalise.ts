import { MlInputError, tooFewRows } from '../ml-errors';
import type { OutlierScreen } from './outliers';
import type { Normalisation, SeriesMatrix } from './types';

// Inputs reach the detector as a rows x sensors matrix. It is checked once
// (shape, finiteness: a NaN would turn every later score into NaN) and
// normalised with the training rows' statistics, which travel with the model.

/** Refuses a matrix whose shape is inconsistent or that holds a non-finite value, naming the row and sensor. */
export function checkMatrix(data: SeriesMatrix, what = 'input'): number {
  const s = data.sensors.length;
  if (s === 0) throw new MlInputError(`${what} has no sensors`, { path: 'sensors' });
  const rows = data.timestamps.length;
  if (data.values.length !== rows * s) {
    throw new MlInputError(`${what} has ${data.values.length} values for ${rows} rows of ${s} sensors`, { path: 'values' });
  }
  const v = data.values;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) {
      const sensor = data.sensors[i % s]!;
      throw new MlInputError(`${what} row ${Math.floor(i / s)}: sensor '${sensor}' is ${v[i]}, not a finite number`, { path: 'values', field: sensor });
    }
  }
  return rows;
}

/** Checks that the matrix's sensors are the model's, in the model's order. */
export function checkSensors(data: SeriesMatrix, sensors: readonly string[]): void {
  const same = data.sensors.length === sensors.length && data.sensors.every((x, i) => x === sensors[i]);
  if (!same) throw new MlInputError(`the input's sensors (${data.sensors.join(', ')}) are not the model's (${sensors.join(', ')})`, { path: 'sensors' });
}

/**
 * Mean and standard deviation of each sensor over the rows of the matrix,
 * leaving out the rows a screen marked as outliers (outliers.ts).
 */
export function fitNormalisation(data: SeriesMatrix, screen?: OutlierScreen): Normalisation {
  const s = data.sensors.length;
  const rows = data.timestamps.length;
  if (rows < 2) throw tooFewRows('training data', rows, 2, 'values');
  const skip = screen && screen.count > 0 && screen.count < rows ? screen.rows : null;
  const used = rows - (skip ? screen!.count : 0);
  const v = data.values;
  const sum = new Float64Array(s);
  for (let r = 0; r < rows; r++) if (!skip?.[r]) for (let j = 0; j < s; j++) sum[j]! += v[r * s + j]!;
  const mean = Array.from(sum, (x) => x / used);
  const sq = new Float64Array(s);
  for (let r = 0; r < rows; r++) {
    if (skip?.[r]) continue;
    for (let j = 0; j < s; j++) {
      const d = v[r * s + j]! - mean[j]!;
      sq[j]! += d * d;
    }
  }
  // A sensor constant in training (a setpoint, a stuck gauge) has no scale of
  // its own: a 1% move of its level reads as one standard deviation, rather
  // than dividing by ~0 and alarming on the last float digit.
  const std = Array.from(sq, (x, j) => {
    const sd = Math.sqrt(x / used);
    const level = Math.max(1, Math.abs(mean[j]!));
    return sd > 1e-6 * level ? sd : 1e-2 * level;
  });
  return { mean, std };
}

/** (x - mean) / std of every value, as float32, row-major like the input. */
export function normaliseValues(values: ArrayLike<number>, norm: Normalisation): Float32Array {
  const s = norm.mean.length;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const j = i % s;
    out[i] = (values[i]! - norm.mean[j]!) / norm.std[j]!;
  }
  return out;
}

/** The rows [from, to) of a matrix (views, no copies). */
export function sliceRows(data: SeriesMatrix, from: number, to: number): SeriesMatrix {
  const s = data.sensors.length;
  return { sensors: data.sensors, timestamps: data.timestamps.subarray(from, to), values: data.values.subarray(from * s, to * s) };
}

/** The value at quantile q (0..1) of the numbers, by linear interpolation. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  if (sorted.length === 0) return NaN;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
