import { MlInputError, tooFewRows } from '../ml-errors';
import { baselineRowsFor, levelWeights } from './baseline';
import { calibrate, calibrationFor, type CalibrationSettings } from './calibrate';
import { cleanStarts, screenOutliers } from './outliers';
import { deseasonalise, fitSeasonalProfile, type SeasonalProfile } from './seasonal';
import { checkMatrix, checkSensors, fitNormalisation, normaliseValues } from './normalise';
import { combineParts } from './score-parts';
import { centreInPlace, centredFrames, consecutive } from './window-frames';
import { windowedDetector } from './windowed-detector';
import type { AnomalyDetector, HysteresisSettings, SeriesMatrix } from './types';

// The detector used when models are disabled (safe mode) or none is trained:
// no TF.js, nothing to load. It is the autoencoder's score with a trivial
// "reconstruction" — every centred window predicted flat — so a sensor's
// shape error is its variance within the window and its level error the
// squared z of its window mean, each relative to the reference rows. Same
// calibration, same hysteresis, same explanation. Where the reference rows
// follow the clock (seasonal.ts), each sensor's daily or weekly profile is
// taken out first, from the reference and from every series scored.

const DEFAULT_WINDOW = 24;

/** Per-sensor mean of squares of centred windows (k x s) laid out as centredFrames returns them. */
function variances(frames: Float32Array, count: number, w: number, s: number, out: Float32Array): Float32Array {
  out.fill(0);
  for (let k = 0, p = 0; k < count; k++) {
    for (let t = 0; t < w; t++) {
      for (let j = 0; j < s; j++, p++) out[k * s + j]! += frames[p]! * frames[p]!;
    }
    for (let j = 0; j < s; j++) out[k * s + j] = out[k * s + j]! / w;
  }
  return out;
}

/**
 * An alarm policy over the calibration, as the station's per-asset policy
 * gives it: the threshold scaled, any hysteresis setting given replacing the
 * calibrated one. The scores do not change.
 */
export interface CalibrationAdjust {
  thresholdFactor?: number;
  hysteresis?: Partial<HysteresisSettings>;
}

export interface StatisticalDetector extends AnomalyDetector {
  /** The hysteresis its alarms follow (the calibration's, or the policy's where it gives one). */
  hysteresis: HysteresisSettings;
  /** The daily or weekly pattern taken out of the sensors before scoring; null when the reference rows have none. */
  seasonal: SeasonalProfile | null;
}

export interface StatisticalOptions {
  window?: number;
  adjust?: CalibrationAdjust;
  baselineRows?: number;
  calibration?: Partial<CalibrationSettings>;
  /** Look for a daily or weekly pattern in the reference rows (seasonal.ts); default true. */
  seasonal?: boolean;
}

/** A calibration under an adjustment: the one rule for a saved model's and for one fitted on the spot. */
export function adjustCalibration(c: { threshold: number; hysteresis: HysteresisSettings }, a: CalibrationAdjust): { threshold: number; hysteresis: HysteresisSettings } {
  const h = c.hysteresis;
  const over = a.hysteresis ?? {};
  return {
    threshold: c.threshold * (a.thresholdFactor ?? 1),
    hysteresis: {
      enterSteps: over.enterSteps ?? h.enterSteps,
      immediateRatio: over.immediateRatio ?? h.immediateRatio,
      exitSteps: over.exitSteps ?? h.exitSteps,
      exitRatio: over.exitRatio ?? h.exitRatio,
    },
  };
}

export function fitStatisticalDetector(reference: SeriesMatrix, opts: StatisticalOptions = {}): StatisticalDetector {
  const rows = checkMatrix(reference, 'reference data');
  const s = reference.sensors.length;
  const w = opts.window ?? Math.max(2, Math.min(DEFAULT_WINDOW, Math.floor(rows / 4)));
  if (rows < w + 1) throw tooFewRows(`reference data for a window of ${w}`, rows, w + 1, 'values');
  // Outlier rows of the reference (outliers.ts) shape neither the statistics nor the threshold.
  const screen = screenOutliers(reference, calibrationFor(s, opts.calibration).outlierMads);
  const seasonal = opts.seasonal === false ? null : fitSeasonalProfile(reference, screen);
  const train = seasonal ? deseasonalise(reference, seasonal) : reference;
  const norm = fitNormalisation(train, screen);
  const x = normaliseValues(train.values, norm);
  const starts = cleanStarts(consecutive(0, rows - w + 1), w, screen);
  const count = starts.length;
  const means = new Float32Array(count * s);
  const shape = variances(centredFrames(x, starts, w, s, means), count, w, s, new Float32Array(count * s));
  const cal = calibrate([{ shape, means }], s, opts.calibration);
  const { threshold, hysteresis } = adjustCalibration(cal, opts.adjust ?? {});
  const means1 = new Float32Array(s);
  const scratch = new Float64Array(s);
  const detector = windowedDetector({
    method: 'statistical',
    sensors: [...reference.sensors],
    window: w,
    norm,
    threshold,
    hysteresis,
    levelWeights: levelWeights(cal.parts),
    baselineRows: baselineRowsFor(opts.baselineRows) || null,
    async batch(rowsIn, n) {
      const m = new Float32Array(n * s);
      const v = variances(centredFrames(rowsIn, consecutive(0, n), w, s, m), n, w, s, new Float32Array(n * s));
      return combineParts(cal.parts, v, m, s, v);
    },
    one(win, out) {
      centreInPlace(win, w, s, means1, scratch);
      variances(win, 1, w, s, out);
      combineParts(cal.parts, out, means1, s, out);
    },
    many(wins, count, out) {
      for (let k = 0; k < count; k++) {
        const win = wins.subarray(k * w * s, (k + 1) * w * s);
        const o = out.subarray(k * s, (k + 1) * s);
        centreInPlace(win, w, s, means1, scratch);
        variances(win, 1, w, s, o);
        combineParts(cal.parts, o, means1, s, o);
      }
    },
    dispose: () => undefined,
  });
  if (!seasonal) return Object.assign(detector, { hysteresis, seasonal });
  const scoreAdjusted = detector.scoreSeries;
  return Object.assign(detector, {
    hysteresis,
    seasonal,
    scoreSeries: (data: SeriesMatrix) => {
      checkSensors(data, detector.sensors);
      checkMatrix(data);
      return scoreAdjusted(deseasonalise(data, seasonal));
    },
    createOnline: () => {
      // Online rows come without their times, and the profile is read at a time of day.
      throw new MlInputError('a statistical detector with a daily or weekly profile scores whole series (their times place each row in the cycle); online scoring needs a trained model', { path: 'seasonal' });
    },
  });
}
