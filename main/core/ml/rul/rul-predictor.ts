import { MlInputError } from '../ml-errors';
import { restoreModel, type ModelArtifact } from '../runtime/artifact';
import { ensureBackend, type tf } from '../runtime/backend';
import { float32Decimal } from '../runtime/decimals';
import { intervalFor } from './interval';
import { predictWindowSet, type WindowSet } from './rul-net';
import { parseRulMeta, type RulModelMeta } from './rul-meta';
import type { RunToFailureData } from './run-to-failure-csv';
import { groupByAsset, withAge } from './windows';

// A loaded RUL model. It reads the latest W rows of an asset (fewer are padded
// by repeating the oldest, as in training), standardised and smoothed exactly
// as in training, and answers RUL with its calibrated interval. Values are in
// the time column's units, within [0, cap]: a value at the cap means "at
// least cap", since training targets were clipped there; the interval bounds
// the true RUL, so its upper end may lie beyond the cap. They come from a
// float32 network and are returned as float32 decimals (runtime/decimals.ts).
//
// A model trained with the age input (meta.ageScale) also reads each row's
// age, the rows before it in the asset's history: that is the only input
// beyond the latest window, and it assumes the history given starts at the
// asset's first cycle (C-MAPSS: cycle 1). A caller holding only recent rows
// must pass the age of the last one, or the asset is taken for as young as
// the rows it sent. Models saved without it (no ageScale) read the window
// alone, as before.

export interface RulEstimate {
  value: number;
  lower: number;
  upper: number;
}

export interface RulPredictor {
  /** The columns `predict` rows hold, in this order. */
  featureCols: string[];
  window: number;
  cap: number | null;
  level: number;
  /** The model reads the asset's age (rows since its history's first): `predict` needs the whole history, or `age`. */
  readsAge: boolean;
  /**
   * Rows of ONE asset, oldest first, in `featureCols` order (only the last
   * `window` are used). A model that reads age takes the last row's age from
   * `age` when given, else assumes `rows` is the whole history (age
   * rows.length - 1): pass `age` when sending only the latest rows.
   */
  predict(rows: number[][], age?: number): RulEstimate;
  /** One estimate per asset, in first-appearance order, from each asset's latest window. */
  predictAssets(data: RunToFailureData): ({ asset: string } & RulEstimate)[];
  dispose(): void;
}

export async function loadRulPredictor(artifact: ModelArtifact, metaIn: RulModelMeta): Promise<RulPredictor> {
  const meta = parseRulMeta(metaIn, 'model');
  await ensureBackend();
  let model: tf.LayersModel;
  try {
    model = await restoreModel(artifact);
  } catch (err) {
    throw new MlInputError(`the RUL model's network cannot be loaded: ${(err as Error).message}`, { path: 'model' });
  }
  const shape = model.inputs[0]?.shape;
  const k = meta.featureCols.length;
  const ageScale = meta.ageScale ?? null;
  const netK = k + (ageScale === null ? 0 : 1);
  if (!shape || shape[1] !== meta.window || shape[2] !== netK) {
    model.dispose();
    throw new MlInputError(`the RUL model's network takes input ${JSON.stringify(shape)}, but its description says ${meta.window} rows x ${netK} columns${ageScale === null ? '' : ' (features and age)'}`, { path: 'model' });
  }
  let disposed = false;

  /** Standardised series of the given rows (rows x k, plus the age column when the model reads it; `lastAge`: the last row's). */
  const toSeries = (rowCount: number, value: (r: number, j: number) => number, lastAge: number): Float32Array => {
    const s = new Float32Array(rowCount * k);
    for (let r = 0; r < rowCount; r++) for (let j = 0; j < k; j++) s[r * k + j] = (Math.fround(value(r, j)) - meta.mean[j]!) / meta.std[j]!;
    return ageScale === null ? s : withAge(s, k, ageScale, lastAge - (rowCount - 1));
  };

  const estimates = (set: WindowSet): RulEstimate[] => {
    if (disposed) throw new Error('RUL predictor was disposed');
    const raw = predictWindowSet(model, set);
    const max = meta.cap ?? Infinity;
    return Array.from(raw, (y) => {
      const value = Math.min(max, Math.max(0, y * meta.scale));
      const { lower, upper } = intervalFor(meta.bands, value);
      // Rounding is monotone: lower <= value <= upper still holds.
      return { value: float32Decimal(value), lower: float32Decimal(lower), upper: float32Decimal(upper) };
    });
  };

  const single = (series: Float32Array[]): WindowSet => ({
    series,
    k: netK,
    window: meta.window,
    alpha: meta.smoothing,
    seriesOf: Int32Array.from(series.keys()),
    endOf: Int32Array.from(series, (s) => s.length / netK - 1),
  });

  return {
    featureCols: [...meta.featureCols],
    window: meta.window,
    cap: meta.cap,
    level: meta.level,
    readsAge: ageScale !== null,
    predict(rows, age) {
      if (!Array.isArray(rows) || rows.length === 0) throw new MlInputError('RUL needs at least one row of the asset', { path: 'rows' });
      const recent = rows.slice(-meta.window);
      const offset = rows.length - recent.length;
      recent.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== k) {
          throw new MlInputError(`row ${offset + i + 1} has ${Array.isArray(row) ? row.length : 0} values; the model reads ${k} (${meta.featureCols.join(', ')})`, { path: 'rows', line: offset + i + 1 });
        }
        row.forEach((v, j) => {
          if (typeof v !== 'number' || !Number.isFinite(v)) {
            throw new MlInputError(`row ${offset + i + 1}: '${meta.featureCols[j]}' is ${String(v)}, not a finite number`, { path: 'rows', field: meta.featureCols[j]!, line: offset + i + 1 });
          }
        });
      });
      if (age !== undefined && !(Number.isInteger(age) && age >= recent.length - 1)) {
        throw new MlInputError(`age must be an integer of at least ${recent.length - 1} (the rows given), got ${age}`, { path: 'age' });
      }
      return estimates(single([toSeries(recent.length, (r, j) => recent[r]![j]!, age ?? rows.length - 1)]))[0]!;
    },
    predictAssets(data) {
      const f = data.featureCols.length;
      const index = new Map(data.featureCols.map((c, i) => [c, i]));
      const missing = meta.featureCols.filter((c) => !index.has(c));
      if (missing.length > 0) {
        throw new MlInputError(`the input lacks the model's feature column${missing.length === 1 ? '' : 's'} ${missing.map((c) => `'${c}'`).join(', ')}`, { field: missing[0]! });
      }
      const cols = meta.featureCols.map((c) => index.get(c)!);
      const assets = groupByAsset(data);
      const series = assets.map((a) => {
        const recent = a.rows.subarray(Math.max(0, a.rows.length - meta.window));
        return toSeries(recent.length, (r, j) => data.features[recent[r]! * f + cols[j]!]!, a.rows.length - 1);
      });
      const out = estimates(single(series));
      return assets.map((a, i) => ({ asset: a.asset, ...out[i]! }));
    },
    dispose() {
      if (!disposed) model.dispose();
      disposed = true;
    },
  };
}
