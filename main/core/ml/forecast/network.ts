import { tf } from '../runtime/backend';

// The forecasting network: a small MLP that reads the last `lookback`
// normalised values — as their shape relative to the last value plus that
// value's level, which generalises better across level shifts than raw
// levels while still allowing mean reversion — and predicts, in one pass,
// the change from the last value at each of the next `horizon` steps
// (direct multi-step). Predicting changes makes "no change" — persistence —
// the network's starting point (the output layer starts at zero), so
// training only has to learn what persistence misses (daily cycles, mean
// reversion, trends).

export const HIDDEN_UNITS = 64;
/** Predict in large batches: TF.js's default of 32 is ~30x slower on wasm. */
export const PREDICT_BATCH = 4096;

/** Inputs: the window relative to its last value (the shape), then the last value itself (the level). */
export function inputDim(lookback: number): number {
  return lookback + 1;
}

/** Network inputs for B windows of normalised values. */
export function features(windows: Float32Array, lookback: number): Float32Array {
  const B = windows.length / lookback;
  const d = lookback + 1;
  const out = new Float32Array(B * d);
  for (let b = 0; b < B; b++) {
    const last = windows[b * lookback + lookback - 1]!;
    for (let i = 0; i < lookback; i++) out[b * d + i] = windows[b * lookback + i]! - last;
    out[b * d + lookback] = last;
  }
  return out;
}

export function buildNetwork(lookback: number, horizon: number, nextSeed: () => number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [inputDim(lookback)], units: HIDDEN_UNITS, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }) }));
  model.add(tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }) }));
  model.add(tf.layers.dense({ units: horizon, kernelInitializer: 'zeros', biasInitializer: 'zeros' }));
  return model;
}

/**
 * Rolls windows forward: each pass predicts `horizon` changes, which are
 * appended to the window as if observed, until `steps` are covered.
 * `windows` holds B windows of `lookback` normalised values; the result holds
 * B rows of `steps` normalised forecasts.
 */
export function rollForward(model: tf.LayersModel, windows: Float32Array, lookback: number, horizon: number, steps: number): Float32Array {
  const B = windows.length / lookback;
  const out = new Float32Array(B * steps);
  let cur = windows;
  for (let done = 0; done < steps; done += horizon) {
    const deltas = tf.tidy(() => (model.predict(tf.tensor2d(features(cur, lookback), [B, inputDim(lookback)]), { batchSize: PREDICT_BATCH }) as tf.Tensor).dataSync() as Float32Array);
    const take = Math.min(horizon, steps - done);
    const next = done + take < steps ? new Float32Array(B * lookback) : cur;
    for (let b = 0; b < B; b++) {
      const last = cur[b * lookback + lookback - 1]!;
      for (let k = 0; k < take; k++) out[b * steps + done + k] = last + deltas[b * horizon + k]!;
      if (next !== cur) {
        // The new window: the old one shifted by `horizon`, then the predictions.
        const w = b * lookback;
        for (let i = 0; i < lookback; i++) {
          const src = i + horizon; // index in old window ++ predictions
          next[w + i] = src < lookback ? cur[w + src]! : last + deltas[b * horizon + (src - lookback)]!;
        }
      }
    }
    cur = next;
  }
  return out;
}
