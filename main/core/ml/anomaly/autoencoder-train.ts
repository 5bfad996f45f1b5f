import { tf, ensureBackend } from '../runtime/backend';
import { captureModel } from '../runtime/artifact';
import { seedSequence, seededRandom, shuffledIndices } from '../runtime/random';
import { fitCallbacks, throwIfCancelled, type TrainContext } from '../runtime/train-context';
import { MlInputError, tooFewRows } from '../ml-errors';
import { buildAutoencoder, layerSizes, reconstructionErrors } from './autoencoder-net';
import { baselineRowsFor } from './baseline';
import { calibrate, calibrationFor, type WindowParts } from './calibrate';
import { cleanStarts, screenOutliers } from './outliers';
import { checkMatrix, fitNormalisation, normaliseValues } from './normalise';
import { centredFrames } from './window-frames';
import type { AnomalyModelMeta, AnomalyTrainOptions, SeriesMatrix, TrainedAnomalyModel } from './types';

// Training an asset's autoencoder on rows taken as normal. The rows are split
// in time: the first part trains the network; the last part (after a gap of
// one window, so no held-out window shares a row with a training window)
// measures how well it reconstructs windows it has not seen. The threshold
// is then calibrated on the windows of both parts (calibrate.ts).

export const DEFAULT_WINDOW = 24;
const DEFAULT_EPOCHS = 40;
const DEFAULT_BATCH = 64;
const DEFAULT_VALIDATION = 0.2;
/** Fewest windows on either side of the split. */
const MIN_TRAIN_WINDOWS = 16;
const MIN_VAL_WINDOWS = 8;
/** Training windows are subsampled evenly beyond this many values (windows x window x sensors). */
const MAX_TRAIN_VALUES = 24_000_000;
/** Windows per chunk when measuring reconstruction errors. */
const ERROR_CHUNK_VALUES = 4_000_000;

function meanOf(xs: Float32Array): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Fewest rows training accepts for a window length. */
export function minTrainRows(window: number): number {
  return window + MIN_TRAIN_WINDOWS - 1 + window + MIN_VAL_WINDOWS - 1;
}

/** Shape errors and window means (each count x sensors) of the windows starting at the given rows. */
export async function windowParts(model: tf.LayersModel, norm: Float32Array, starts: ArrayLike<number>, w: number, s: number): Promise<{ shape: Float32Array; means: Float32Array }> {
  const count = starts.length;
  const shape = new Float32Array(count * s);
  const means = new Float32Array(count * s);
  const per = Math.max(1, Math.floor(ERROR_CHUNK_VALUES / (w * s)));
  for (let k = 0; k < count; k += per) {
    const c = Math.min(per, count - k);
    const part = Array.prototype.slice.call(starts, k, k + c) as number[];
    const x = tf.tensor2d(centredFrames(norm, part, w, s, means.subarray(k * s, (k + c) * s)), [c, w * s]);
    const e = reconstructionErrors(model, x, w, s);
    shape.set(await e.data(), k * s);
    x.dispose();
    e.dispose();
  }
  return { shape, means };
}

export async function trainAnomalyModel(data: SeriesMatrix, opts: AnomalyTrainOptions, ctx: TrainContext): Promise<TrainedAnomalyModel> {
  await ensureBackend();
  const rows = checkMatrix(data, 'training data');
  const s = data.sensors.length;
  const w = opts.window ?? DEFAULT_WINDOW;
  const epochs = opts.epochs ?? DEFAULT_EPOCHS;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const valFrac = opts.validationFraction ?? DEFAULT_VALIDATION;
  if (!Number.isInteger(w) || w < 2) throw new MlInputError(`window must be an integer of at least 2, got ${w}`, { path: 'window' });
  if (!Number.isInteger(epochs) || epochs < 1) throw new MlInputError(`epochs must be a positive integer, got ${epochs}`, { path: 'epochs' });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MlInputError(`batchSize must be a positive integer, got ${batchSize}`, { path: 'batchSize' });
  if (!(valFrac > 0 && valFrac < 0.9)) throw new MlInputError(`validationFraction must be between 0 and 0.9, got ${valFrac}`, { path: 'validationFraction' });
  const baselineRows = baselineRowsFor(opts.baselineRows);
  const need = minTrainRows(w);
  if (rows < need) throw tooFewRows(`training data for a window of ${w}`, rows, need, 'values');

  // Split in time: validation windows start at or after `split`; training windows end before it.
  const split = Math.min(rows - (w + MIN_VAL_WINDOWS - 1), Math.max(w + MIN_TRAIN_WINDOWS - 1, Math.round(rows * (1 - valFrac))));
  const trainWindows = split - w + 1;
  const valWindows = rows - split - w + 1;

  // Outlier rows of the training data (outliers.ts) shape neither the statistics nor the threshold.
  const screen = screenOutliers(data, calibrationFor(s, opts.calibration).outlierMads);
  const norm = fitNormalisation(data, screen);
  const x = normaliseValues(data.values, norm);
  const nextSeed = seedSequence(ctx.seed);
  const encoder = layerSizes(w * s);
  const model = buildAutoencoder(w * s, encoder, nextSeed);
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'meanSquaredError' });

  const stride = Math.max(1, Math.ceil((trainWindows * w * s) / MAX_TRAIN_VALUES));
  const starts = Uint32Array.from({ length: Math.ceil(trainWindows / stride) }, (_, i) => i * stride);
  const order = shuffledIndices(starts.length, seededRandom(nextSeed()));
  const xTrain = tf.tensor2d(centredFrames(x, Array.from(order, (i) => starts[i]!), w, s), [order.length, w * s]);
  const valStride = Math.max(1, Math.ceil((valWindows * w * s) / (MAX_TRAIN_VALUES / 4)));
  const valStarts = Uint32Array.from({ length: Math.ceil(valWindows / valStride) }, (_, i) => split + i * valStride);
  const xVal = tf.tensor2d(centredFrames(x, valStarts, w, s), [valStarts.length, w * s]);
  let history: tf.History;
  let meta: AnomalyModelMeta;
  let artifact: TrainedAnomalyModel['artifact'];
  let trainParts: WindowParts;
  let valParts: WindowParts;
  try {
    try {
      history = await model.fit(xTrain, xTrain, {
        epochs,
        batchSize,
        shuffle: false,
        validationData: [xVal, xVal],
        verbose: 0,
        callbacks: fitCallbacks(ctx, model, epochs, [0, 0.9]),
      });
    } finally {
      xTrain.dispose();
      xVal.dispose();
    }
    throwIfCancelled(ctx);

    trainParts = await windowParts(model, x, cleanStarts(starts, w, screen), w, s);
    valParts = await windowParts(model, x, cleanStarts(valStarts, w, screen), w, s);
    const cal = calibrate([trainParts, valParts], s, opts.calibration);
    meta = {
      format: 'smc-anomaly-ae/1',
      sensors: [...data.sensors],
      window: w,
      normalisation: norm,
      parts: cal.parts,
      threshold: cal.threshold,
      hysteresis: cal.hysteresis,
      layers: encoder,
      activation: 'tanh',
      ...(baselineRows > 0 ? { baseline: { rows: baselineRows } } : {}),
    };
    artifact = await captureModel(model);
  } finally {
    model.dispose();
    optimizer.dispose(); // its moment estimates are tensors the model does not own
  }
  ctx.progress({ fraction: 1, step: 'done', message: 'calibrated' });
  const losses = history.history.loss as number[];
  const valLosses = (history.history.val_loss as number[] | undefined) ?? [];
  return {
    artifact,
    meta,
    metrics: {
      val_recon_error: meanOf(valParts.shape),
      train_recon_error: meanOf(trainParts.shape),
      threshold: meta.threshold,
      final_loss: losses[losses.length - 1] ?? NaN,
      final_val_loss: valLosses[valLosses.length - 1] ?? NaN,
      epochs_run: losses.length,
    },
    params: { window: w, epochs, batch_size: batchSize, validation_fraction: valFrac, layers: encoder, train_windows: starts.length, val_windows: valWindows, baseline_rows: baselineRows, outlier_rows: screen.count },
    trainRows: rows,
  };
}
