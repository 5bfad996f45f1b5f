import { tf, ensureBackend } from '../runtime/backend';
import { captureModel } from '../runtime/artifact';
import { seededRandom, seedSequence, shuffledIndices } from '../runtime/random';
import { fitCallbacks, throwIfCancelled, type TrainContext } from '../runtime/train-context';
import { checkLevel, conformalBands, coverage } from './intervals';
import { buildNetwork, features, HIDDEN_UNITS, inputDim, rollForward } from './network';
import { checkSeries, checkSteps, meanStd, tooFewRows } from './series-checks';
import type { ForecastModelMeta, ForecastTrainOptions, RegularSeries, TrainedForecastModel } from './types';

// Training of a sensor's forecaster. Forecast origins (the last observed
// step of each window) are split in time order:
//   train (70%) | gap of `horizon` | calibration (15%) | validation (15%)
// The gap keeps training targets out of the calibration windows' targets.
// The network learns on train; calibration residuals give the interval
// bands whose coverage is measured on validation (val_coverage), and the
// bands stored with the model come from calibration and validation together
// (both unseen by the network; more and more recent residuals).

export const DEFAULTS = { lookback: 48, horizon: 24, epochs: 40, level: 0.9 } as const;
const BATCH = 256;
const LEARNING_RATE = 2e-3;
/**
 * At most this many training and held-out windows (evenly thinned beyond),
 * and at most FLOAT_BUDGET numbers per copy of them, so memory and time stay
 * bounded on long histories and long windows.
 */
const MAX_TRAIN_WINDOWS = 60_000;
const MAX_HELD_OUT = 20_000;
const FLOAT_BUDGET = 8_000_000;
const MIN_TRAIN = 16;
const MIN_HELD_OUT = 8;
/** Roll-forward steps calibrated beyond the network's horizon. */
const ROLL_CALIBRATION_FACTOR = 4;
const MIN_ROLL_ORIGINS = 50;

/** Windows of normalised values ending at origins t (the last observed index). */
function windowsAt(z: Float32Array, origins: number[], lookback: number): Float32Array {
  const out = new Float32Array(origins.length * lookback);
  origins.forEach((t, i) => out.set(z.subarray(t - lookback + 1, t + 1), i * lookback));
  return out;
}

function range(from: number, to: number, stride = 1): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += stride) out.push(t);
  return out;
}

export async function trainForecastModel(series: RegularSeries, opts: ForecastTrainOptions, ctx: TrainContext): Promise<TrainedForecastModel> {
  checkSeries(series);
  const lookback = checkSteps('lookback', opts.lookback ?? DEFAULTS.lookback, 2, 4096);
  const horizon = checkSteps('horizon', opts.horizon ?? DEFAULTS.horizon, 1, 4096);
  const epochs = checkSteps('epochs', opts.epochs ?? DEFAULTS.epochs, 1, 10_000);
  const level = checkLevel(opts.level ?? DEFAULTS.level);
  const x = series.values;
  const n = x.length;
  const need = lookback + 2 * horizon + MIN_TRAIN + 2 * MIN_HELD_OUT;
  if (n < need) throw tooFewRows(`series too short for lookback ${lookback} and horizon ${horizon}`, n, need, 'values');
  await ensureBackend();

  // Origins t with a full window behind and `horizon` targets ahead.
  const first = lookback - 1;
  const origins = n - lookback - horizon + 1;
  const nHeld = Math.max(MIN_HELD_OUT, Math.floor(origins * 0.15));
  const nTrain = origins - horizon - 2 * nHeld;
  if (nTrain < MIN_TRAIN) throw tooFewRows(`series too short for lookback ${lookback} and horizon ${horizon}`, n, need + (MIN_TRAIN - nTrain), 'values');
  const trainEnd = first + nTrain; // exclusive
  const calStart = trainEnd + horizon;
  const valStart = calStart + nHeld;
  const valEnd = first + origins;

  const { mean, std: rawStd } = meanStd(x, 0, trainEnd + horizon);
  const std = rawStd > 0 ? rawStd : 1;
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) z[i] = (x[i]! - mean) / std;

  const maxTrain = Math.max(MIN_TRAIN, Math.min(MAX_TRAIN_WINDOWS, Math.floor(FLOAT_BUDGET / (lookback + 1 + horizon))));
  const trainOrigins = range(first, trainEnd, Math.ceil(nTrain / maxTrain));
  const X = windowsAt(z, trainOrigins, lookback);
  const Y = new Float32Array(trainOrigins.length * horizon);
  trainOrigins.forEach((t, i) => {
    for (let k = 1; k <= horizon; k++) Y[i * horizon + k - 1] = z[t + k]! - z[t]!;
  });

  const nextSeed = seedSequence(ctx.seed);
  const model = buildNetwork(lookback, horizon, nextSeed);
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'meanAbsoluteError' });
  const xAll = tf.tensor2d(features(X, lookback), [trainOrigins.length, inputDim(lookback)]);
  const yAll = tf.tensor2d(Y, [trainOrigins.length, horizon]);
  const rand = seededRandom(nextSeed());
  const callbacks = fitCallbacks(ctx, model, epochs, [0, 0.9]);
  try {
    // One fit call per epoch, each on a fresh seeded shuffle.
    for (let e = 0; e < epochs && !model.stopTraining; e++) {
      const idx = tf.tensor1d(Int32Array.from(shuffledIndices(trainOrigins.length, rand)), 'int32');
      const xs = tf.gather(xAll, idx);
      const ys = tf.gather(yAll, idx);
      try {
        await model.fit(xs, ys, { batchSize: BATCH, epochs: e + 1, initialEpoch: e, shuffle: false, verbose: 0, callbacks });
      } finally {
        tf.dispose([idx, xs, ys]);
      }
    }
  } finally {
    tf.dispose([xAll, yAll]);
  }
  throwIfCancelled(ctx);

  try {
    // Held-out forecasts, rolled beyond the horizon so long requests have calibrated bands too.
    const maxHeld = Math.max(2 * MIN_HELD_OUT, Math.min(MAX_HELD_OUT, Math.floor(FLOAT_BUDGET / (lookback + 1 + rollSteps(horizon)))));
    const heldOrigins = range(calStart, valEnd, Math.ceil((valEnd - calStart) / maxHeld));
    const steps = calibratedSteps(heldOrigins, n, horizon);
    const pred = rollForward(model, windowsAt(z, heldOrigins, lookback), lookback, horizon, steps);
    const calRes: number[][] = Array.from({ length: steps }, () => []);
    const allRes: number[][] = Array.from({ length: steps }, () => []);
    const valRes: number[][] = Array.from({ length: horizon }, () => []);
    let absErr = 0;
    let sqErr = 0;
    let baseAbs = 0;
    let count = 0;
    heldOrigins.forEach((t, i) => {
      for (let k = 1; k <= steps && t + k < n; k++) {
        const r = x[t + k]! - (mean + std * pred[i * steps + k - 1]!);
        allRes[k - 1]!.push(r);
        if (t < valStart) calRes[k - 1]!.push(r);
        else if (k <= horizon) {
          valRes[k - 1]!.push(r);
          absErr += Math.abs(r);
          sqErr += r * r;
          baseAbs += Math.abs(x[t + k]! - x[t]!);
          count++;
        }
      }
    });
    ctx.progress({ fraction: 0.95, step: 'calibrating', message: 'calibrating prediction intervals' });
    const scale = meanStd(x).std || 1;
    const valMae = absErr / count;
    const calBands = conformalBands(calRes.slice(0, horizon), level);
    const bands = conformalBands(allRes, level);
    const metrics: Record<string, number> = {
      val_mae: valMae,
      val_rmse: Math.sqrt(sqErr / count),
      val_nmae: valMae / scale,
      val_coverage: coverage(valRes, calBands),
      baseline_mae: baseAbs / count,
      baseline_nmae: baseAbs / count / scale,
      val_interval_width_nmae: meanWidth(calBands) / scale,
      val_windows: valRes[0]!.length,
      calibration_windows: heldOrigins.length,
    };
    const meta: ForecastModelMeta = {
      format: 'smc-forecast-mlp', version: 1, lookback, horizon, level, stepMs: series.stepMs, mean, std, bands, calibrationWindows: heldOrigins.length,
    };
    const artifact = await captureModel(model);
    ctx.progress({ fraction: 1, step: 'done', message: 'done' });
    return {
      artifact, meta, metrics, trainRows: trainOrigins.length,
      params: { lookback, horizon, epochs, level, hidden_units: HIDDEN_UNITS, batch_size: BATCH, learning_rate: LEARNING_RATE, loss: 'mae', target: 'change from last value', calibrated_steps: bands.lo.length },
    };
  } finally {
    // The model does not own the optimizer it was handed: its Adam moments would outlive it.
    model.optimizer?.dispose();
    model.dispose();
  }
}

/** Steps calibrated by rolling forward: up to 4 horizons (capped at 512), while enough origins have targets that far. */
function calibratedSteps(origins: number[], n: number, horizon: number): number {
  let steps = rollSteps(horizon);
  while (steps > horizon && origins.filter((t) => t + steps < n).length < MIN_ROLL_ORIGINS) steps = Math.max(horizon, steps - horizon);
  return steps;
}

function rollSteps(horizon: number): number {
  return Math.max(horizon, Math.min(ROLL_CALIBRATION_FACTOR * horizon, 512));
}

function meanWidth(b: { lo: number[]; hi: number[] }): number {
  let s = 0;
  for (let k = 0; k < b.lo.length; k++) s += b.hi[k]! - b.lo[k]!;
  return s / b.lo.length;
}
