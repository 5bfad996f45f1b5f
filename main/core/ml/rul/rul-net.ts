import { tf } from '../runtime/backend';
import { seedSequence } from '../runtime/random';
import { writeWindow } from './windows';

// The network: the same 8 linear combinations of the sensors at every row of
// the window (a convolution of width one, which the WebAssembly backend can
// train, unlike wider ones), flattened into two small ReLU layers and a
// linear output (RUL / scale). C-MAPSS has ~15k training windows from under 80
// engines, so capacity must be held back: 128/64 units without
// regularisation memorise the engines (train RMSE 5, validation 18); with L2
// on the first layer 64/32 units generalise. Convolutions would suit the
// data, but the WebAssembly backend cannot train them (it has no
// Conv2DBackpropFilter kernel). A single net's error depends much on its
// initialisation and on which engines it saw, so the model is an ensemble:
// the nets of the cross-validation folds, averaged in one network
// (`ensembleNet`), which loads, saves and predicts as one model.

export const HIDDEN_UNITS = [64, 32] as const;
export const L2 = 1e-3;

export function buildRulNet(window: number, k: number, seed: number, learningRate: number, hidden: readonly number[] = HIDDEN_UNITS, l2: number = L2, mix = 0, mixActivation: 'linear' | 'relu' = 'linear'): tf.Sequential {
  const seeds = seedSequence(seed);
  const init = () => tf.initializers.glorotUniform({ seed: seeds() });
  const model = tf.sequential();
  if (mix > 0) {
    // The same few combinations of the sensors at every row (a convolution of width one).
    model.add(tf.layers.dense({ inputShape: [window, k], units: mix, activation: mixActivation, kernelInitializer: init() }));
    model.add(tf.layers.flatten());
  } else {
    model.add(tf.layers.flatten({ inputShape: [window, k] }));
  }
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init(), ...(i === 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {}) }));
  });
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init() }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return model;
}

/**
 * One network that averages the outputs of trained members built by
 * `buildRulNet`: each member's layers rebuilt as one branch from the shared
 * input, carrying its weights, and an average. The members are left untouched.
 */
export function ensembleNet(members: tf.LayersModel[], window: number, k: number): tf.LayersModel {
  const input = tf.input({ shape: [window, k] });
  const copies: { layer: tf.layers.Layer; from: tf.layers.Layer }[] = [];
  const outputs = members.map((m, i) => {
    let x = input;
    m.layers.forEach((from, j) => {
      const name = `member${i + 1}_${j + 1}`;
      let layer: tf.layers.Layer;
      if (from.getClassName() === 'Flatten') {
        layer = tf.layers.flatten({ name });
      } else if (from.getClassName() === 'Dense') {
        const cfg = from.getConfig() as { units: number; activation: string };
        layer = tf.layers.dense({ units: cfg.units, activation: cfg.activation as 'relu' | 'linear', name });
        copies.push({ layer, from });
      } else {
        throw new Error(`a RUL network has no ${from.getClassName()} layer`);
      }
      x = layer.apply(x) as tf.SymbolicTensor;
    });
    return x;
  });
  const output = outputs.length === 1 ? outputs[0]! : (tf.layers.average({ name: 'mean' }).apply(outputs) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: output });
  for (const { layer, from } of copies) layer.setWeights(from.getWeights());
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
