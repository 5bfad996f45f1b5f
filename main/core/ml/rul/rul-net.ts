import { tf } from '../runtime/backend';
import { seedSequence } from '../runtime/random';
import { writeWindow } from './windows';

// The network: the flattened window into two small ReLU layers and a linear
// output (RUL / scale). C-MAPSS has ~15k training windows from under 80
// engines, so capacity must be held back: 128/64 units without
// regularisation memorise the engines (train RMSE 5, validation 18); with L2
// on the first layer 64/32 units generalise (validation 10.6-13.6 over eight
// seeded unit splits of FD001, against 10.8-14.7 for 32/16). Convolutions
// would suit the data, but the WebAssembly backend cannot train them (it has
// no Conv2DBackpropFilter kernel).

export const HIDDEN_UNITS = [64, 32] as const;
export const L2 = 1e-3;

export function buildRulNet(window: number, k: number, seed: number, learningRate: number): tf.Sequential {
  const seeds = seedSequence(seed);
  const init = () => tf.initializers.glorotUniform({ seed: seeds() });
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [window, k] }));
  model.add(tf.layers.dense({ units: HIDDEN_UNITS[0], activation: 'relu', kernelInitializer: init(), kernelRegularizer: tf.regularizers.l2({ l2: L2 }) }));
  model.add(tf.layers.dense({ units: HIDDEN_UNITS[1], activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init() }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return model;
}

/** Standardised histories and the window ends to read from them. */
export interface WindowSet {
  series: Float32Array[];
  k: number;
  window: number;
  alpha: number;
  /** Which series each window comes from. */
  seriesOf: Int32Array;
  /** The row each window ends at. */
  endOf: Int32Array;
}

/** Windows per tensor: bounds memory (50k windows x 40 x 14 floats = 112 MB) on large files. */
export const CHUNK_WINDOWS = 16_384;

/** The windows `order[from..to)` (null order: windows from..to) as one flat array, windows x W x k. */
export function fillWindows(set: WindowSet, order: ArrayLike<number> | null, from: number, to: number): Float32Array {
  const size = set.window * set.k;
  const out = new Float32Array((to - from) * size);
  for (let i = from; i < to; i++) {
    const w = order === null ? i : order[i]!;
    writeWindow(set.series[set.seriesOf[w]!]!, set.k, set.endOf[w]!, set.window, set.alpha, out, (i - from) * size);
  }
  return out;
}

/** The network's output (RUL / scale) for every window of the set, in set order, scored chunk by chunk. */
export function predictWindowSet(model: tf.LayersModel, set: WindowSet): Float32Array {
  const n = set.endOf.length;
  const out = new Float32Array(n);
  for (let from = 0; from < n; from += CHUNK_WINDOWS) {
    const to = Math.min(n, from + CHUNK_WINDOWS);
    const flat = fillWindows(set, null, from, to);
    const y = tf.tidy(() => {
      const x = tf.tensor3d(flat, [to - from, set.window, set.k]);
      return model.predict(x, { batchSize: 4096 }) as tf.Tensor;
    });
    out.set(y.dataSync() as Float32Array, from);
    y.dispose();
  }
  return out;
}
