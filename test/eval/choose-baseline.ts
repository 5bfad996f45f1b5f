import { fitAndScore } from '../../main/core/ml/anomaly/fit-and-score';
import { ensureBackend } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { ai4iCases, cmapssCases, type EvalCase } from './datasets';
import { addCounts, metricsOf, rowCounts, type RowCounts } from './metrics';

// Whether models of several sensors should follow slow drift by default
// (baseline.ts), and with which time constant, judged on the TUNING cases
// of several sensors only (C-MAPSS engines 1-50, AI4I rows 1-5,000) by the
// objective CALIBRATION_SEVERAL was chosen by (mean of F1 - FAR over the two
// sets). The time constant is a multiple of the case's training rows, since
// that is what an asset's training says about its pace. Reported cases are
// not fitted here at all.
//
//   npx tsx test/eval/choose-baseline.ts

const MULTIPLES = [0, 0.5, 1, 2, 4, 8];

async function main(): Promise<void> {
  await ensureBackend();
  const cases = [...cmapssCases(), ...ai4iCases()].filter((c) => c.role === 'tune');
  for (const k of MULTIPLES) {
    const counts: Record<string, RowCounts[]> = { cmapss: [], ai4i: [] };
    for (const c of cases as EvalCase[]) {
      const trainRows = c.train.timestamps.length;
      const baselineRows = Math.round(k * trainRows);
      const r = await fitAndScore(c.train, c.data, { window: c.window, ctx: quietContext(42), baselineRows });
      counts[c.set]!.push(rowCounts(r.scores.alarm, c.labels, c.scored));
    }
    const m = (s: string) => metricsOf(addCounts(counts[s]!));
    const cm = m('cmapss');
    const ai = m('ai4i');
    const objective = (cm.f1 - cm.far + ai.f1 - ai.far) / 2;
    process.stdout.write(`${objective.toFixed(4)} | baseline ${k} x the training rows | C-MAPSS F1 ${cm.f1.toFixed(3)} FAR ${(100 * cm.far).toFixed(1)} % | AI4I F1 ${ai.f1.toFixed(3)} FAR ${(100 * ai.far).toFixed(1)} %\n`);
  }
}

void main();
