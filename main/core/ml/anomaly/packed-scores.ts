import type { OnlineScore, SensorShare } from './types';

// What online scoring keeps of a batch of scores, in a form that crosses
// from the online scoring worker to the serving thread cheaply: two typed
// arrays (transferred, not copied) and the explanations of the onsets. The
// serving thread packs its own scores the same way when it scores in place,
// so one loop reads both.

const ANOMALY = 1;
const ONSET = 2;
const CLEARED = 4;

export interface PackedScores {
  /** One per row, as float32 decimals. */
  score: Float64Array;
  /** Bit flags per row: alarm on, onset, cleared. */
  flags: Uint8Array;
  /** [row, shares] of each row that raised the alarm. */
  onsets: Array<[number, SensorShare[]]>;
}

export function packScores(list: readonly OnlineScore[]): PackedScores {
  const n = list.length;
  const score = new Float64Array(n);
  const flags = new Uint8Array(n);
  const onsets: Array<[number, SensorShare[]]> = [];
  for (let i = 0; i < n; i++) {
    const s = list[i]!;
    score[i] = s.score;
    flags[i] = (s.anomaly ? ANOMALY : 0) | (s.onset ? ONSET : 0) | (s.cleared ? CLEARED : 0);
    if (s.onset) onsets.push([i, s.contributions ?? []]);
  }
  return { score, flags, onsets };
}

export const isAnomaly = (p: PackedScores, i: number): boolean => (p.flags[i]! & ANOMALY) !== 0;
export const isOnset = (p: PackedScores, i: number): boolean => (p.flags[i]! & ONSET) !== 0;
export const isCleared = (p: PackedScores, i: number): boolean => (p.flags[i]! & CLEARED) !== 0;
