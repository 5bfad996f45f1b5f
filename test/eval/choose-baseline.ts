import { ensureBackend } from '../../main/core/ml/runtime/backend';
import { ai4iCases, cmapssCases } from './datasets';
import { addCounts, metricsOf, severalSensorObjective, type RowCounts } from './metrics';
import { runCase } from './run-case';

// Whether models of several sensors should follow slow drift by default
// (baseline.ts), and with which time constant, judged on the TUNING cases
// of several sensors only (C-MAPSS engines 1-50, AI4I rows 1-5,000) by the
// objective CALIBRATION_SEVERAL was chosen by. The time constant is a
// multiple of the case's training rows, since that is what an asset's
// training says about its pace. Reported cases are not fitted here at all.
//
//   npx tsx test/eval/choose-baseline.ts

const MULTIPLES = [0, 0.5, 1, 2, 4, 8];

async function main(): Promise<void> {
  await ensureBackend();
  const cases = [...cmapssCases(), ...ai4iCases()].filter((c) => c.role === 'tune');
  for (const k of MULTIPLES) {
    const counts: Record<string, RowCounts[]> = { cmapss: [], ai4i: [] };
    for (const c of cases) {
      const r = await runCase(c, { baselineRows: Math.round(k * c.train.timestamps.length) });
      counts[c.set]!.push(r.counts);
    }
    const cm = metricsOf(addCounts(counts.cmapss!));
    const ai = metricsOf(addCounts(counts.ai4i!));
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    process.stdout.write(`${severalSensorObjective(cm, ai).toFixed(4)} | baseline ${k} x the training rows | C-MAPSS F1 ${cm.f1.toFixed(3)} FAR ${pct(cm.far)} | AI4I F1 ${ai.f1.toFixed(3)} FAR ${pct(ai.far)}\n`);
  }
}

void main();
