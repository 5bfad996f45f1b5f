import { MlInputError } from '../ml-errors';
import type { RunToFailureData } from './run-to-failure-csv';

// Turning run-to-failure rows into model inputs: rows grouped per asset and
// ordered by time, features standardised with statistics of the training
// assets, and one window of the last W rows ending at each row.
//
// A history shorter than W (an asset that has just started, the first rows
// of every asset in training) is padded at the front by repeating its first
// row, so an asset can be scored from its first row on. Training sees such
// padded windows too, so the model has learnt what they mean.

export interface AssetRows {
  asset: string;
  /** Row indices into the data, in increasing time. */
  rows: Int32Array;
}

/** Rows per asset in first-appearance order, each sorted by time; two rows of one asset at one time are refused. */
export function groupByAsset(data: RunToFailureData, source = 'csv'): AssetRows[] {
  const byAsset = new Map<string, number[]>();
  for (let r = 0; r < data.assets.length; r++) {
    const a = data.assets[r]!;
    let list = byAsset.get(a);
    if (!list) byAsset.set(a, (list = []));
    list.push(r);
  }
  const out: AssetRows[] = [];
  for (const [asset, list] of byAsset) {
    const rows = Int32Array.from(list).sort((x, y) => data.time[x]! - data.time[y]! || x - y);
    for (let i = 1; i < rows.length; i++) {
      if (data.time[rows[i]!] === data.time[rows[i - 1]!]) {
        throw new MlInputError(`${source}: asset '${asset}' has two rows at ${data.timeCol} ${data.time[rows[i]!]}`, { path: source, field: data.timeCol });
      }
    }
    out.push({ asset, rows });
  }
  return out;
}

export interface Standardiser {
  /** Indices into the data's feature columns that the model reads. */
  keep: number[];
  mean: number[];
  std: number[];
}

/**
 * Mean and standard deviation of each feature over the given rows. Columns
 * that do not vary there carry no information about wear and are dropped
 * (C-MAPSS FD001 has seven such columns); they are returned separately.
 */
export function fitStandardiser(data: RunToFailureData, rowSets: Int32Array[]): { standardiser: Standardiser; constant: number[] } {
  const f = data.featureCols.length;
  const sum = new Float64Array(f);
  const sumSq = new Float64Array(f);
  let n = 0;
  // Two passes (mean, then squared deviations) so large offsets (518.67 ± 0.001) keep their precision.
  for (const rows of rowSets) {
    for (const r of rows) for (let j = 0; j < f; j++) sum[j]! += data.features[r * f + j]!;
    n += rows.length;
  }
  const mean = Array.from(sum, (s) => s / n);
  for (const rows of rowSets) {
    for (const r of rows) {
      for (let j = 0; j < f; j++) {
        const d = data.features[r * f + j]! - mean[j]!;
        sumSq[j]! += d * d;
      }
    }
  }
  const keep: number[] = [];
  const constant: number[] = [];
  for (let j = 0; j < f; j++) {
    const std = Math.sqrt(sumSq[j]! / n);
    if (std > 1e-7 * Math.max(1, Math.abs(mean[j]!))) keep.push(j);
    else constant.push(j);
  }
  return {
    standardiser: { keep, mean: keep.map((j) => mean[j]!), std: keep.map((j) => Math.sqrt(sumSq[j]! / n)) },
    constant,
  };
}

/** Standardised kept features of the given rows, rows x keep.length. */
export function standardise(data: RunToFailureData, rows: Int32Array, s: Standardiser): Float32Array {
  const f = data.featureCols.length;
  const k = s.keep.length;
  const out = new Float32Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i]! * f;
    for (let j = 0; j < k; j++) out[i * k + j] = (data.features[base + s.keep[j]!]! - s.mean[j]!) / s.std[j]!;
  }
  return out;
}

/**
 * The series with one more column: each row's age (its position in the
 * asset's history, 0 at the first row given) divided by `ageScale`, as read by
 * models trained with an age input. Age says how much life an engine has at
 * least used, which its latest window alone cannot tell. It assumes the
 * history starts at the asset's first cycle, as in C-MAPSS (train and test
 * histories begin at cycle 1); a history that starts later makes the asset
 * look younger than it is. `firstAge` is the age of the series' first row.
 */
export function withAge(series: Float32Array, k: number, ageScale: number, firstAge = 0): Float32Array {
  const n = series.length / k;
  const out = new Float32Array(n * (k + 1));
  for (let r = 0; r < n; r++) {
    out.set(series.subarray(r * k, r * k + k), r * (k + 1));
    out[r * (k + 1) + k] = (firstAge + r) / ageScale;
  }
  return out;
}

/**
 * Writes the window ending at row `end` of a standardised series (rows x k)
 * into `dest` at `offset`: W rows, oldest first, the first row repeated where
 * the history is shorter than W. With `alpha` < 1 the window is smoothed by a
 * causal exponential moving average that starts afresh at the window's first
 * row: sensor noise is damped, and a window depends on its W rows alone, so a
 * prediction from the latest W rows equals the one made in training.
 */
export function writeWindow(series: Float32Array, k: number, end: number, window: number, alpha: number, dest: Float32Array, offset: number): void {
  for (let w = 0; w < window; w++) {
    const src = Math.max(0, end - window + 1 + w);
    const at = offset + w * k;
    if (w === 0 || alpha >= 1) {
      dest.set(series.subarray(src * k, src * k + k), at);
    } else {
      for (let j = 0; j < k; j++) dest[at + j] = alpha * series[src * k + j]! + (1 - alpha) * dest[at - k + j]!;
    }
  }
}

/** True RUL of each row of an asset: its last time minus the row's time, capped when `cap` is given. */
export function rulTargets(data: RunToFailureData, rows: Int32Array, cap: number | null): Float64Array {
  const last = data.time[rows[rows.length - 1]!]!;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const rul = last - data.time[rows[i]!]!;
    out[i] = cap === null ? rul : Math.min(rul, cap);
  }
  return out;
}
