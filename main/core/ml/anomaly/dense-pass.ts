// The autoencoder's dense layers as plain arrays, run without TF.js: one
// window at a time (online scoring, one reading at a time: no tensor
// allocation, no kernel dispatch; about half the latency of a one-window
// TF.js predict for a 30 x 4 window, see the bench) or many windows at once
// (a batch of online readings). The arithmetic per window is the same in
// both, so a reading scores the same bits either way, which TF.js's kernels
// (another summation order) would not. Nothing here imports TF.js: the
// online scoring worker thread runs it from weights sent to it.

export interface DenseLayer {
  inputs: number;
  units: number;
  /** [units, inputs] row-major: TF.js's kernel transposed, so each unit is one contiguous dot product. */
  weights: Float32Array;
  bias: Float32Array;
  tanh: boolean;
}

/**
 * One window through the dense layers: writes the per-sensor mean squared
 * reconstruction error to `out`. Buffers are reused across calls.
 */
export function singleWindowPass(layers: DenseLayer[], window: number, sensors: number): (x: Float32Array, out: Float32Array) => void {
  // Float32 activations, like TF.js, and one array type through the loop (V8 keeps it monomorphic).
  const acts = layers.map((l) => new Float32Array(l.units));
  const sq = new Float64Array(sensors);
  return (x, out) => {
    let input: Float32Array = x;
    for (let li = 0; li < layers.length; li++) {
      const { inputs, units, weights, bias, tanh } = layers[li]!;
      const a = acts[li]!;
      for (let u = 0; u < units; u++) {
        let sum = bias[u]!;
        const base = u * inputs;
        for (let i = 0; i < inputs; i++) sum += input[i]! * weights[base + i]!;
        a[u] = tanh ? Math.tanh(sum) : sum;
      }
      input = a;
    }
    sq.fill(0);
    for (let t = 0, p = 0; t < window; t++) {
      for (let j = 0; j < sensors; j++, p++) {
        const d = input[p]! - x[p]!;
        sq[j]! += d * d;
      }
    }
    for (let j = 0; j < sensors; j++) out[j] = sq[j]! / window;
  };
}

/** Windows per block of the many-window pass: each unit's weights are reused across a block while in cache. */
const BLOCK = 32;

/**
 * singleWindowPass over `count` windows laid end to end in `x`, errors to
 * `out` (count x sensors). Every output is summed in the same order, from
 * the same float32 values, as in the single pass: the same bits.
 */
export function manyWindowPass(layers: DenseLayer[], window: number, sensors: number): (x: Float32Array, count: number, out: Float32Array) => void {
  const acts = layers.map((l) => new Float32Array(BLOCK * l.units));
  const sq = new Float64Array(sensors);
  const size = window * sensors;
  return (x, count, out) => {
    for (let b0 = 0; b0 < count; b0 += BLOCK) {
      const nb = Math.min(BLOCK, count - b0);
      let input: Float32Array = x;
      let from = b0 * size;
      let stride = size;
      for (let li = 0; li < layers.length; li++) {
        const { inputs, units, weights, bias, tanh } = layers[li]!;
        const a = acts[li]!;
        for (let u = 0; u < units; u++) {
          const base = u * inputs;
          let b = 0;
          // Four windows per pass over the unit's weights; each sum still runs over i in order.
          for (; b + 4 <= nb; b += 4) {
            let s0 = bias[u]!;
            let s1 = s0;
            let s2 = s0;
            let s3 = s0;
            const a0 = from + b * stride;
            const a1 = a0 + stride;
            const a2 = a1 + stride;
            const a3 = a2 + stride;
            for (let i = 0; i < inputs; i++) {
              const wi = weights[base + i]!;
              s0 += input[a0 + i]! * wi;
              s1 += input[a1 + i]! * wi;
              s2 += input[a2 + i]! * wi;
              s3 += input[a3 + i]! * wi;
            }
            a[b * units + u] = tanh ? Math.tanh(s0) : s0;
            a[(b + 1) * units + u] = tanh ? Math.tanh(s1) : s1;
            a[(b + 2) * units + u] = tanh ? Math.tanh(s2) : s2;
            a[(b + 3) * units + u] = tanh ? Math.tanh(s3) : s3;
          }
          for (; b < nb; b++) {
            let sum = bias[u]!;
            const at = from + b * stride;
            for (let i = 0; i < inputs; i++) sum += input[at + i]! * weights[base + i]!;
            a[b * units + u] = tanh ? Math.tanh(sum) : sum;
          }
        }
        input = a;
        from = 0;
        stride = units;
      }
      for (let b = 0; b < nb; b++) {
        sq.fill(0);
        const y = b * size;
        const xb = (b0 + b) * size;
        for (let t = 0, p = 0; t < window; t++) {
          for (let j = 0; j < sensors; j++, p++) {
            const d = input[y + p]! - x[xb + p]!;
            sq[j]! += d * d;
          }
        }
        for (let j = 0; j < sensors; j++) out[(b0 + b) * sensors + j] = sq[j]! / window;
      }
    }
  };
}
