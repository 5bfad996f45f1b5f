// Error measures of RUL estimates. d = predicted − true RUL.

export function rmse(errors: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < errors.length; i++) s += errors[i]! * errors[i]!;
  return Math.sqrt(s / Math.max(1, errors.length));
}

/**
 * The PHM08 / C-MAPSS scoring function of one estimate: exp(−d/13) − 1 when
 * early (d < 0), exp(d/10) − 1 when late. A late estimate costs more — in a
 * plant it means a failure before the planned stop — and the cost grows
 * exponentially, so a few badly late engines dominate a fleet's score.
 */
export function nasaScore(d: number): number {
  return d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
}

/** The NASA score of a set of estimates: the sum over them. */
export function nasaScoreSum(errors: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < errors.length; i++) s += nasaScore(errors[i]!);
  return s;
}
