import { MlInputError } from '../ml-errors';
import type { ScoreParts } from './score-parts';

// A healthy machine drifts: temperatures follow the seasons, a process
// settles at a new operating point over weeks. Measured against the
// training rows' level alone, such drift reads as an anomaly once it has
// gone far enough. With a baseline, each sensor's level is measured from an
// exponential average of its window means with a time constant of
// `baselineRows` rows — drift slower than that is absorbed, anything faster
// is not — that stands still whenever the detector is not quiet (a score
// above the threshold, or the alarm on). A fault therefore cannot be learnt
// away while it is being looked at, and the baseline resumes from where it
// froze.
//
// It is off unless asked for (baselineRows > 0), because a slow drift is
// also how most wear shows, and the evaluation says so. With a time
// constant of the training rows' length, measured through test/eval on the
// tuned NAB group (realKnownCause) it scored 53.6 against 58.2 without, and
// on the held-out sets it lost AI4I's failures almost entirely (F1 0.30 ->
// 0.03: those alarms ride the tool-wear ramp) while C-MAPSS hardly moved
// (false alarms 89.8 -> 88.5 %), the other 51 NAB files 50.3 -> 47.6. An
// asset known to drift healthily (seasonal temperatures) is trained with it;
// the others keep the training rows' level.
//
// Only the level term moves (score-parts.ts): the shape term reads centred
// windows, which a shift of the level does not change. A window's per-sensor
// error is corrected from  c_j m_j^2  to  c_j (m_j - b_j)^2,  where m_j is the
// window mean of the sensor's normalised values, b_j its baseline and c_j
// the level term's weight. Batch and online scoring both step this same
// object, window by window, so they still agree on every onset.

/** The level term's weight per sensor: error_j holds c_j x (window mean)^2. */
export function levelWeights(parts: ScoreParts): number[] {
  return parts.levelScale.map((scale) => (1 - parts.shapeWeight) / scale);
}

/** The baseline's time constant as asked for: absent or 0, none. */
export function baselineRowsFor(requested?: number): number {
  if (requested === undefined) return 0;
  if (!(Number.isInteger(requested) && requested >= 0)) throw new MlInputError(`baselineRows must be a non-negative integer (0: no baseline), got ${requested}`, { path: 'baselineRows' });
  return requested;
}

export class LevelBaseline {
  readonly values: Float64Array;
  /** The weight of a new window mean: 1 / the time constant; 0 (no adaptation) without one. */
  private readonly rate: number;

  constructor(
    private readonly weights: readonly number[],
    rows: number | null,
    from?: readonly number[],
  ) {
    this.rate = rows !== null && rows >= 1 ? 1 / rows : 0;
    this.values = new Float64Array(weights.length);
    if (from !== undefined) {
      if (!Array.isArray(from) || from.length !== weights.length || !from.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new MlInputError(`the saved baseline must hold ${weights.length} finite numbers, one per sensor`, { path: 'state.baseline' });
      }
      this.values.set(from);
    }
  }

  /** Whether it moves at all: a model saved before baselines existed keeps its training level. */
  get adapts(): boolean {
    return this.rate > 0;
  }

  /** Corrects the per-sensor errors at `errs[offset ..]` of a window whose level means are at `means[mOffset ..]`. */
  correct(errs: Float32Array, offset: number, means: ArrayLike<number>, mOffset: number): void {
    const b = this.values;
    for (let j = 0; j < b.length; j++) {
      const m = means[mOffset + j]!;
      const d = m - b[j]!;
      errs[offset + j] = Math.max(0, errs[offset + j]! + this.weights[j]! * (d * d - m * m));
    }
  }

  /** Moves the baseline towards the window's means, only while the detector is quiet. */
  follow(means: ArrayLike<number>, mOffset: number, quiet: boolean): void {
    if (!quiet || this.rate === 0) return;
    const b = this.values;
    for (let j = 0; j < b.length; j++) b[j]! += this.rate * (means[mOffset + j]! - b[j]!);
  }

  snapshot(): number[] {
    return Array.from(this.values);
  }
}

/** Means of each sensor over `w` rows of normalised values starting at row `from` (row-major, s per row), into `out[o ..]`. */
export function windowMeans(rows: ArrayLike<number>, from: number, w: number, s: number, out: Float64Array, o: number): void {
  for (let j = 0; j < s; j++) {
    let sum = 0;
    for (let t = 0; t < w; t++) sum += rows[(from + t) * s + j]!;
    out[o + j] = sum / w;
  }
}
