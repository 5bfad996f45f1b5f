import type { DetectedAnomaly, HysteresisSettings, SensorShare } from './types';

// From scores to alarms. Every alarm onset costs an operator a look, so the
// state must not flap: a score just above the threshold must stay there for
// several consecutive rows before the state enters (a gross excursion enters
// at once), and the state leaves only after several consecutive scores below
// a lower level. Batch and online scoring both step this same machine, row
// by row, so they agree on every onset.

export class AlarmState {
  private above = 0;
  private below = 0;
  active = false;
  private readonly exitLevel: number;
  private readonly immediateLevel: number;

  constructor(
    readonly threshold: number,
    private readonly h: HysteresisSettings,
  ) {
    this.exitLevel = threshold * h.exitRatio;
    this.immediateLevel = threshold * h.immediateRatio;
  }

  /** Feeds one score; true when this row raised the alarm. `active` is the state after it. */
  step(score: number): boolean {
    if (!this.active) {
      this.above = score > this.threshold ? this.above + 1 : 0;
      if (this.above >= this.h.enterSteps || score > this.immediateLevel) {
        this.active = true;
        this.below = 0;
        return true;
      }
      return false;
    }
    this.below = score < this.exitLevel ? this.below + 1 : 0;
    if (this.below >= this.h.exitSteps) {
      this.active = false;
      this.above = 0;
    }
    return false;
  }
}

/** Per-sensor shares of the given error sums, largest first, summing to 1. */
export function shares(sensors: readonly string[], sums: ArrayLike<number>): SensorShare[] {
  let total = 0;
  for (let j = 0; j < sensors.length; j++) total += Math.max(0, sums[j]!);
  const out = sensors.map((sensor, j) => ({ sensor, share: total > 0 ? Math.max(0, sums[j]!) / total : 1 / sensors.length }));
  return out.sort((a, b) => b.share - a.share);
}

/**
 * Collects the anomalies of a scored series: each run of the anomaly state,
 * its peak, and which sensors explain it (their shares of the per-sensor
 * score summed over the run).
 */
export class AnomalyRuns {
  readonly anomalies: DetectedAnomaly[] = [];
  private start = -1;
  private last = -1;
  private peakIndex = -1;
  private peakScore = -Infinity;
  private readonly sums: Float64Array;

  constructor(private readonly sensors: readonly string[]) {
    this.sums = new Float64Array(sensors.length);
  }

  /** One row: its index, score, anomaly state, and per-sensor scores at `perSensor[offset ..]`. */
  add(index: number, score: number, anomalous: boolean, perSensor: ArrayLike<number>, offset: number): void {
    if (!anomalous) {
      this.close();
      return;
    }
    if (this.start < 0) {
      this.start = index;
      this.sums.fill(0);
      this.peakScore = -Infinity;
    }
    this.last = index;
    if (score > this.peakScore) {
      this.peakScore = score;
      this.peakIndex = index;
    }
    for (let j = 0; j < this.sums.length; j++) this.sums[j]! += perSensor[offset + j]!;
  }

  /** Ends the current run, if any (call once after the last row). */
  close(): void {
    if (this.start < 0) return;
    this.anomalies.push({
      startIndex: this.start,
      endIndex: this.last,
      peakIndex: this.peakIndex,
      peakScore: this.peakScore,
      contributions: shares(this.sensors, this.sums),
    });
    this.start = -1;
  }
}
