import { MlInputError } from '../ml-errors';
import { kolmogorovSf } from './kolmogorov';

// Two-sample Kolmogorov–Smirnov test, two-sided. The p-value is SciPy's
// `ks_2samp(method='asymp')`: the Kolmogorov distribution of D_n at the
// effective sample size n = round(n1·n2 / (n1 + n2)) (round half to even, as
// NumPy rounds), evaluated exactly for that n rather than by the limiting
// series, which overstates p by up to 0.02 for samples of a few hundred.

/** Sorted finite copy of a sample; names the offending index otherwise. */
export function sortedFinite(x: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) throw new MlInputError(`${what} value ${i} is ${String(v)}, not a finite number`, { path: what });
    out[i] = v;
  }
  return out.sort();
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** sup |F_a - F_b| of two sorted samples, ties stepped together. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = Math.min(a[i]!, b[j]!);
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

/** p-value of a two-sided two-sample statistic d for sample sizes n1, n2. */
export function ksPValue(d: number, n1: number, n2: number): number {
  const en = (n1 * n2) / (n1 + n2);
  // Two single values give en = 0.5, which rounds to 0: use one.
  return kolmogorovSf(Math.max(1, roundHalfEven(en)), d);
}

export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): { statistic: number; pValue: number } {
  if (a.length === 0 || b.length === 0) throw new MlInputError('the Kolmogorov–Smirnov test needs two non-empty samples');
  const sa = sortedFinite(a, 'first sample');
  const sb = sortedFinite(b, 'second sample');
  const statistic = ksStatisticSorted(sa, sb);
  return { statistic, pValue: ksPValue(statistic, sa.length, sb.length) };
}
