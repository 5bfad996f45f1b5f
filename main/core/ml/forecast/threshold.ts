import { MlInputError } from '../ml-errors';
import type { ForecastResult, ThresholdCrossing } from './types';

// When will a sensor reach a limit? From one forecast with its interval:
//   eta      — the first step whose point forecast reaches the threshold;
//   earliest — the first step whose bound on the crossing side reaches it
//              (upper for 'above', lower for 'below'): crossing is plausible
//              from then on;
//   latest   — the first step whose other bound reaches it: by then crossing
//              is expected even at the interval's most favourable edge;
//              null when that does not happen within the horizon.
// "Reaches" is inclusive (>= for 'above', <= for 'below'). Because the
// interval contains the point forecast, earliest <= eta <= latest whenever
// they are set. `alreadyCrossed` says the last observation is already at or
// beyond the threshold; the steps are still computed from the forecast.

export function timeToThreshold(f: ForecastResult, threshold: number, direction: 'above' | 'below', last?: number): ThresholdCrossing {
  if (!Number.isFinite(threshold)) throw new MlInputError(`threshold must be a finite number, not ${threshold}`, { field: 'threshold' });
  if (direction !== 'above' && direction !== 'below') throw new MlInputError(`direction must be 'above' or 'below', not '${String(direction)}'`, { field: 'direction' });
  const reached = direction === 'above' ? (v: number) => v >= threshold : (v: number) => v <= threshold;
  const near = direction === 'above' ? f.upper : f.lower;
  const far = direction === 'above' ? f.lower : f.upper;
  const first = (a: ArrayLike<number>): number | null => {
    for (let k = 0; k < a.length; k++) if (reached(a[k]!)) return k + 1;
    return null;
  };
  return {
    etaStep: first(f.value),
    earliestStep: first(near),
    latestStep: first(far),
    alreadyCrossed: last !== undefined && Number.isFinite(last) && reached(last),
  };
}
