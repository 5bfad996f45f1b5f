import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AVERAGED_ESTIMATES, loadRulPredictor, readRunToFailureCsv, trainRulModel, type RulPredictor, type RunToFailureData, type TrainedRulModel } from '../../../main/core/ml/rul';
import { MlInputError } from '../../../main/core/ml/ml-errors';
import { tf } from '../../../main/core/ml/runtime/backend';
import { quietContext, TrainingCancelled, type TrainProgress } from '../../../main/core/ml/runtime/train-context';
import { rowsOfUnits } from '../../helpers/ml-data';

// The RUL model on real data: NASA C-MAPSS FD001, 100 turbofan engines run to
// failure. Training cross-validates by engine: every engine is held out once,
// estimated by the network of its fold, which never saw it, at cuts drawn
// like the FD001 test set. The full-quality run (the defaults: 5 folds, up to
// 40 epochs) is in test/bench/ml-rul.ts; here 3 folds and 8 epochs keep the
// file fast and still show real learning.

const FD001 = readFileSync(join(__dirname, '..', '..', '..', 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8');
const CAP = 125;
const data = readRunToFailureCsv(FD001, { assetCol: 'c1', timeCol: 'c2', headerless: true });

/** Rows of one engine in the predictor's column order. */
function engineRows(p: RulPredictor, unit: number): number[][] {
  const f = data.featureCols.length;
  const cols = p.featureCols.map((c) => data.featureCols.indexOf(c));
  const out: number[][] = [];
  for (let r = 0; r < data.assets.length; r++) if (data.assets[r] === String(unit)) out.push(cols.map((j) => data.features[r * f + j]!));
  return out;
}

let trained: TrainedRulModel;
let predictor: RulPredictor;
const progress: TrainProgress[] = [];

beforeAll(async () => {
  trained = await trainRulModel(data, { cap: CAP, epochs: 8, folds: 3 }, { ...quietContext(42), progress: (p) => progress.push(p) });
  predictor = await loadRulPredictor(trained.artifact, trained.meta);
}, 120_000);

describe('RUL model trained on C-MAPSS FD001', () => {
  it('estimates held-out engines far better than a constant and reports cross-validated figures', () => {
    const m = trained.metrics;
    for (const k of ['val_rmse', 'val_mae', 'val_bias', 'val_nasa_score', 'val_coverage', 'val_rmse_capped', 'val_rmse_all_windows', 'val_rmse_last']) expect(Number.isFinite(m[k]), k).toBe(true);
    // Every engine is held out once, 10 cuts each.
    expect(m).toMatchObject({ val_units: 100, val_points: 1_000, folds: 3, members: 3, cut_min_rul: 7, cut_max_rul: 145, cut_min_history: 31 });
    expect(m.fit_units! + m.inner_units!).toBeCloseTo(200 / 3, 5);
    expect(m.feature_screen_folds_agree).toBe(3);
    // The figures are those of the held-out cuts the model returns.
    const cuts = trained.heldOut;
    expect(cuts).toHaveLength(1_000);
    expect(new Set(cuts.map((c) => c.asset)).size).toBe(100);
    for (const c of cuts) expect(c.truth >= 7 && c.truth <= 145 && c.row >= 30).toBe(true);
    expect(m.val_rmse).toBeCloseTo(Math.sqrt(cuts.reduce((s, c) => s + (c.predicted - c.truth) ** 2, 0) / cuts.length), 9);
    // A constant estimate at the cuts scores the spread of their true RUL (uniform on 7-145: ~40).
    const meanTruth = cuts.reduce((s, c) => s + c.truth, 0) / cuts.length;
    const constantRmse = Math.sqrt(cuts.reduce((s, c) => s + (c.truth - meanTruth) ** 2, 0) / cuts.length);
    expect(constantRmse).toBeGreaterThan(35);
    // Measured at 3 folds x 8 epochs, seed 42: 19.7 with the last 5 estimates averaged
    // (every row, capped: 17.7), 20.8 from the latest window alone (18.2); the defaults
    // reached 15.1 in the bench before averaging. The bound still fails a model that learnt little.
    expect(m.val_rmse!).toBeLessThan(0.6 * constantRmse);
    expect(m.val_mae!).toBeLessThanOrEqual(m.val_rmse!);
    // The plateau flatters: every row, capped truth, is easier than the cuts.
    expect(m.val_rmse_all_windows!).toBeLessThan(m.val_rmse!);
    expect(trained.trainRows).toBe(20_631);
    expect(trained.params).toMatchObject({ cap: CAP, window: 45, level: 0.9, folds: 3, seed: 42 });
    expect(progress.at(-1)?.fraction).toBe(1);
    expect(progress.some((p) => /^fold 3\/3, epoch \d+: inner validation RMSE/.test(p.message ?? ''))).toBe(true);
  });

  it('has an interval with near-nominal coverage on held-out engines', () => {
    // Nominal 0.9, measured on fold k's cuts with bands from the other folds.
    // The calibration engines' windows are correlated, so the spread is a few
    // points; 0.8-0.97 still fails an interval calibrated on the wrong
    // residuals or with a wrong rank.
    expect(trained.metrics.val_coverage!).toBeGreaterThan(0.8);
    expect(trained.metrics.val_coverage!).toBeLessThan(0.97);
    const bands = trained.meta.bands;
    expect(bands.length).toBe(3);
    for (const b of bands) expect(b.lower).toBeLessThanOrEqual(0);
    // Near failure errors are small; in the middle band (the "knee") they are largest.
    expect(bands[0]!.upper - bands[0]!.lower).toBeLessThan(bands[1]!.upper - bands[1]!.lower);
  });

  it('drops constant and uninformative columns and remembers them in a JSON-safe meta', () => {
    const meta = JSON.parse(JSON.stringify(trained.meta));
    expect(meta).toEqual(trained.meta);
    // FD001: setting 3 (c5) and sensors 1, 5, 10, 16, 18, 19 (c6, c10, c15, c21, c23, c24) never change.
    expect(meta.droppedConstant.map((d: { col: string }) => d.col).sort()).toEqual(['c10', 'c15', 'c21', 'c23', 'c24', 'c5', 'c6']);
    // Settings 1 and 2 are control noise in a one-condition data set.
    expect(meta.droppedUninformative.map((d: { col: string }) => d.col)).toEqual(['c3', 'c4']);
    expect(predictor.featureCols).toEqual(meta.featureCols);
    expect(predictor.featureCols).toHaveLength(15);
    expect(predictor).toMatchObject({ window: 45, average: 5, rowsRead: 49, cap: CAP, level: 0.9 });
    expect(meta.average).toBe(AVERAGED_ESTIMATES);
  });

  it('sees wear: high RUL early in an engine life, low at its end', () => {
    for (const unit of [2, 17, 69]) {
      const rows = engineRows(predictor, unit);
      const early = predictor.predict(rows.slice(0, 45));
      const end = predictor.predict(rows);
      expect(early.value, `engine ${unit} early`).toBeGreaterThan(90);
      expect(end.value, `engine ${unit} end`).toBeLessThan(25);
      for (const e of [early, end]) {
        expect(e.lower).toBeLessThanOrEqual(e.value);
        expect(e.upper).toBeGreaterThanOrEqual(e.value);
        expect(e.lower).toBeGreaterThanOrEqual(0);
        expect(e.value).toBeLessThanOrEqual(CAP);
      }
    }
  });

  it('pads a history shorter than the window by repeating its first row', () => {
    const rows = engineRows(predictor, 12);
    const short = rows.slice(0, 5);
    const padded = [...Array.from({ length: predictor.window - 5 }, () => short[0]!), ...short];
    const a = predictor.predict(short);
    expect(Number.isFinite(a.value)).toBe(true);
    // The padded rows, given as the whole history, make an older asset: equal only for a model blind to age.
    expect(predictor.predict(padded, predictor.readsAge ? predictor.window - 1 : undefined).value === a.value).toBe(!predictor.readsAge);
    // Only the rows read count (the window and the rows before it whose windows are averaged), given the age of the last row.
    expect(predictor.predict(rows.slice(0, 120))).toEqual(predictor.predict(rows.slice(120 - predictor.rowsRead, 120), 119));
    expect(predictor.predict(rows.slice(0, 120))).not.toEqual(predictor.predict(rows.slice(120 - predictor.window, 120), 119));
    expect(() => predictor.predict(rows.slice(0, 10), 5)).toThrow(/age must be an integer of at least 9/);
  });

  it('averages the aged estimates of the windows ending at the last rows, as computed one window at a time', async () => {
    // The same network read one window at a time: its estimates on the shorter
    // prefixes, each moved on by the rows since and clamped, averaged here.
    const one = await loadRulPredictor(trained.artifact, { ...trained.meta, average: 1 });
    try {
      expect(one).toMatchObject({ average: 1, rowsRead: 45 });
      const rows = engineRows(predictor, 17);
      // Late in life (some aged estimates reach 0), mid-life, and histories shorter than the estimates averaged.
      for (const n of [rows.length, rows.length - 3, 120, 3, 1]) {
        const age = n - 1 + 40;
        const singles = Array.from({ length: Math.min(5, n) }, (_, j) => one.predict(rows.slice(0, n - j), age - j).value);
        const aged = singles.map((v, j) => Math.min(CAP, Math.max(0, v - j)));
        const mean = aged.reduce((a, b) => a + b, 0) / aged.length;
        const est = predictor.predict(rows.slice(0, n), age);
        expect(est.value, `${n} rows`).toBeCloseTo(mean, 3);
        // The interval is the calibrated one around the averaged value.
        const band = trained.meta.bands.find((b) => b.upTo === null || est.value <= b.upTo)!;
        expect(est.upper).toBeCloseTo(est.value + band.upper, 3);
        expect(est.lower).toBeCloseTo(Math.max(0, est.value + band.lower), 3);
        // Mid-life, not the latest window alone (at the end of life both may be 0).
        if (n === 120) expect(est.value).not.toBe(singles[0]);
      }
    } finally {
      one.dispose();
    }
  });

  it('reads the asset age: the same window at another age gives another estimate', () => {
    expect(predictor.readsAge).toBe(true);
    expect(trained.meta.ageScale).toBe(CAP);
    // No direction is asserted: a healthy window at 300 cycles is a long-lived engine, which may have more left, not less.
    const recent = engineRows(predictor, 17).slice(60, 60 + predictor.window);
    expect(predictor.predict(recent, 300).value).not.toBe(predictor.predict(recent, predictor.window - 1).value);
  });

  it('scores every asset of a data set from its latest rows, in first-appearance order', () => {
    const subset = rowsOfUnits(data, (u) => u % 10 === 3);
    // Rows out of time order and engines interleaved: grouping and sorting are the predictor's job.
    const order = Array.from(subset.assets.keys()).reverse();
    const f = subset.featureCols.length;
    const shuffled: RunToFailureData = {
      ...subset,
      assets: order.map((i) => subset.assets[i]!),
      time: Float64Array.from(order, (i) => subset.time[i]!),
      features: (() => {
        const out = new Float32Array(subset.features.length);
        order.forEach((i, n) => out.set(subset.features.subarray(i * f, i * f + f), n * f));
        return out;
      })(),
    };
    const out = predictor.predictAssets(shuffled);
    expect(out.map((o) => o.asset)).toEqual(['93', '83', '73', '63', '53', '43', '33', '23', '13', '3']);
    for (const o of out) expect(o.value).toBeCloseTo(predictor.predict(engineRows(predictor, Number(o.asset))).value, 4);
  });

  it('refuses rows it cannot read', () => {
    const rows = engineRows(predictor, 1).slice(0, 3);
    expect(() => predictor.predict([])).toThrow(MlInputError);
    expect(() => predictor.predict([rows[0]!.slice(1)])).toThrow(/row 1 has 14 values; the model reads 15/);
    const bad = rows.map((r) => [...r]);
    bad[2]![4] = NaN;
    expect(() => predictor.predict(bad)).toThrow(/row 3: 'c12' is NaN, not a finite number/);
    bad[2]![4] = Infinity;
    expect(() => predictor.predict(bad)).toThrow(/not a finite number/);
    // Every row read is checked, also those before the latest window.
    const long = engineRows(predictor, 1).slice(0, 100).map((r) => [...r]);
    long[100 - predictor.rowsRead]![0] = NaN;
    expect(() => predictor.predict(long)).toThrow(new RegExp(`row ${100 - predictor.rowsRead + 1}: '${predictor.featureCols[0]}' is NaN`));
    const noSensor = { ...data, featureCols: data.featureCols.map((c) => (c === 'c12' ? 'other' : c)) };
    expect(() => predictor.predictAssets(noSensor)).toThrow(/lacks the model's feature column 'c12'/);
  });
});

describe('RUL training', () => {
  const small = rowsOfUnits(data, (u) => u <= 12);

  it('is reproducible from its seed', async () => {
    const run = async (seed: number) => {
      const m = await trainRulModel(small, { cap: CAP, epochs: 2, window: 20 }, quietContext(seed));
      const p = await loadRulPredictor(m.artifact, m.meta);
      try {
        return { metrics: m.metrics, out: p.predictAssets(small) };
      } finally {
        p.dispose();
      }
    };
    const tensors = tf.memory().numTensors;
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    // Training and prediction leave no tensor behind (weights, Adam moments, windows).
    expect(tf.memory().numTensors).toBe(tensors);
    expect(b.out).toEqual(a.out);
    expect(b.metrics).toEqual(a.metrics);
    expect(c.out).not.toEqual(a.out);
  }, 60_000);

  it('validates the averaged estimate: the same networks, the same cuts, the averaged values at them', async () => {
    const opts = { cap: CAP, epochs: 2, window: 20 };
    const single = await trainRulModel(small, opts, quietContext(5), { average: 1 });
    const averaged = await trainRulModel(small, opts, quietContext(5));
    expect(single.meta.average).toBe(1);
    expect(averaged.meta.average).toBe(AVERAGED_ESTIMATES);
    expect(averaged.params).toMatchObject({ average: AVERAGED_ESTIMATES });
    // Averaging is no part of fitting: the networks are the same, the figures are not.
    expect(Buffer.from(averaged.artifact.weightData).equals(Buffer.from(single.artifact.weightData))).toBe(true);
    expect(averaged.heldOut.map((c) => [c.asset, c.row, c.truth])).toEqual(single.heldOut.map((c) => [c.asset, c.row, c.truth]));
    expect(averaged.heldOut.map((c) => c.predicted)).not.toEqual(single.heldOut.map((c) => c.predicted));
    expect(averaged.metrics.val_rmse).not.toBe(single.metrics.val_rmse);
    expect(averaged.metrics.val_rmse).toBeCloseTo(Math.sqrt(averaged.heldOut.reduce((s, c) => s + (c.predicted - c.truth) ** 2, 0) / averaged.heldOut.length), 9);
    // The bands were calibrated on the averaged residuals, so they differ too.
    expect(averaged.meta.bands).not.toEqual(single.meta.bands);
  }, 60_000);

  it('needs at least two assets, and refuses bad options', async () => {
    const one = rowsOfUnits(data, (u) => u === 1);
    await expect(trainRulModel(one, {}, quietContext())).rejects.toThrow(/1 asset in column 'c1'; need at least 2, so that whole assets can be held out for validation/);
    await expect(trainRulModel(small, { window: 0 }, quietContext())).rejects.toThrow(/window must be an integer/);
    await expect(trainRulModel(small, { cap: -1 }, quietContext())).rejects.toThrow(/cap must be a positive number/);
    await expect(trainRulModel(small, { level: 1 }, quietContext())).rejects.toThrow(/level must be between 0 and 1/);
    await expect(trainRulModel(small, { folds: 1 }, quietContext())).rejects.toThrow(/folds must be an integer from 2 to 20/);
    for (const average of [0, 65, 2.5]) await expect(trainRulModel(small, {}, quietContext(), { average })).rejects.toThrow(/average must be an integer from 1 to 64/);
    const constant = { ...small, featureCols: ['c5', 'c6'], features: Float32Array.from({ length: small.assets.length * 2 }, (_, i) => (i % 2 ? 518.67 : 100)) };
    await expect(trainRulModel(constant, {}, quietContext())).rejects.toThrow(/every feature column is constant on the training assets \(c5, c6\)/);
  });

  it('trains with two assets (one held out) and stops when cancelled', async () => {
    const two = rowsOfUnits(data, (u) => u <= 2);
    const m = await trainRulModel(two, { cap: CAP, epochs: 1, window: 10 }, quietContext(1));
    // Two folds of one engine: each network is fitted on the other engine, which also picks its epoch.
    expect(m.metrics).toMatchObject({ val_units: 2, folds: 2, fit_units: 1, inner_units: 0, inner_in_sample: 1 });
    let batches = 0;
    const ctx = { ...quietContext(1), isCancelled: () => ++batches > 3 };
    await expect(trainRulModel(small, { epochs: 5 }, ctx)).rejects.toThrow(TrainingCancelled);
  });
});
