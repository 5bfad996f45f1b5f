import { MlInputError, tooFewRows } from '../ml-errors';
import type { RegularSeries } from './types';

// Input checks shared by training and the statistical fallback.

export function checkSeries(series: RegularSeries): void {
  if (!(series.stepMs > 0) || !Number.isFinite(series.stepMs)) throw new MlInputError(`stepMs must be a positive number of milliseconds, not ${series.stepMs}`, { field: 'stepMs' });
  const v = series.values;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new MlInputError(`series value ${i} is ${String(v[i])}, not a finite number`, { field: 'values' });
  }
}

export function checkSteps(name: 'lookback' | 'horizon' | 'epochs', value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new MlInputError(`${name} must be an integer from ${min} to ${max}, not ${value}`, { field: name });
  return value;
}

export function meanStd(v: ArrayLike<number>, from = 0, to = v.length): { mean: number; std: number } {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i]!;
  const mean = s / (to - from);
  let ss = 0;
  for (let i = from; i < to; i++) ss += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / Math.max(1, to - from - 1)) };
}

export { tooFewRows };
