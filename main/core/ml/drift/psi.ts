import { MlInputError } from '../ml-errors';
import { sortedFinite } from './ks';

// Population stability index: Σ (q_i − p_i) · ln(q_i / p_i) over bins, p the
// reference's share of a bin and q the recent window's. Conventions:
//   - bins are the reference's quantiles (linear interpolation, as NumPy's
//     default), so each holds about 1/bins of the reference; edges that
//     coincide on tied data are merged, so a sensor that mostly reads one
//     value gets fewer, wider bins rather than empty ones;
//   - bins are closed on the right: (−∞, e1], (e1, e2], …, (e_last, +∞), so
//     a tied value falls in the bin whose edge it equals;
//   - an empty bin counts as a share of 1e-4 (no renormalisation), so new
//     values beyond the reference's range raise the index instead of
//     dividing by zero;
//   - reading: < 0.1 stable, 0.1–0.25 a moderate shift, > 0.25 a significant one.

export const PSI_EPSILON = 1e-4;
export const PSI_DEFAULT_BINS = 10;

function quantileSorted(s: Float64Array, q: number): number {
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** Distinct quantile edges of a sorted reference for `bins` equal-count bins. */
export function quantileEdges(sortedRef: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(sortedRef, i / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

/** Shares of a sorted sample in the bins the edges define (right-closed). */
function shares(sorted: Float64Array, edges: number[]): Float64Array {
  const out = new Float64Array(edges.length + 1);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (bin < edges.length && sorted[i]! > edges[bin]!) bin++;
    out[bin]!++;
  }
  for (let b = 0; b < out.length; b++) out[b] = Math.max(out[b]! / sorted.length, PSI_EPSILON);
  return out;
}

export function populationStabilityIndex(reference: ArrayLike<number>, recent: ArrayLike<number>, bins = PSI_DEFAULT_BINS): number {
  if (!Number.isInteger(bins) || bins < 2) throw new MlInputError(`bins must be an integer of at least 2, not ${bins}`, { field: 'bins' });
  if (reference.length === 0 || recent.length === 0) throw new MlInputError('the population stability index needs two non-empty samples');
  const ref = sortedFinite(reference, 'reference');
  const rec = sortedFinite(recent, 'recent');
  return psiSorted(ref, rec, bins);
}

/** PSI of two sorted finite samples. */
export function psiSorted(ref: Float64Array, rec: Float64Array, bins: number): number {
  const edges = quantileEdges(ref, bins);
  const p = shares(ref, edges);
  const q = shares(rec, edges);
  let psi = 0;
  for (let b = 0; b < p.length; b++) psi += (q[b]! - p[b]!) * Math.log(q[b]! / p[b]!);
  return psi;
}
