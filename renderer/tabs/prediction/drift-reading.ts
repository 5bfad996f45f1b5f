// One reading of a drift check's numbers, for every place that shows them
// (the summary above the table and the table's rows), so they cannot
// disagree.

export type PsiReading = 'stable' | 'moderate' | 'significant';

/** Below this a population is stable: the customary reading of PSI (< 0.1 stable, 0.1–0.25 moderate, above major). */
export const PSI_STABLE_BELOW = 0.1;

/**
 * - `significant` above the check's threshold: the station declares drift
 *   when psi > psi_threshold, so "shifted" is said exactly when it counts;
 * - `stable` below 0.1;
 * - `moderate` in between: a shift worth seeing that is not drift.
 * A threshold at or below 0.1 leaves no moderate band.
 */
export function readPsi(psi: number, threshold: number): PsiReading {
  if (psi > threshold) return 'significant';
  return psi < PSI_STABLE_BELOW ? 'stable' : 'moderate';
}

/** The KS test finds the two windows different: the station's rule, p below its threshold. */
export function ksDiffers(pValue: number, threshold: number): boolean {
  return pValue < threshold;
}
