// One reading of a drift check's numbers, for every place that shows them
// (the summary above the table and the table's rows), so they cannot
// disagree. PSI is read by the station (`psi_level`: stable below 0.1,
// significant above the check's threshold, moderate between), so the whole
// product has one rule for it; the KS test reads as the station decides it.

export type PsiReading = 'stable' | 'moderate' | 'significant';

/** The KS test finds the two windows different: the station's rule, p below its threshold. */
export function ksDiffers(pValue: number, threshold: number): boolean {
  return pValue < threshold;
}
