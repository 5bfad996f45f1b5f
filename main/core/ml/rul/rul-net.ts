import { tf } from '../runtime/backend';
import { seedSequence } from '../runtime/random';
import { writeWindow } from './windows';

// The network: the same 8 linear combinations of the sensors at every row of
// the window (a convolution of width one), then temporal convolutions along
// the rows (RUL_TUNING: two), flattened into two small ReLU layers and a
// linear output (RUL / scale). The WebAssembly backend cannot train TF.js
// convolution layers (it has no Conv2DBackpropFilter kernel), so each
// convolution is built from reshapes and a Dense layer (`patchConv`), with
// a stride of its width. C-MAPSS has ~15k training windows from under 80
// engines, so capacity must be held back: 128/64 units without
// regularisation memorise the engines (train RMSE 5, validation 18); with L2
// on the first layer 64/32 units generalise. A single net's error depends
// much on its initialisation and on which engines it saw, so the model is an
// ensemble: the nets of the cross-validation folds, averaged in one network
// (`ensembleNet`), which loads, saves and predicts as one model. Every layer
// is named by its role, so the ensemble finds each member's weights by name.

export const HIDDEN_UNITS = [64, 32] as const;
export const L2 = 1e-3;

/** The layers of a network before its output, as RUL_TUNING (rul-member.ts NetTuning) sets them. */
export interface NetShape {
  hidden: readonly number[];
  l2: number;
  /** Sensor combinations computed at every row (0: none). */
  mix: number;
  mixActivation: 'linear' | 'relu';
  /** Temporal convolutions after the mix, in order, each [width (rows, stride too), filters] (none: no convolution). */
  conv: readonly (readonly [number, number])[];
}

export type RulLoss = 'meanSquaredError' | 'huber';

export const NET_SHAPE: NetShape = { hidden: HIDDEN_UNITS, l2: L2, mix: 0, mixActivation: 'linear', conv: [] };

type Init = () => ReturnType<typeof tf.initializers.glorotUniform> | undefined;

/**
 * A convolution along the window's rows with a stride of its width, built
 * from layers the WebAssembly backend trains fast: the rows regrouped into
 * consecutive patches of `width` rows (a reshape, after dropping the oldest
 * rows that do not fill one), and one Dense layer reading each patch, the
 * same for all. `rows` x `cols` in, floor(rows / width) x `filters` out.
 * (Overlapping patches, from crops of the window side by side, took four
 * to five times as long per epoch: slicing is slow on that backend.)
 */
function patchConv(x: tf.SymbolicTensor, rows: number, cols: number, width: number, filters: number, name: string, init: Init): tf.SymbolicTensor {
  const patches = Math.floor(rows / width);
  let y = x;
  if (patches * width < rows) {
    const image = tf.layers.reshape({ targetShape: [rows, cols, 1], name: `${name}_in` }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.cropping2D({ cropping: [[rows - patches * width, 0], [0, 0]], name: `${name}_crop` }).apply(image) as tf.SymbolicTensor;
  }
  y = tf.layers.reshape({ targetShape: [patches, width * cols], name: `${name}_patches` }).apply(y) as tf.SymbolicTensor;
  return tf.layers.dense({ units: filters, activation: 'relu', kernelInitializer: init(), name }).apply(y) as tf.SymbolicTensor;
}

/** The network's layers from `input` (window x k) to its output; every layer named `prefix` + its role, so another copy can find its weights. */
function netLayers(input: tf.SymbolicTensor, window: number, k: number, shape: NetShape, prefix: string, init: Init, regularise: boolean): tf.SymbolicTensor {
  let x = input;
  let cols = k;
  let rows = window;
  if (shape.mix > 0) {
    // The same few combinations of the sensors at every row (a convolution of width one).
    x = tf.layers.dense({ units: shape.mix, activation: shape.mixActivation, kernelInitializer: init(), name: `${prefix}mix` }).apply(x) as tf.SymbolicTensor;
    cols = shape.mix;
  }
  shape.conv.forEach(([w, filters], i) => {
    const width = Math.max(1, Math.min(w, rows));
    x = patchConv(x, rows, cols, width, filters, `${prefix}conv${i + 1}`, init);
    rows = Math.floor(rows / width);
    cols = filters;
  });
  x = tf.layers.flatten({ name: `${prefix}flat` }).apply(x) as tf.SymbolicTensor;
  shape.hidden.forEach((units, i) => {
    const reg = i === 0 && regularise ? { kernelRegularizer: tf.regularizers.l2({ l2: shape.l2 }) } : {};
    x = tf.layers.dense({ units, activation: 'relu', kernelInitializer: init(), name: `${prefix}dense${i + 1}`, ...reg }).apply(x) as tf.SymbolicTensor;
  });
  return tf.layers.dense({ units: 1, kernelInitializer: init(), name: `${prefix}out` }).apply(x) as tf.SymbolicTensor;
}

/** Huber's loss: quadratic within this (RUL / scale: 0.1 of the cap, 12.5 cycles at 125), linear beyond. */
export const HUBER_DELTA = 0.1;

export function buildRulNet(window: number, k: number, seed: number, learningRate: number, shape: NetShape = NET_SHAPE, loss: RulLoss = 'meanSquaredError'): tf.LayersModel {
  const seeds = seedSequence(seed);
  const init: Init = () => tf.initializers.glorotUniform({ seed: seeds() });
  const input = tf.input({ shape: [window, k], name: 'windows' });
  const model = tf.model({ inputs: input, outputs: netLayers(input, window, k, shape, '', init, true) });
  const lossFn = loss === 'huber' ? (y: tf.Tensor, p: tf.Tensor) => tf.losses.huberLoss(y, p, undefined, HUBER_DELTA) : loss;
  model.compile({ optimizer: tf.train.adam(learningRate), loss: lossFn });
  return model;
}

/**
 * One network that averages the outputs of trained members built by
 * `buildRulNet` with this shape: each member's layers rebuilt as one branch
 * from the shared input, carrying its weights, and an average. The members
 * are left untouched.
 */
export function ensembleNet(members: tf.LayersModel[], window: number, k: number, shape: NetShape = NET_SHAPE): tf.LayersModel {
  const input = tf.input({ shape: [window, k] });
  const outputs = members.map((_, i) => netLayers(input, window, k, shape, `member${i + 1}_`, () => undefined, false));
  const output = outputs.length === 1 ? outputs[0]! : (tf.layers.average({ name: 'mean' }).apply(outputs) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: output });
  members.forEach((m, i) => {
    for (const from of m.layers) if (from.weights.length > 0) model.getLayer(`member${i + 1}_${from.name}`).setWeights(from.getWeights());
  });
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
