import { AlarmState } from '../../main/core/ml/anomaly/alarm-state';
import type { HysteresisSettings } from '../../main/core/ml/anomaly/types';

/**
 * A detector's alarm column replayed over its scores under another threshold
 * and hysteresis, as scoreSeries steps it: from the first full window on
 * (the rows before it are 0).
 */
export function replayAlarm(scores: ArrayLike<number>, window: number, threshold: number, hysteresis: HysteresisSettings): Uint8Array {
  const state = new AlarmState(threshold, hysteresis);
  const alarm = new Uint8Array(scores.length);
  for (let t = window - 1; t < alarm.length; t++) {
    state.step(scores[t]!);
    alarm[t] = state.active ? 1 : 0;
  }
  return alarm;
}
