import { MlInputError } from '../ml-errors';
import { captureModel, type ModelArtifact } from '../runtime/artifact';
import { ensureBackend, tf } from '../runtime/backend';
import { seededRandom, shuffledIndices } from '../runtime/random';
import { fitCallbacks, throwIfCancelled, type TrainContext } from '../runtime/train-context';
import { calibrateBands } from './interval';
import { buildRulNet, CHUNK_WINDOWS, fillWindows, HIDDEN_UNITS, L2, predictWindowSet, type WindowSet } from './rul-net';
import { validationMetrics, windowRmse, type UnitPredictions } from './rul-evaluate';
import { chooseFeatures, MIN_CORRELATION } from './rul-features';
import type { RulModelMeta } from './rul-meta';
import type { RunToFailureData } from './run-to-failure-csv';
import { groupByAsset, rulTargets, standardise, type AssetRows, type Standardiser } from './windows';

// Training a RUL model from run-to-failure histories. The ASSETS (not rows)
// are split, seeded: `validationFraction` of them are held out for the
// reported metrics; of the rest, 15% (at least one) are the calibration
// assets, which pick the best epoch (early stopping) and calibrate the
// interval, and the others are fitted. Rows of one engine are strongly
// correlated, so a row split would leak the engine into its own validation.

export interface RulTrainOptions {
  /** Clip RUL targets above this (piece-wise linear degradation; 125 is usual for C-MAPSS). */
  cap?: number;
  /** Rows per window (default 40). */
  window?: number;
  epochs?: number;
  /** Share of assets held out for validation (default 0.2). */
  validationFraction?: number;
  /** Nominal coverage of the interval (default 0.9). */
  level?: number;
}

export interface TrainedRulModel {
  artifact: ModelArtifact;
  meta: RulModelMeta;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  trainRows: number;
}

export const RUL_DEFAULTS = { window: 40, epochs: 50, validationFraction: 0.2, level: 0.9 } as const;
const CALIBRATION_FRACTION = 0.15;
/** Weight of the newest row in the in-window smoothing: sensor noise in C-MAPSS is large against the slow wear. */
const SMOOTHING = 0.3;
const BATCH_SIZE = 256;
const LEARNING_RATE = 1e-3;
/** Epochs without a better calibration RMSE before training stops. */
const PATIENCE = 15;

function checkOptions(opts: RulTrainOptions): Required<Omit<RulTrainOptions, 'cap'>> & { cap: number | null } {
  const window = opts.window ?? RUL_DEFAULTS.window;
  const epochs = opts.epochs ?? RUL_DEFAULTS.epochs;
  const validationFraction = opts.validationFraction ?? RUL_DEFAULTS.validationFraction;
  const level = opts.level ?? RUL_DEFAULTS.level;
  const cap = opts.cap ?? null;
  if (!Number.isInteger(window) || window < 1 || window > 512) throw new MlInputError(`window must be an integer from 1 to 512, got ${window}`, { field: 'window' });
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 500) throw new MlInputError(`epochs must be an integer from 1 to 500, got ${epochs}`, { field: 'epochs' });
  if (!(validationFraction > 0 && validationFraction < 1)) throw new MlInputError(`validationFraction must be between 0 and 1, got ${validationFraction}`, { field: 'validationFraction' });
  if (!(level > 0 && level < 1)) throw new MlInputError(`level must be between 0 and 1, got ${level}`, { field: 'level' });
  if (cap !== null && !(Number.isFinite(cap) && cap > 0)) throw new MlInputError(`cap must be a positive number, got ${cap}`, { field: 'cap' });
  return { window, epochs, validationFraction, level, cap };
}

interface Split {
  fit: AssetRows[];
  calibration: AssetRows[];
  validation: AssetRows[];
}

function splitAssets(assets: AssetRows[], validationFraction: number, seed: number): Split {
  const n = assets.length;
  const order = Array.from(shuffledIndices(n, seededRandom(seed)), (i) => assets[i]!);
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * validationFraction)));
  const training = order.slice(nVal);
  // One training asset cannot be split further; see `calibrationInSample` below.
  const nCal = training.length < 2 ? 0 : Math.min(training.length - 1, Math.max(1, Math.round(training.length * CALIBRATION_FRACTION)));
  return { validation: order.slice(0, nVal), calibration: training.slice(0, nCal), fit: training.slice(nCal) };
}

/** Windows ending at every row of the given assets, with their targets. */
function windowSet(data: RunToFailureData, assets: AssetRows[], s: Standardiser, window: number, cap: number | null): { set: WindowSet; truth: Float64Array[] } {
  const series = assets.map((a) => standardise(data, a.rows, s));
  const truth = assets.map((a) => rulTargets(data, a.rows, cap));
  const total = assets.reduce((t, a) => t + a.rows.length, 0);
  const seriesOf = new Int32Array(total);
  const endOf = new Int32Array(total);
  let w = 0;
  assets.forEach((a, i) => {
    for (let r = 0; r < a.rows.length; r++, w++) {
      seriesOf[w] = i;
      endOf[w] = r;
    }
  });
  return { set: { series, k: s.keep.length, window, alpha: SMOOTHING, seriesOf, endOf }, truth };
}

/** Predicted RUL per asset of a window set, clamped to [0, cap]. */
function unitPredictions(model: tf.LayersModel, set: WindowSet, truth: Float64Array[], scale: number, cap: number | null): UnitPredictions[] {
  const raw = predictWindowSet(model, set);
  const max = cap ?? Infinity;
  let at = 0;
  return truth.map((t) => {
    const predicted = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) predicted[i] = Math.min(max, Math.max(0, raw[at++]! * scale));
    return { predicted, truth: t };
  });
}

const concat = (parts: Float64Array[]) => Float64Array.from(parts.flatMap((p) => Array.from(p)));

export async function trainRulModel(data: RunToFailureData, opts: RulTrainOptions, ctx: TrainContext): Promise<TrainedRulModel> {
  const { window, epochs, validationFraction, level, cap } = checkOptions(opts);
  const assets = groupByAsset(data);
  if (assets.length < 2) {
    throw new MlInputError(
      `run-to-failure data has ${assets.length} asset${assets.length === 1 ? '' : 's'} in column '${data.assetCol}'; need at least 2, so that whole assets can be held out for validation`,
      { field: data.assetCol },
    );
  }
  await ensureBackend();
  ctx.progress({ fraction: 0, step: 'preparing', message: 'preparing windows' });
  const split = splitAssets(assets, validationFraction, ctx.seed);
  const training = [...split.fit, ...split.calibration];
  const features = chooseFeatures(data, training, cap);
  const s = features.standardiser;
  if (s.keep.length === 0) {
    throw new MlInputError(`every feature column is constant on the training assets (${data.featureCols.join(', ')}): nothing to learn from`, { field: data.featureCols[0]! });
  }
  const k = s.keep.length;
  let maxTarget = 0;
  for (const a of training) maxTarget = Math.max(maxTarget, rulTargets(data, a.rows, cap)[0]!);
  const scale = cap ?? Math.max(1, maxTarget);

  const fit = windowSet(data, split.fit, s, window, cap);
  const yFit = Float32Array.from(fit.truth.flatMap((t) => Array.from(t, (v) => v / scale)));
  const calibrationInSample = split.calibration.length === 0;
  const cal = calibrationInSample ? fit : windowSet(data, split.calibration, s, window, cap);
  const val = windowSet(data, split.validation, s, window, cap);

  const model = buildRulNet(window, k, ctx.seed, LEARNING_RATE);
  let best: { rmse: number; epoch: number; weights: tf.Tensor[] } | null = null;
  let epochsRun = 0;
  try {
    const rand = seededRandom(ctx.seed ^ 0x5f3759df);
    const n = yFit.length;
    const callbacks = fitCallbacks(ctx, model, epochs, [0.02, 0.92]);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffledIndices(n, rand);
      for (let from = 0; from < n; from += CHUNK_WINDOWS) {
        const to = Math.min(n, from + CHUNK_WINDOWS);
        const xs = tf.tensor3d(fillWindows(fit.set, order, from, to), [to - from, window, k]);
        const ys = tf.tensor2d(Float32Array.from(order.subarray(from, to), (i) => yFit[i]!), [to - from, 1]);
        try {
          await model.fit(xs, ys, { batchSize: BATCH_SIZE, epochs: epoch + 1, initialEpoch: epoch, shuffle: false, verbose: 0, callbacks: to === n ? callbacks : { onBatchEnd: callbacks.onBatchEnd } });
        } finally {
          xs.dispose();
          ys.dispose();
        }
        throwIfCancelled(ctx);
      }
      epochsRun = epoch + 1;
      const rmse = windowRmse(unitPredictions(model, cal.set, cal.truth, scale, cap));
      ctx.progress({ fraction: 0.02 + (0.9 * (epoch + 1)) / epochs, epoch: epoch + 1, epochs, step: 'training', message: `epoch ${epoch + 1}: calibration RMSE ${rmse.toFixed(2)}` });
      if (best === null || rmse < best.rmse) {
        best?.weights.forEach((w) => w.dispose());
        best = { rmse, epoch: epoch + 1, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch + 1 - best.epoch >= PATIENCE) {
        break;
      }
    }
    model.setWeights(best!.weights);

    ctx.progress({ fraction: 0.94, step: 'calibrating', message: 'calibrating the interval' });
    const calPred = unitPredictions(model, cal.set, cal.truth, scale, cap);
    const bands = calibrateBands(concat(calPred.map((u) => u.predicted)), concat(calPred.map((u) => u.truth)), level);
    const valPred = unitPredictions(model, val.set, val.truth, scale, cap);
    const fitRmse = windowRmse(unitPredictions(model, fit.set, fit.truth, scale, cap));
    const artifact = await captureModel(model);

    const meta: RulModelMeta = {
      kind: 'rul',
      version: 1,
      assetCol: data.assetCol,
      timeCol: data.timeCol,
      featureCols: s.keep.map((j) => data.featureCols[j]!),
      requestedCols: [...data.featureCols],
      droppedConstant: features.droppedConstant,
      droppedUninformative: features.droppedUninformative,
      minCorrelation: MIN_CORRELATION,
      mean: s.mean,
      std: s.std,
      window,
      smoothing: SMOOTHING,
      cap,
      scale,
      level,
      bands,
    };
    const metrics: Record<string, number> = {
      ...validationMetrics(valPred, bands, cap, window, ctx.seed),
      calibration_rmse: best!.rmse,
      train_rmse: fitRmse,
      train_units: split.fit.length,
      calibration_units: split.calibration.length,
      calibration_in_sample: calibrationInSample ? 1 : 0,
      best_epoch: best!.epoch,
      epochs_run: epochsRun,
      features: k,
      interval_level: level,
    };
    ctx.progress({ fraction: 1, step: 'done', message: 'done' });
    return {
      artifact,
      meta,
      metrics,
      params: { cap, window, epochs, validationFraction, level, smoothing: SMOOTHING, hiddenUnits: [...HIDDEN_UNITS], l2: L2, batchSize: BATCH_SIZE, learningRate: LEARNING_RATE, patience: PATIENCE, seed: ctx.seed },
      trainRows: training.reduce((t, a) => t + a.rows.length, 0),
    };
  } finally {
    best?.weights.forEach((w) => w.dispose());
    // The model does not own an optimizer it was handed: its Adam moments would outlive it.
    model.optimizer?.dispose();
    model.dispose();
  }
}
