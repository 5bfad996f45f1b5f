// A window's error for one sensor has two parts, each divided by its mean
// over the training windows so that 1 is "as usual":
//
//   shape: mean squared error of reconstructing the sensor's centred
//          window (the autoencoder's output; the statistical detector
//          reconstructs every centred window as flat, so its shape error
//          is the within-window variance);
//   level: the squared mean of the sensor's normalised values over the
//          window — how far its level sits from the training rows'.
//
// error_j = w_shape * shape_j / shapeScale_j + (1 - w_shape) * level_j / levelScale_j
//
// The score of a window is the mean of error_j over the sensors; the shares
// of error_j are the explanation shown to operators.

export interface ScoreParts {
  shapeWeight: number;
  shapeScale: number[];
  levelScale: number[];
}

/** Smallest scale: a sensor reconstructed (or held) perfectly in training must not divide by ~0. */
const MIN_SCALE = 1e-3;

/** Mean of each sensor's value over rows (k x s, row-major), floored at MIN_SCALE. */
export function meanScale(values: Float32Array, s: number, square = false): number[] {
  const n = values.length / s;
  const out = new Array<number>(s).fill(0);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < s; j++) {
      const v = values[k * s + j]!;
      out[j]! += square ? v * v : v;
    }
  }
  return out.map((x) => Math.max(MIN_SCALE, x / Math.max(1, n)));
}

/** Per-sensor errors (k x s) from shape errors and window means (both k x s), written to `out` (may be `shape`). */
export function combineParts(p: ScoreParts, shape: ArrayLike<number>, means: ArrayLike<number>, s: number, out: Float32Array): Float32Array {
  const a = p.shapeWeight;
  const n = out.length / s;
  for (let k = 0, i = 0; k < n; k++) {
    for (let j = 0; j < s; j++, i++) {
      const m = means[i]!;
      out[i] = (a * shape[i]!) / p.shapeScale[j]! + ((1 - a) * m * m) / p.levelScale[j]!;
    }
  }
  return out;
}
