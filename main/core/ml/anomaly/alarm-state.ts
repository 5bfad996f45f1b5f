import { MlInputError } from '../ml-errors';
import type { HysteresisSettings, SensorShare } from './types';

// From scores to alarms. Every alarm onset costs an operator a look, so the
// state must not flap: a score just above the threshold must stay there for
// several consecutive rows before the state enters (a gross excursion enters
// at once), and the state leaves only after several consecutive scores below
// a lower level. Batch and online scoring both step this same machine, row
// by row, so they agree on every onset and every clear.
//
// The state says when to page someone, not where the anomaly was: it stays
// on through the exit delay, after the score has fallen. The periods
// reported to people come from the scores themselves (periods.ts).

/** What a row did to the alarm: raised it, cleared it, or neither. */
export type AlarmTransition = 'onset' | 'cleared' | null;

/** The machine's counters as plain numbers, for saving and resuming (active: 0 or 1). */
export interface AlarmSnapshot {
  above: number;
  below: number;
  active: number;
}

function counter(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export class AlarmState {
  private above = 0;
  private below = 0;
  active = false;
  private readonly exitLevel: number;
  private readonly immediateLevel: number;

  constructor(
    readonly threshold: number,
    private readonly h: HysteresisSettings,
    from?: AlarmSnapshot,
  ) {
    this.exitLevel = threshold * h.exitRatio;
    this.immediateLevel = threshold * h.immediateRatio;
    if (from) {
      if (!counter(from.above) || !counter(from.below) || (from.active !== 0 && from.active !== 1)) {
        throw new MlInputError('the saved alarm state must hold non-negative integer counters and active 0 or 1', { path: 'state' });
      }
      this.above = from.above;
      this.below = from.below;
      this.active = from.active === 1;
    }
  }

  /** Feeds one score; `active` is the state after it. */
  step(score: number): AlarmTransition {
    if (!this.active) {
      this.above = score > this.threshold ? this.above + 1 : 0;
      if (this.above >= this.h.enterSteps || score > this.immediateLevel) {
        this.active = true;
        this.below = 0;
        return 'onset';
      }
      return null;
    }
    this.below = score < this.exitLevel ? this.below + 1 : 0;
    if (this.below >= this.h.exitSteps) {
      this.active = false;
      this.above = 0;
      return 'cleared';
    }
    return null;
  }

  snapshot(): AlarmSnapshot {
    return { above: this.above, below: this.below, active: this.active ? 1 : 0 };
  }
}

/** Per-sensor shares of the given error sums, largest first, summing to 1. */
export function shares(sensors: readonly string[], sums: ArrayLike<number>): SensorShare[] {
  let total = 0;
  for (let j = 0; j < sensors.length; j++) total += Math.max(0, sums[j]!);
  const out = sensors.map((sensor, j) => ({ sensor, share: total > 0 ? Math.max(0, sums[j]!) / total : 1 / sensors.length }));
  return out.sort((a, b) => b.share - a.share);
}
