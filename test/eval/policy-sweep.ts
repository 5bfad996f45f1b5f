import { CALIBRATION } from '../../main/core/ml/anomaly/calibrate';
import { fitAndScore, type FitAndScoreResult } from '../../main/core/ml/anomaly/fit-and-score';
import { ensureBackend } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { allCases, NAB_REPORTED_GROUP, type EvalCase } from './datasets';
import { addCounts, metricsOf, rowCounts, type RowCounts } from './metrics';
import { corpusScore, scoreAnomalyColumn, type NabFileScore } from './nab-scorer';
import { replayAlarm } from './replay';

// How far alarm settings alone move the evaluation: every case is scored
// once, then its alarms are replayed over the same scores under a grid of
// threshold factors and entry delays (the other settings the calibration's).
// It answers whether a policy could reach the targets, not what the
// defaults should be: nothing here is chosen.
//
//   npx tsx test/eval/policy-sweep.ts

const FACTORS = [1, 1.5, 2, 3, 5];
const ENTER = [6, 12, 36];

const groupOf = (c: EvalCase) => (c.set.startsWith('nab/') ? (c.set === `nab/${NAB_REPORTED_GROUP}` ? 'nab-rkc' : 'nab-51') : `${c.set}-${c.role}`);

async function main(): Promise<void> {
  await ensureBackend();
  const cases = allCases();
  const scored: FitAndScoreResult[] = [];
  for (const c of cases) scored.push(await fitAndScore(c.train, c.data, { window: c.window, ctx: quietContext(42) }));
  const out = ['factor enter | NAB 51 | NAB realKnownCause | cmapss-tune F1/FAR | ai4i-tune F1/FAR | cmapss-report F1/FAR | ai4i-report F1/FAR'];
  for (const factor of FACTORS) {
    for (const enterSteps of ENTER) {
      const groups = new Map<string, { counts: RowCounts; nab: NabFileScore[] }>();
      cases.forEach((c, i) => {
        const r = scored[i]!;
        const alarm = replayAlarm(r.scores.scores, r.window, r.threshold * factor, { enterSteps, immediateRatio: CALIBRATION.immediateRatio, exitSteps: CALIBRATION.exitSteps, exitRatio: CALIBRATION.exitRatio });
        const g = groups.get(groupOf(c)) ?? { counts: rowCounts([], []), nab: [] };
        g.counts = addCounts([g.counts, rowCounts(alarm, c.labels, c.scored)]);
        if (c.nabWindows) g.nab.push(scoreAnomalyColumn(alarm, c.nabWindows));
        groups.set(groupOf(c), g);
      });
      const rate = (k: string) => {
        const m = metricsOf(groups.get(k)!.counts);
        return `${m.f1.toFixed(2)}/${(100 * m.far).toFixed(0)} %`;
      };
      out.push(`${factor} ${enterSteps} | ${corpusScore(groups.get('nab-51')!.nab).toFixed(1)} | ${corpusScore(groups.get('nab-rkc')!.nab).toFixed(1)} | ${rate('cmapss-tune')} | ${rate('ai4i-tune')} | ${rate('cmapss-report')} | ${rate('ai4i-report')}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

void main();
