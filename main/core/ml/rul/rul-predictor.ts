import { MlInputError } from '../ml-errors';
import { restoreModel, type ModelArtifact } from '../runtime/artifact';
import { ensureBackend, type tf } from '../runtime/backend';
import { float32Decimal } from '../runtime/decimals';
import { intervalFor } from './interval';
import { combineEstimates } from './rul-average';
import { predictWindowSet, type WindowSet } from './rul-net';
import { parseRulMeta, type RulModelMeta } from './rul-meta';
import type { RunToFailureData } from './run-to-failure-csv';
import { groupByAsset, withAge } from './windows';

// A loaded RUL model. It reads the latest W + A - 1 rows of an asset
// (`rowsRead`; W the window, A the estimates averaged, meta.average), and
// estimates from each of the windows ending at its last A rows, standardised,
// smoothed and padded (a short history repeats its oldest row) exactly as in
// training. Each estimate is aged by the rows since its window ended and
// their mean is the answer (rul-average.ts), with the interval calibrated for
// that mean: training validated and calibrated the same averaged estimate.
// An asset with fewer than A rows averages the windows it has. Values are in
// the time column's units, within [0, cap]: a value at the cap means "at
// least cap", since training targets were clipped there; the interval bounds
// the true RUL, so its upper end may lie beyond the cap. They come from a
// float32 network and are returned as float32 decimals (runtime/decimals.ts).
// Models saved without meta.average give the latest window's estimate alone,
// as before (A = 1, W rows read).
//
// A model trained with the age input (meta.ageScale) also reads each row's
// age, the rows before it in the asset's history: that is the only input
// beyond the rows read, and it assumes the history given starts at the
// asset's first cycle (C-MAPSS: cycle 1). A caller holding only recent rows
// must pass the age of the last one, or the asset is taken for as young as
// the rows it sent. Models saved without it (no ageScale) read the rows'
// features alone, as before.

export interface RulEstimate {
  value: number;
  lower: number;
  upper: number;
}

export interface RulPredictor {
  /** The columns `predict` rows hold, in this order. */
  featureCols: string[];
  window: number;
  /** Window estimates averaged per asset (1: the latest window alone). */
  average: number;
  /** Rows of an asset a prediction reads: window + average - 1. */
  rowsRead: number;
  cap: number | null;
  level: number;
  /** The model reads the asset's age (rows since its history's first): `predict` needs the whole history, or `age`. */
  readsAge: boolean;
  /**
   * Rows of ONE asset, oldest first, in `featureCols` order (only the last
   * `rowsRead` are used). A model that reads age takes the last row's age from
   * `age` when given, else assumes `rows` is the whole history (age
   * rows.length - 1): pass `age` when sending only the latest rows.
   */
  predict(rows: number[][], age?: number): RulEstimate;
  /** One estimate per asset, in first-appearance order, from each asset's latest `rowsRead` rows. */
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
  const average = meta.average ?? 1;
  const rowsRead = meta.window + average - 1;
  let disposed = false;

  /** Standardised series of the given rows (rows x k, plus the age column when the model reads it; `lastAge`: the last row's). */
  const toSeries = (rowCount: number, value: (r: number, j: number) => number, lastAge: number): Float32Array => {
    const s = new Float32Array(rowCount * k);
    for (let r = 0; r < rowCount; r++) for (let j = 0; j < k; j++) s[r * k + j] = (Math.fround(value(r, j)) - meta.mean[j]!) / meta.std[j]!;
    return ageScale === null ? s : withAge(s, k, ageScale, lastAge - (rowCount - 1));
  };

  /** The windows ending at the last `average` rows of each series (all its rows when fewer), newest first. */
  const latestWindows = (series: Float32Array[]): WindowSet => {
    const seriesOf: number[] = [];
    const endOf: number[] = [];
    series.forEach((s, i) => {
      const rows = s.length / netK;
      for (let j = 0; j < Math.min(average, rows); j++) {
        seriesOf.push(i);
        endOf.push(rows - 1 - j);
      }
    });
    return { series, k: netK, window: meta.window, alpha: meta.smoothing, seriesOf: Int32Array.from(seriesOf), endOf: Int32Array.from(endOf) };
  };

  /** One estimate per series: its windows' estimates (clamped as in training) aged and averaged, with the interval of that mean. */
  const estimates = (series: Float32Array[]): RulEstimate[] => {
    if (disposed) throw new Error('RUL predictor was disposed');
    const set = latestWindows(series);
    const raw = predictWindowSet(model, set);
    const max = meta.cap ?? Infinity;
    const out: RulEstimate[] = [];
    // The set holds each series' windows newest first, so that raw[at + j] ended j rows before its last.
    for (let i = 0, at = 0; i < series.length; i++) {
      const n = Math.min(average, series[i]!.length / netK);
      const value = combineEstimates(Array.from(raw.subarray(at, at + n), (y) => Math.min(max, Math.max(0, y * meta.scale))), meta.cap);
      at += n;
      const { lower, upper } = intervalFor(meta.bands, value);
      // Rounding is monotone: lower <= value <= upper still holds.
      out.push({ value: float32Decimal(value), lower: float32Decimal(lower), upper: float32Decimal(upper) });
    }
    return out;
  };

  return {
    featureCols: [...meta.featureCols],
    window: meta.window,
    average,
    rowsRead,
    cap: meta.cap,
    level: meta.level,
    readsAge: ageScale !== null,
    predict(rows, age) {
      if (!Array.isArray(rows) || rows.length === 0) throw new MlInputError('RUL needs at least one row of the asset', { path: 'rows' });
      const recent = rows.slice(-rowsRead);
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
      return estimates([toSeries(recent.length, (r, j) => recent[r]![j]!, age ?? rows.length - 1)])[0]!;
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
        const recent = a.rows.subarray(Math.max(0, a.rows.length - rowsRead));
        return toSeries(recent.length, (r, j) => data.features[recent[r]! * f + cols[j]!]!, a.rows.length - 1);
      });
      const out = estimates(series);
      return assets.map((a, i) => ({ asset: a.asset, ...out[i]! }));
    },
    dispose() {
      if (!disposed) model.dispose();
      disposed = true;
    },
  };
}
