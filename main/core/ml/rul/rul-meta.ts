import { MlInputError } from '../ml-errors';
import { isAverageCount, MAX_AVERAGED_ESTIMATES } from './rul-average';

// Everything besides the network that a RUL model needs to predict, as plain
// JSON: which columns it reads and how they are standardised, the window and
// its smoothing, the estimates averaged, the target scale and cap, and the
// calibrated interval. It is stored next to the weights (registry row, model
// file) and checked on load, so a damaged or foreign file is refused with a
// message instead of a crash.

/** One band of predicted RUL with the residual offsets that make its interval. */
export type IntervalBand = {
  /** Predictions up to this RUL (inclusive) use this band; null: no upper bound. */
  upTo: number | null;
  /** Added to the prediction: lower <= 0 <= upper. */
  lower: number;
  upper: number;
  /** Calibration windows in the band. */
  windows: number;
};

// A type alias, not an interface, so that it is assignable to Record<string, unknown> and JSON types.
export type RulModelMeta = {
  kind: 'rul';
  version: 1;
  assetCol: string;
  timeCol: string;
  /** The columns the model reads, in the order `predict` rows give them. */
  featureCols: string[];
  /** The feature columns of the training data, before any were dropped. */
  requestedCols: string[];
  /** Columns with one value throughout the training assets. */
  droppedConstant: { col: string; value: number }[];
  /** Columns with almost no correlation with RUL on the training assets (|r| below `minCorrelation`). */
  droppedUninformative: { col: string; correlation: number }[];
  minCorrelation: number;
  /** Standardisation of `featureCols`, fitted on the training assets. */
  mean: number[];
  std: number[];
  window: number;
  /** Weight of the newest row in the in-window exponential smoothing (1 = none). */
  smoothing: number;
  /** RUL targets above the cap were clipped to it; null: not capped. */
  cap: number | null;
  /** The network predicts RUL / scale. */
  scale: number;
  /** Nominal coverage of the interval. */
  level: number;
  bands: IntervalBand[];
  /**
   * Present when the network reads each row's age (rows since the history's
   * first) divided by this, as one more input column after `featureCols`.
   * Models saved before it existed lack it and read the features alone.
   */
  ageScale?: number;
  /**
   * Estimates averaged per asset: those of the windows ending at its last
   * `average` rows, each aged by the rows since (rul-average.ts). Models
   * saved before it existed lack it and give the latest window's estimate
   * alone (1).
   */
  average?: number;
};

function fail(source: string, what: string, field?: string): never {
  throw new MlInputError(`${source} is not a RUL model: ${what}`, { path: source, ...(field === undefined ? {} : { field }) });
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');
const isNumArray = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every(isNum);

/** Checks a parsed meta object field by field; `source` names the file or registry entry in messages. */
export function parseRulMeta(value: unknown, source: string): RulModelMeta {
  if (typeof value !== 'object' || value === null) fail(source, 'meta is not an object');
  const m = value as Record<string, unknown>;
  if (m.kind !== 'rul') fail(source, `meta kind is ${JSON.stringify(m.kind)}, not "rul"`);
  if (m.version !== 1) fail(source, `meta version ${JSON.stringify(m.version)} is not supported (expected 1)`);
  if (typeof m.assetCol !== 'string' || typeof m.timeCol !== 'string') fail(source, 'assetCol/timeCol missing');
  if (!isStrArray(m.featureCols) || m.featureCols.length === 0) fail(source, 'featureCols must be a non-empty list of column names');
  if (!isStrArray(m.requestedCols)) fail(source, 'requestedCols must be a list of column names');
  const k = m.featureCols.length;
  if (!isNumArray(m.mean, k) || !isNumArray(m.std, k) || !m.std.every((s) => s > 0)) fail(source, `mean/std must hold ${k} finite numbers (std > 0)`);
  if (!Number.isInteger(m.window) || (m.window as number) < 1 || (m.window as number) > 4096) fail(source, 'window must be an integer from 1 to 4096');
  if (!isNum(m.smoothing) || m.smoothing <= 0 || m.smoothing > 1) fail(source, 'smoothing must be in (0, 1]');
  if (m.cap !== null && (!isNum(m.cap) || m.cap <= 0)) fail(source, 'cap must be a positive number or null');
  if (!isNum(m.scale) || m.scale <= 0) fail(source, 'scale must be a positive number');
  if (!isNum(m.level) || m.level <= 0 || m.level >= 1) fail(source, 'level must be in (0, 1)');
  if (!isNum(m.minCorrelation)) fail(source, 'minCorrelation must be a number');
  if (!Array.isArray(m.droppedConstant) || !Array.isArray(m.droppedUninformative)) fail(source, 'dropped column lists missing');
  if (m.ageScale !== undefined && (!isNum(m.ageScale) || m.ageScale <= 0)) fail(source, 'ageScale must be a positive number when present');
  if (m.average !== undefined && !isAverageCount(m.average)) fail(source, `average must be an integer from 1 to ${MAX_AVERAGED_ESTIMATES} when present, got ${JSON.stringify(m.average)}`, 'average');
  const bands = m.bands;
  if (!Array.isArray(bands) || bands.length === 0) fail(source, 'bands must be a non-empty list');
  for (const [i, b] of bands.entries()) {
    const band = b as Record<string, unknown>;
    const last = i === bands.length - 1;
    if (typeof band !== 'object' || band === null) fail(source, `band ${i} is not an object`);
    if (last ? band.upTo !== null : !isNum(band.upTo)) fail(source, `band ${i}: upTo must be ${last ? 'null (the last band)' : 'a number'}`);
    if (!isNum(band.lower) || !isNum(band.upper) || band.lower > 0 || band.upper < 0) fail(source, `band ${i}: lower <= 0 <= upper required`);
    if (!isNum(band.windows)) fail(source, `band ${i}: windows must be a number`);
  }
  return m as unknown as RulModelMeta;
}

/** The interval offsets for a predicted RUL. */
export function bandFor(bands: readonly IntervalBand[], predicted: number): IntervalBand {
  for (const b of bands) if (b.upTo === null || predicted <= b.upTo) return b;
  return bands[bands.length - 1]!;
}
