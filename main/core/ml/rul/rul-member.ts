import { tf } from '../runtime/backend';
import { seededRandom, shuffledIndices } from '../runtime/random';
import { throwIfCancelled, type TrainContext } from '../runtime/train-context';
import { buildRulNet, CHUNK_WINDOWS, fillWindows, predictWindowSet, type NetShape, type RulLoss, type WindowSet } from './rul-net';
import type { RunToFailureData } from './run-to-failure-csv';
import { rmse } from './rul-scores';
import { eligibleCuts, type TruncationProtocol } from './truncation';
import { rulTargets, standardise, withAge, type AssetRows, type Standardiser } from './windows';

// One member of the ensemble: a network fitted on some assets, its epoch
// chosen on other (inner validation) assets by the same measure the
// validation reports — RMSE against the true, uncapped RUL at the rows the
// test protocol may cut at. The assets it is finally judged on take no part.

/** How one network is built (its layers: NetShape) and fitted (train-rul.ts's RUL_TUNING gives the values). */
export interface NetTuning extends NetShape {
  /** Weight of the newest row in the in-window smoothing: sensor noise in C-MAPSS is large against the slow wear. */
  smoothing: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better inner-validation RMSE before a network stops. */
  patience: number;
  /** Training loss (rul-net.ts: Huber's within HUBER_DELTA). */
  loss: RulLoss;
  /**
   * Weight an epoch's candidate gives the previous candidate: 0 scores (and
   * keeps) each epoch's own weights, 0.7 a running average of the weights over
   * epochs (its last epochs' mostly), damping where the last batches left them.
   */
  weightAverage: number;
  /** Share of the windows far beyond the cap (true RUL > 1.5 cap) drawn into each epoch. */
  farKeep: number;
  /** Feed each row's age (rows since the history's first) as one more column (windows.ts `withAge`). */
  age: boolean;
}

export interface MemberSettings extends NetTuning {
  window: number;
  epochs: number;
  cap: number | null;
  scale: number;
  protocol: TruncationProtocol;
}

/** Windows ending at every row of the given assets, with their capped and true RUL. */
export interface AssetWindows {
  set: WindowSet;
  /** Per asset: capped RUL of each row (the training target). */
  capped: Float64Array[];
  /** Per asset: true, uncapped RUL of each row. */
  truth: Float64Array[];
}

/** `ageScale`: the age column's divisor, null without one. */
export function assetWindows(data: RunToFailureData, assets: AssetRows[], s: Standardiser, window: number, smoothing: number, cap: number | null, ageScale: number | null = null): AssetWindows {
  const k = s.keep.length + (ageScale === null ? 0 : 1);
  const series = assets.map((a) => (ageScale === null ? standardise(data, a.rows, s) : withAge(standardise(data, a.rows, s), s.keep.length, ageScale)));
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
  return {
    set: { series, k, window, alpha: smoothing, seriesOf, endOf },
    capped: assets.map((a) => rulTargets(data, a.rows, cap)),
    truth: assets.map((a) => rulTargets(data, a.rows, null)),
  };
}

/** Predicted RUL of every window, per asset, clamped to [0, cap]. */
export function predictAssets(model: tf.LayersModel, w: AssetWindows, scale: number, cap: number | null): Float64Array[] {
  const raw = predictWindowSet(model, w.set);
  const max = cap ?? Infinity;
  let at = 0;
  return w.truth.map((t) => {
    const p = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) p[i] = Math.min(max, Math.max(0, raw[at++]! * scale));
    return p;
  });
}

/** RMSE against the true RUL over every row the protocol may cut at. */
function protocolRmse(predicted: Float64Array[], w: AssetWindows, p: TruncationProtocol): number {
  const errors: number[] = [];
  w.truth.forEach((t, a) => {
    for (const i of eligibleCuts(t, p)) errors.push(predicted[a]![i]! - t[i]!);
  });
  return rmse(errors);
}

export interface TrainedMember {
  model: tf.LayersModel;
  bestEpoch: number;
  epochsRun: number;
  innerRmse: number;
}

/**
 * Fits one network on `fit` and keeps the weights of the epoch that scored
 * best on `inner` (on `fit` itself when there is no inner asset). `report`
 * receives the epoch and its inner RMSE.
 */
export async function trainMember(fit: AssetWindows, inner: AssetWindows, cfg: MemberSettings, seed: number, ctx: TrainContext, report: (epoch: number, innerRmse: number) => void): Promise<TrainedMember> {
  const { window, scale } = cfg;
  const k = fit.set.k;
  const yFit = Float32Array.from(fit.capped.flatMap((t) => Array.from(t, (v) => v / scale)));
  // Windows far beyond the cap all carry the cap as target and say the same thing
  // (healthy); a fresh share of them per epoch keeps that lesson at less cost.
  const far = Uint8Array.from(fit.truth.flatMap((t) => Array.from(t, (v) => (cfg.cap !== null && v > 1.5 * cfg.cap ? 1 : 0))));
  const model = buildRulNet(window, k, seed, cfg.learningRate, cfg, cfg.loss);
  let best: { rmse: number; epoch: number; weights: tf.Tensor[] } | null = null;
  let epochsRun = 0;
  let average: tf.Tensor[] | null = null;
  try {
    const rand = seededRandom(seed ^ 0x5f3759df);
    const onBatchEnd = async () => {
      if (ctx.isCancelled()) model.stopTraining = true;
    };
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const shuffled = shuffledIndices(yFit.length, rand);
      const order = cfg.farKeep >= 1 ? shuffled : shuffled.filter((i) => far[i] === 0 || rand() < cfg.farKeep);
      const n = order.length;
      for (let from = 0; from < n; from += CHUNK_WINDOWS) {
        const to = Math.min(n, from + CHUNK_WINDOWS);
        const xs = tf.tensor3d(fillWindows(fit.set, order, from, to), [to - from, window, k]);
        const ys = tf.tensor2d(Float32Array.from(order.subarray(from, to), (i) => yFit[i]!), [to - from, 1]);
        try {
          await model.fit(xs, ys, { batchSize: cfg.batchSize, epochs: epoch + 1, initialEpoch: epoch, shuffle: false, verbose: 0, callbacks: { onBatchEnd } });
        } finally {
          xs.dispose();
          ys.dispose();
        }
        throwIfCancelled(ctx);
      }
      epochsRun = epoch + 1;
      // With weight averaging the epoch's candidate is the running average; training goes on from the epoch's own weights.
      let current: tf.Tensor[] | null = null;
      if (cfg.weightAverage > 0) {
        const now = model.getWeights().map((w) => w.clone());
        const previous: tf.Tensor[] | null = average;
        const next: tf.Tensor[] = previous === null ? now.map((w) => w.clone()) : previous.map((a, i) => tf.tidy(() => a.mul(cfg.weightAverage).add(now[i]!.mul(1 - cfg.weightAverage))));
        previous?.forEach((w) => w.dispose());
        average = next;
        current = now;
        model.setWeights(next);
      }
      const score = protocolRmse(predictAssets(model, inner, scale, cfg.cap), inner, cfg.protocol);
      report(epoch + 1, score);
      const improved = best === null || score < best.rmse;
      if (improved) {
        best?.weights.forEach((w) => w.dispose());
        best = { rmse: score, epoch: epoch + 1, weights: model.getWeights().map((w) => w.clone()) };
      }
      if (current !== null) {
        model.setWeights(current);
        current.forEach((w) => w.dispose());
      }
      if (!improved && epoch + 1 - best!.epoch >= cfg.patience) break;
    }
    model.setWeights(best!.weights);
    return { model, bestEpoch: best!.epoch, epochsRun, innerRmse: best!.rmse };
  } catch (err) {
    model.optimizer?.dispose();
    model.dispose();
    throw err;
  } finally {
    best?.weights.forEach((w) => w.dispose());
    average?.forEach((w) => w.dispose());
  }
}
