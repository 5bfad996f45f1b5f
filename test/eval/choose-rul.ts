import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunToFailureCsv, trainRulModel, type HeldOutCut, type RulTuning } from '../../main/core/ml/rul';
import { rmse } from '../../main/core/ml/rul/rul-scores';
import type { RunToFailureData } from '../../main/core/ml/rul/run-to-failure-csv';
import { ensureBackend } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { rowsOfUnits } from '../helpers/ml-data';

// The choosing script of the RUL model's settings (train-rul.ts RUL_TUNING,
// rul-net.ts). It reads NASA C-MAPSS FD001 engines 1-50 ONLY: rows of
// engines 51-100 are dropped before anything is trained or scored, so the
// figures those engines give in the bench stay untouched by any choice made
// here. Each candidate is trained by engine-level 5-fold cross-validation
// (cap 125) for seeds 42 and 7, and its held-out RMSE at the protocol's cuts
// (truncation.ts), NASA score, interval coverage, the RMSE by true RUL and
// the wall time are printed. One training at a time: the cores are shared.
//
//   npx tsx test/eval/choose-rul.ts before chosen ...
//   SEEDS=42 npx tsx test/eval/choose-rul.ts huber
//
// Figures found (RMSE seed 42 / seed 7 / mean; wall time of one run, on 2
// cores shared with another process's load, so only comparable within this
// table; a 5-fold run on 50 engines takes about what the 3-fold run on 100
// does):
//
//   before (the settings before this round)     16.08 / 16.55 / 16.32   ~225 s
//   huber                                       15.76 / 17.30 / 16.53   178 / 150 s
//   p5x16 (one conv, 9 patches of 5 rows)       17.02 /   -   /   -     170 s
//   p3x16                                       17.10 /   -   /   -     157 s
//   p5x16p3x16 (two convs, 45 -> 9 -> 3 rows)   16.01 /   -   /   -     140 s
//   p3p3p5x16 (three convs, 45 -> 15 -> 5 -> 1) 16.72 /   -   /   -     154 s
//   p5x32p3x32                                  16.38 /   -   /   -     177 s
//   raw5x16p3x16 (the convs without the mix)    16.16 /   -   /   -     126 s
//   huberP5p3 (huber + p5x16p3x16)              15.58 / 16.26 / 15.92   147 / 194 s
//   huberP5p3swa = chosen (+ weightAverage 0.7) 15.65 / 16.05 / 15.85   151 / 172 s
//     (chosen re-run as the default, seed 42: 15.65 again, 147 s)
//   swa (weightAverage 0.7 alone)               16.22 / 16.79 / 16.51   206 / 203 s
//   huberP5p3e60 (60 epochs at most, not 40)    15.54 / 16.15 / 15.84   164 / 209 s
//   Not kept, and their knobs removed since: farKeep 0.1 18.32 (seed 42);
//   learning rate 3e-3 decaying by 0.97 per epoch 17.10 (seed 42);
//   huberP5p3 with targets clipped at 1.08 x the cap (estimates still
//   clamped to it) 15.80 / 16.39 / 16.10. Overlapping (stride-1)
//   convolutions from crops of the window were 4-5 times slower per epoch on
//   the WebAssembly backend and were not run.
//
// Caveat: the chosen settings beat "before" by 0.47 on the mean of the two
// seeds, on both seeds, but a seed alone moves a figure by 0.5-1.5 and the
// weight averaging's own share (0.07 over huberP5p3) is within that noise.

const ROOT = join(__dirname, '..', '..');
const LAST_DEV_ENGINE = 50;

/** The settings before this round, where RUL_TUNING now differs. */
const BEFORE: Partial<RulTuning> = { loss: 'meanSquaredError', conv: [], weightAverage: 0 };

/** The candidates: settings over RUL_TUNING (a Partial<RulTuning>), and `epochs` over RUL_DEFAULTS. */
const CANDIDATES: Record<string, Partial<RulTuning> & { epochs?: number }> = {
  before: BEFORE,
  chosen: {},
  huber: { ...BEFORE, loss: 'huber' },
  // Temporal convolutions after the per-row mix of 8, strided by their width (rul-net.ts patchConv): [width, filters].
  p5x16: { ...BEFORE, conv: [[5, 16]] },
  p3x16: { ...BEFORE, conv: [[3, 16]] },
  p5x16p3x16: { ...BEFORE, conv: [[5, 16], [3, 16]] },
  p3p3p5x16: { ...BEFORE, conv: [[3, 16], [3, 16], [5, 16]] },
  p5x32p3x32: { ...BEFORE, conv: [[5, 32], [3, 32]] },
  raw5x16p3x16: { ...BEFORE, mix: 0, conv: [[5, 16], [3, 16]] },
  huberP5p3: { ...BEFORE, loss: 'huber', conv: [[5, 16], [3, 16]] },
  huberP5p3swa: { ...BEFORE, loss: 'huber', conv: [[5, 16], [3, 16]], weightAverage: 0.7 },
  swa: { ...BEFORE, weightAverage: 0.7 },
  huberP5p3e60: { ...BEFORE, loss: 'huber', conv: [[5, 16], [3, 16]], epochs: 60 },
};

/** Engines 1-50 of FD001 only: every row of engines 51-100 is left out. */
export function devEngines(data: RunToFailureData): RunToFailureData {
  return rowsOfUnits(data, (u) => Number.isInteger(u) && u >= 1 && u <= LAST_DEV_ENGINE);
}

/** RMSE and bias of the cuts whose true RUL is in [lo, hi). */
function byTruth(cuts: HeldOutCut[], lo: number, hi: number): string {
  const d = cuts.filter((c) => c.truth >= lo && c.truth < hi).map((c) => c.predicted - c.truth);
  const n = Math.max(1, d.length);
  const bias = d.reduce((t, e) => t + e, 0) / n;
  return `${lo}-${hi} ${rmse(d).toFixed(1)} (${bias > 0 ? '+' : ''}${bias.toFixed(1)}, ${d.length})`;
}

async function main(): Promise<void> {
  await ensureBackend();
  const all = readRunToFailureCsv(readFileSync(join(ROOT, 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8'), { assetCol: 'c1', timeCol: 'c2', headerless: true });
  const dev = devEngines(all);
  const engines = new Set(dev.assets);
  if (engines.size !== LAST_DEV_ENGINE || [...engines].some((a) => Number(a) > LAST_DEV_ENGINE)) throw new Error('the development data must be engines 1-50 only');
  const seeds = (process.env.SEEDS ?? '42,7').split(',').map(Number);
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : Object.keys(CANDIDATES)) {
    const candidate = CANDIDATES[name];
    if (!candidate) throw new Error(`no candidate '${name}' (candidates: ${Object.keys(CANDIDATES).join(', ')})`);
    const { epochs, ...tuning } = candidate;
    const rmses: number[] = [];
    for (const seed of seeds) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const trained = await trainRulModel(dev, { cap: 125, folds: 5, ...(epochs === undefined ? {} : { epochs }) }, quietContext(seed), tuning);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const m = trained.metrics;
      rmses.push(m.val_rmse!);
      process.stdout.write(`  by true RUL (rmse, bias, cuts): ${[byTruth(trained.heldOut, 0, 50), byTruth(trained.heldOut, 50, 100), byTruth(trained.heldOut, 100, 125), byTruth(trained.heldOut, 125, 200)].join(' | ')}\n`);
      process.stdout.write(
        `${name} seed ${seed}: rmse ${m.val_rmse!.toFixed(2)} nasa ${m.val_nasa_score!.toFixed(0)} coverage ${m.val_coverage!.toFixed(3)} bias ${m.val_bias!.toFixed(2)} best_epoch ${m.best_epoch!.toFixed(1)} wall ${wall.toFixed(0)} s cpu ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s\n`,
      );
    }
    process.stdout.write(`${name}: mean rmse ${(rmses.reduce((s, x) => s + x, 0) / rmses.length).toFixed(2)}\n`);
  }
}

void main();
