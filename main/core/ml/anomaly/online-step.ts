import { MlInputError } from '../ml-errors';
import { packScores, type PackedScores } from './packed-scores';
import type { OnlineAnomalyScorer, OnlineScore, OnlineScorerState } from './types';

// One call for many batches: online scoring hands over the rows of several
// stored batches at once (a backlog, or batches that arrived together) and
// needs the scorer's state after each of them, so that each batch commits
// exactly the state it leads to. The serving thread and the online scoring
// worker both step through here.

export interface OnlineStep {
  scores: PackedScores;
  /** The scorer's state after each cut. */
  snapshots: OnlineScorerState[];
}

/** Pushes `rows` (row-major, `sensors` values each) in cuts of `cuts[c]` rows, taking a snapshot after each. */
export function stepThroughCuts(scorer: OnlineAnomalyScorer, rows: Float64Array, cuts: readonly number[], sensors: number): OnlineStep {
  const total = cuts.reduce((a, c) => a + c, 0);
  if (!cuts.every((c) => Number.isInteger(c) && c >= 0) || total * sensors !== rows.length) {
    throw new MlInputError(`the cuts (${cuts.length}, ${total} rows in all) do not divide ${rows.length} values of ${sensors} sensors`, { path: 'cuts' });
  }
  const all: OnlineScore[] = new Array(total);
  const snapshots: OnlineScorerState[] = [];
  let at = 0;
  for (const c of cuts) {
    if (c > 0) {
      const part = scorer.pushMany(rows.subarray(at * sensors, (at + c) * sensors), c);
      for (let i = 0; i < c; i++) all[at + i] = part[i]!;
      at += c;
    }
    snapshots.push(scorer.snapshot());
  }
  return { scores: packScores(all), snapshots };
}
