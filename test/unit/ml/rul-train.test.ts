import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRulPredictor, readRunToFailureCsv, trainRulModel, type RulPredictor, type RunToFailureData, type TrainedRulModel } from '../../../main/core/ml/rul';
import { MlInputError } from '../../../main/core/ml/ml-errors';
import { tf } from '../../../main/core/ml/runtime/backend';
import { quietContext, TrainingCancelled, type TrainProgress } from '../../../main/core/ml/runtime/train-context';

// The RUL model on real data: NASA C-MAPSS FD001, 100 turbofan engines run to
// failure. Training holds whole engines out (20 for validation, 12 of the
// rest for early stopping and the interval). The full-quality run (50 epochs,
// validation RMSE 10.6-13.6 over eight seeded splits) is in test/bench/ml-rul.ts;
// here 12 epochs keep the file fast and still show real learning.

const FD001 = readFileSync(join(__dirname, '..', '..', '..', 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8');
const CAP = 125;
const data = readRunToFailureCsv(FD001, { assetCol: 'c1', timeCol: 'c2', headerless: true });

/** The rows of the given engines only. */
function units(d: RunToFailureData, keep: (unit: number) => boolean): RunToFailureData {
  const f = d.featureCols.length;
  const rows = d.assets.flatMap((a, i) => (keep(Number(a)) ? [i] : []));
  const features = new Float32Array(rows.length * f);
  rows.forEach((r, i) => features.set(d.features.subarray(r * f, r * f + f), i * f));
  return { ...d, assets: rows.map((r) => d.assets[r]!), time: Float64Array.from(rows, (r) => d.time[r]!), features };
}

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
  trained = await trainRulModel(data, { cap: CAP, epochs: 12 }, { ...quietContext(42), progress: (p) => progress.push(p) });
  predictor = await loadRulPredictor(trained.artifact, trained.meta);
}, 120_000);

describe('RUL model trained on C-MAPSS FD001', () => {
  it('predicts validation engines far better than a constant and reports its metrics', () => {
    const m = trained.metrics;
    for (const k of ['val_rmse', 'val_mae', 'val_coverage', 'val_units', 'val_rmse_truncated', 'val_rmse_last', 'calibration_rmse']) expect(Number.isFinite(m[k]), k).toBe(true);
    expect(m.val_units).toBe(20);
    expect(m.train_units! + m.calibration_units!).toBe(80);
    // A constant prediction scores the spread of the capped RUL itself.
    const last = new Map<string, number>();
    data.assets.forEach((a, r) => last.set(a, Math.max(last.get(a) ?? 0, data.time[r]!)));
    const truth = data.assets.map((a, r) => Math.min(CAP, last.get(a)! - data.time[r]!));
    const mean = truth.reduce((s, v) => s + v, 0) / truth.length;
    const constantRmse = Math.sqrt(truth.reduce((s, v) => s + (v - mean) ** 2, 0) / truth.length);
    expect(constantRmse).toBeGreaterThan(35);
    // Measured at 12 epochs over seeds 1, 2, 7, 42: val_rmse 14.5-16.8,
    // truncation-point RMSE 14.1-17.0 (50 epochs: 10.6-13.6 over eight seeds). 20 allows
    // the spread of splits (seed 42, used here, is the worst of the four) and
    // still fails a model that learnt little (a constant scores ~42).
    expect(m.val_rmse!).toBeLessThan(20);
    expect(m.val_rmse_truncated!).toBeLessThan(22);
    expect(m.val_rmse!).toBeLessThan(0.5 * constantRmse);
    expect(m.val_mae!).toBeLessThanOrEqual(m.val_rmse!);
    expect(trained.trainRows).toBeGreaterThan(15_000);
    expect(trained.params).toMatchObject({ cap: CAP, window: 40, level: 0.9, seed: 42 });
    expect(progress.at(-1)?.fraction).toBe(1);
  });

  it('has an interval with near-nominal coverage on held-out engines', () => {
    // Nominal 0.9; measured 0.85-0.89 at 12 epochs, 0.82-0.93 at 50 over
    // eight splits. The 12 calibration engines are few and their windows
    // correlated, so the spread is a few points; 0.75-0.97 still fails an
    // interval calibrated on the wrong residuals or with a wrong rank.
    expect(trained.metrics.val_coverage!).toBeGreaterThan(0.75);
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
    expect(predictor).toMatchObject({ window: 40, cap: CAP, level: 0.9 });
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
        expect(e.upper).toBeLessThanOrEqual(CAP);
      }
    }
  });

  it('pads a history shorter than the window by repeating its first row', () => {
    const rows = engineRows(predictor, 12);
    const short = rows.slice(0, 5);
    const padded = [...Array.from({ length: predictor.window - 5 }, () => short[0]!), ...short];
    const a = predictor.predict(short);
    expect(Number.isFinite(a.value)).toBe(true);
    expect(predictor.predict(padded)).toEqual(a);
    expect(predictor.predict(rows.slice(0, 1))).toEqual(predictor.predict(Array.from({ length: predictor.window }, () => rows[0]!)));
    // Only the latest window counts.
    expect(predictor.predict(rows.slice(0, 120))).toEqual(predictor.predict(rows.slice(120 - predictor.window, 120)));
  });

  it('scores every asset of a data set from its latest window, in first-appearance order', () => {
    const subset = units(data, (u) => u % 10 === 3);
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
    const noSensor = { ...data, featureCols: data.featureCols.map((c) => (c === 'c12' ? 'other' : c)) };
    expect(() => predictor.predictAssets(noSensor)).toThrow(/lacks the model's feature column 'c12'/);
  });
});

describe('RUL training', () => {
  const small = units(data, (u) => u <= 12);

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

  it('needs at least two assets, and refuses bad options', async () => {
    const one = units(data, (u) => u === 1);
    await expect(trainRulModel(one, {}, quietContext())).rejects.toThrow(/1 asset in column 'c1'; need at least 2, so that whole assets can be held out for validation/);
    await expect(trainRulModel(small, { window: 0 }, quietContext())).rejects.toThrow(/window must be an integer/);
    await expect(trainRulModel(small, { cap: -1 }, quietContext())).rejects.toThrow(/cap must be a positive number/);
    await expect(trainRulModel(small, { level: 1 }, quietContext())).rejects.toThrow(/level must be between 0 and 1/);
    const constant = { ...small, featureCols: ['c5', 'c6'], features: Float32Array.from({ length: small.assets.length * 2 }, (_, i) => (i % 2 ? 518.67 : 100)) };
    await expect(trainRulModel(constant, {}, quietContext())).rejects.toThrow(/every feature column is constant on the training assets \(c5, c6\)/);
  });

  it('trains with two assets (one held out) and stops when cancelled', async () => {
    const two = units(data, (u) => u <= 2);
    const m = await trainRulModel(two, { cap: CAP, epochs: 1, window: 10 }, quietContext(1));
    expect(m.metrics).toMatchObject({ val_units: 1, train_units: 1, calibration_units: 0, calibration_in_sample: 1 });
    let batches = 0;
    const ctx = { ...quietContext(1), isCancelled: () => ++batches > 3 };
    await expect(trainRulModel(small, { epochs: 5 }, ctx)).rejects.toThrow(TrainingCancelled);
  });
});
