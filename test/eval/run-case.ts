import { fitAndScore } from '../../main/core/ml/anomaly/fit-and-score';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import type { EvalCase } from './datasets';
import { rowCounts, type RowCounts } from './metrics';
import { scoreAnomalyColumn, type NabFileScore } from './nab-scorer';

// One case of the evaluation, as `smc score` runs it: fit on the case's
// training rows, score its whole series, and only then compare the alarms
// with the labels. The case is handed over whole, labels included, so a
// test can show that the labels decide the figures and nothing else.

export interface CaseResult {
  threshold: number;
  /** The alarm column (1 while the alarm is on), row by row. */
  alarm: Uint8Array;
  counts: RowCounts;
  nab?: NabFileScore;
}

export async function runCase(c: EvalCase, opts: { statistical?: boolean; epochs?: number; seed?: number; baselineRows?: number } = {}): Promise<CaseResult> {
  const r = await fitAndScore(c.train, c.data, {
    window: c.window,
    ctx: quietContext(opts.seed ?? 42),
    ...(opts.statistical ? { statistical: true } : {}),
    ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
    ...(opts.baselineRows !== undefined ? { baselineRows: opts.baselineRows } : {}),
  });
  const alarm = r.scores.alarm;
  return {
    threshold: r.threshold,
    alarm,
    counts: rowCounts(alarm, c.labels, c.scored),
    ...(c.nabWindows ? { nab: scoreAnomalyColumn(alarm, c.nabWindows) } : {}),
  };
}
