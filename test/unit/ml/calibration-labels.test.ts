import { describe, expect, it } from 'vitest';
import { ai4iCases, cmapssCases, nabCases, type EvalCase } from '../../eval/datasets';
import { runCase } from '../../eval/run-case';
import { seededRandom } from '../../../main/core/ml/runtime/random';

// Calibration uses no labels: every case of the evaluation is handed over
// whole, labels included, then again with its labels shuffled (NAB windows
// moved elsewhere in the series). The threshold and every alarm must come
// out the same; only the figures computed against the labels may change.

function shuffled(c: EvalCase, seed: number): EvalCase {
  const rng = seededRandom(seed);
  const labels = Uint8Array.from(c.labels);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  const n = c.labels.length;
  // The windows mirrored end to start: as many, as long, somewhere else.
  const nabWindows = c.nabWindows?.map((w) => ({ ...w, start: n - 1 - w.end, end: n - 1 - w.start }));
  return { ...c, labels, ...(nabWindows ? { nabWindows } : {}) };
}

const picks = (): EvalCase[] => [
  nabCases(['realKnownCause']).find((c) => c.name === 'machine_temperature_system_failure')!,
  cmapssCases().find((c) => c.name === 'unit 7')!,
  ai4iCases()[0]!,
];

describe('calibration uses no labels', () => {
  for (const statistical of [true, false]) {
    it(`gives the same threshold and alarms with the labels shuffled (${statistical ? 'statistical detector' : 'autoencoder'})`, async () => {
      let figuresMoved = 0;
      for (const c of picks()) {
        const opts = statistical ? { statistical } : { epochs: 3 };
        const a = await runCase(c, opts);
        const b = await runCase(shuffled(c, 7), opts);
        expect(b.threshold, `${c.set} ${c.name}`).toBe(a.threshold);
        expect(Buffer.from(b.alarm).equals(Buffer.from(a.alarm)), `${c.set} ${c.name}: alarms`).toBe(true);
        expect(a.counts.tp + a.counts.fn, 'anomalous rows are counted').toBeGreaterThan(0);
        if (a.counts.tp !== b.counts.tp || a.nab?.raw !== b.nab?.raw) figuresMoved++;
      }
      // The labels did reach the figures: shuffling them changed what was scored.
      expect(figuresMoved).toBeGreaterThan(0);
    }, 180_000);
  }
});
