import { tf } from '../runtime/backend';
import type { DenseLayer } from './dense-pass';

// The autoencoder itself: dense layers over a flattened window of all the
// asset's sensors (window x sensors inputs, each sensor centred on its
// window mean: window-frames.ts), squeezed through a small code and
// expanded back. tanh hidden units saturate, so a shape far outside what
// training saw cannot be reproduced by extrapolating — its error grows.
//
// Two ways to run it: TF.js over big batches (scoring a history), and the
// plain-JS pass of the same weights (dense-pass.ts) for online scoring,
// which needs no TF.js and so also runs in the online scoring worker.

/** Encoder layer sizes for an input of `inputs` values; the decoder mirrors them. */
export function layerSizes(inputs: number): number[] {
  const hidden = Math.min(128, Math.max(16, Math.round(inputs / 2)));
  const code = Math.min(16, Math.max(3, Math.round(inputs / 10)));
  return [hidden, code];
}

export function buildAutoencoder(inputs: number, encoder: number[], nextSeed: () => number): tf.Sequential {
  const sizes = [...encoder, ...encoder.slice(0, -1).reverse(), inputs];
  const model = tf.sequential();
  sizes.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: i === sizes.length - 1 ? 'linear' : 'tanh',
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  });
  return model;
}

/**
 * Per-sensor mean squared reconstruction error of windows [n, window*sensors]
 * (row-major within a window): returns [n, sensors].
 */
export function reconstructionErrors(model: tf.LayersModel, x: tf.Tensor2D, window: number, sensors: number): tf.Tensor2D {
  return tf.tidy(() => {
    const y = model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor2D;
    return tf.squaredDifference(y, x).reshape([x.shape[0], window, sensors]).mean(1) as tf.Tensor2D;
  });
}

/** The model's dense layers as plain arrays, for the single-window pass. */
export function denseLayers(model: tf.LayersModel): DenseLayer[] {
  return model.layers.map((layer, i) => {
    const [k, b] = layer.getWeights();
    if (!k || !b || k.shape.length !== 2) throw new Error(`layer ${i} of the anomaly model is not a dense layer`);
    const inputs = k.shape[0]!;
    const units = k.shape[1]!;
    const kernel = k.dataSync();
    const weights = new Float32Array(inputs * units);
    for (let r = 0; r < inputs; r++) for (let u = 0; u < units; u++) weights[u * inputs + r] = kernel[r * units + u]!;
    return { inputs, units, weights, bias: Float32Array.from(b.dataSync()), tanh: i < model.layers.length - 1 };
  });
}
