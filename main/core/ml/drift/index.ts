import { MlInputError } from '../ml-errors';
import { ksPValue, ksStatisticSorted, sortedFinite, ksTwoSample } from './ks';
import { PSI_DEFAULT_BINS, psiSorted, populationStabilityIndex } from './psi';

// Drift of a sensor: has the distribution of its recent readings moved away
// from a reference window? Two complementary measures:
//   - the two-sample Kolmogorov–Smirnov test (any change of shape or place;
//     its p-value assumes independent readings, so on strongly
//     autocorrelated sensors it flags even modest changes in long windows);
//   - the population stability index over the reference's quantile bins (how
//     much mass moved; read by psiLevel: below 0.1 stable, above the
//     threshold significant, moderate in between).
// Drift is declared when p < pValueThreshold OR PSI > psiThreshold.
//
// PSI is noisy on small samples: with B bins and n readings a side its value
// under no change averages about (B − 1)·(2/n). It is therefore computed on
// at most 10 bins with at least PSI_MIN_PER_BIN reference readings expected
// per bin (B = min(10, ⌊min(n_ref, n_recent) / 25⌋)); below 2 bins (fewer than
// 50 readings on a side) it is left out and drift is judged by KS alone.

export { ksTwoSample, populationStabilityIndex };
export { kolmogorovSf } from './kolmogorov';

export interface DriftOptions { minSamples: number; pValueThreshold: number; psiThreshold: number }
export interface DriftResult {
  status: 'ok' | 'drift' | 'insufficient_data';
  referenceCount: number;
  recentCount: number;
  ks: number | null;
  pValue: number | null;
  psi: number | null;
  notes: string | null;
}

export const PSI_MIN_PER_BIN = 25;

function checkOptions(o: DriftOptions): void {
  if (!Number.isInteger(o.minSamples) || o.minSamples < 1) throw new MlInputError(`minSamples must be a positive integer, not ${o.minSamples}`, { field: 'min_samples' });
  if (!(o.pValueThreshold > 0 && o.pValueThreshold < 1)) throw new MlInputError(`pValueThreshold must be between 0 and 1, not ${o.pValueThreshold}`, { field: 'p_value_threshold' });
  if (!(o.psiThreshold > 0) || !Number.isFinite(o.psiThreshold)) throw new MlInputError(`psiThreshold must be a positive number, not ${o.psiThreshold}`, { field: 'psi_threshold' });
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(3) : x.toExponential(1));

export type PsiLevel = 'stable' | 'moderate' | 'significant';

/**
 * The one reading of a PSI value, given the check's threshold: above it a
 * significant shift (drift is declared exactly then), below 0.1 stable, in
 * between a moderate shift that is not drift. The API returns it as
 * psi_level, so every screen says the same.
 */
export function psiLevel(psi: number, threshold: number): PsiLevel {
  if (psi > threshold) return 'significant';
  return psi < 0.1 ? 'stable' : 'moderate';
}

const PSI_WORDS: Record<PsiLevel, string> = { stable: 'stable', moderate: 'moderate shift', significant: 'significant shift' };

export function checkDrift(reference: ArrayLike<number>, recent: ArrayLike<number>, opts: DriftOptions): DriftResult {
  checkOptions(opts);
  const ref = sortedFinite(reference, 'reference');
  const rec = sortedFinite(recent, 'recent');
  const counts = { referenceCount: ref.length, recentCount: rec.length };
  if (ref.length < opts.minSamples || rec.length < opts.minSamples) {
    return {
      status: 'insufficient_data', ...counts, ks: null, pValue: null, psi: null,
      notes: `reference window has ${ref.length} reading${ref.length === 1 ? '' : 's'} and recent window ${rec.length}; at least ${opts.minSamples} each are needed`,
    };
  }
  const ks = ksStatisticSorted(ref, rec);
  const pValue = ksPValue(ks, ref.length, rec.length);
  const bins = Math.min(PSI_DEFAULT_BINS, Math.floor(Math.min(ref.length, rec.length) / PSI_MIN_PER_BIN));
  const psi = bins >= 2 ? psiSorted(ref, rec, bins) : null;

  const ksDrift = pValue < opts.pValueThreshold;
  const psiDrift = psi !== null && psi > opts.psiThreshold;
  const parts = [`KS D=${fmt(ks)}, p=${fmt(pValue)} ${ksDrift ? '<' : '>='} ${opts.pValueThreshold}`];
  if (psi === null) parts.push(`PSI not computed: it needs at least ${2 * PSI_MIN_PER_BIN} readings on each side (${PSI_MIN_PER_BIN} per bin); judged by KS alone`);
  else parts.push(`PSI ${fmt(psi)} over ${bins} bins (${PSI_WORDS[psiLevel(psi, opts.psiThreshold)]}) ${psiDrift ? '>' : '<='} ${opts.psiThreshold}`);
  return { status: ksDrift || psiDrift ? 'drift' : 'ok', ...counts, ks, pValue, psi, notes: parts.join('; ') };
}
