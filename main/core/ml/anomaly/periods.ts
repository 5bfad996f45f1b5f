import { float32Decimal } from '../runtime/decimals';
import { shares, type AlarmTransition } from './alarm-state';
import type { DetectedAnomaly } from './types';

// The anomaly periods of a scored series: one per alarm, located by the
// scores rather than by the alarm state, which enters late (after N rows
// above the threshold) and leaves late (after M rows below 0.9 x).
//
// - Start: the first above-threshold row of the run that raised the alarm.
//   A window scores high once it holds enough anomalous rows, so this is at
//   or a little after the fault's first row (never more than W - 1 after).
// - End: the last above-threshold row before the alarm cleared, moved back
//   by W - 1 rows. The score at row t is that of the window t-W+1 .. t,
//   which still holds a fault that ended at row e until t = e + W - 1;
//   moving back puts the end at or a little before e. When the data ends
//   with the score still above the threshold, the fault has not ended: the
//   period runs to the last row.
// - Peak and explanation: the highest score among those rows, at its own
//   row, and the sensors' shares of the per-sensor errors summed over the
//   above-threshold rows (the rows that made it an anomaly).

export class AnomalyPeriods {
  readonly anomalies: DetectedAnomaly[] = [];
  private alarm = false;
  private onset = -1;
  /** The current run of above-threshold rows; with the alarm on, all of them since the run that raised it. */
  private start = -1;
  private last = -1;
  private peakIndex = -1;
  private peakScore = -Infinity;
  private lastScoredAbove = false;
  private readonly sums: Float64Array;

  /** `inPeriod` (one flag per row) is set over each period as it closes. */
  constructor(
    private readonly sensors: readonly string[],
    private readonly threshold: number,
    private readonly window: number,
    private readonly inPeriod: Uint8Array,
  ) {
    this.sums = new Float64Array(sensors.length);
  }

  /** One scored row: its index, raw score, what it did to the alarm, and per-sensor errors at `perSensor[offset ..]`. */
  add(t: number, score: number, transition: AlarmTransition, perSensor: ArrayLike<number>, offset: number): void {
    const above = score > this.threshold;
    this.lastScoredAbove = above;
    if (above || (transition === 'onset' && this.start < 0)) {
      if (this.start < 0) this.begin(t);
      this.last = t;
      if (score > this.peakScore) {
        this.peakScore = score;
        this.peakIndex = t;
      }
      for (let j = 0; j < this.sums.length; j++) this.sums[j]! += perSensor[offset + j]!;
    } else if (!this.alarm) {
      this.start = -1; // a run that raised no alarm is no anomaly
    }
    if (transition === 'onset') {
      this.alarm = true;
      this.onset = t;
    } else if (transition === 'cleared') {
      this.emit(t, false);
    }
  }

  /** Ends an alarm still on after the last row (`lastRow`: the series' last index). */
  close(lastRow: number): void {
    if (this.alarm) this.emit(lastRow, true);
  }

  private begin(t: number): void {
    this.start = t;
    this.last = t;
    this.peakScore = -Infinity;
    this.peakIndex = t;
    this.sums.fill(0);
  }

  private emit(at: number, ongoing: boolean): void {
    const end = ongoing && this.lastScoredAbove ? at : Math.max(this.start, this.last - (this.window - 1));
    this.inPeriod.fill(1, this.start, end + 1);
    this.anomalies.push({
      startIndex: this.start,
      endIndex: end,
      onsetIndex: this.onset,
      clearedIndex: ongoing ? null : at,
      peakIndex: this.peakIndex,
      peakScore: float32Decimal(this.peakScore),
      contributions: shares(this.sensors, this.sums),
    });
    this.alarm = false;
    this.start = -1;
  }
}
