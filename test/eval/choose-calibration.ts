import { DEFAULT_WINDOW } from '../../main/core/ml/anomaly/autoencoder-train';
import { CALIBRATION, CALIBRATION_SEVERAL, type CalibrationSettings } from '../../main/core/ml/anomaly/calibrate';
import { fitAndScore } from '../../main/core/ml/anomaly/fit-and-score';
import { ensureBackend } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { allCases, type EvalCase } from './datasets';
import { addCounts, metricsOf, rowCounts, severalSensorObjective, type RowCounts } from './metrics';
import { corpusScore, scoreAnomalyColumn, type NabFileScore } from './nab-scorer';
import { replayAlarm } from './replay';

// Choosing calibrate.ts's constants as the evaluation demands: on the
// TUNING cases only (NAB's 51 files outside realKnownCause, C-MAPSS engines
// 1-50, AI4I rows 1-5,000; datasets.ts), printing the REPORTED ones
// (realKnownCause, engines 51-100, rows 5,001-10,000) beside each candidate,
// which never decide. One objective for models of a single sensor (the NAB
// score over the 51 files), one for several (the mean of F1 - FAR over
// C-MAPSS and AI4I: F1 rewards finding the faults, FAR is the share of
// normal rows an operator is paged on). A first run had one objective over
// all three groups, fixed before any figure was seen; its choice scored NAB
// 22 on the 51 files, so the objective was split by sensor count. Every case
// is fitted once per window and shape weight (seed 42, as the bench); the
// alarm settings are then replayed over the same scores.
//
// What it found (window 24): for one sensor, shape weight 0.5 and exit after
// 72 steps (tuning NAB 54.9 against the defaults' 50.3; realKnownCause held
// out 48.4, where the defaults, chosen there, score 58.2); for several,
// shape weight 0, margin 1.5, entry after 72 steps, no immediate entry
// (tuning C-MAPSS F1 0.685 at a false-alarm rate of 14.3 %, AI4I 0.622 at
// 11.0 %; held out, pooled, F1 0.431 at 26.0 %, against the one-sensor
// defaults' 0.436 at 73.6 %, the bench's figure then over both halves).
// Those figures predate the outlier screen (outliers.ts), which moved the
// tuning NAB score from 50.3 to 50.2 and no held-out F1 or false-alarm
// rate. With it, at the defaults' window and shape weight (24, 0.25), the
// best for several is margin 1.5, entry after 72 steps or at once above
// 50 x, exit after 6 steps below 0.5 x (the exit settings tie on the tuning
// cases; the grid's first was taken): on the reported halves, pooled, F1
// 0.432 at 25.7 %, where the one-sensor defaults give 0.364 at 74.9 %.
// Those became CALIBRATION_SEVERAL; calibrate.ts says why the one-sensor
// set did not replace CALIBRATION. Run again (SEVERAL=1) after C-MAPSS came
// to be scored by life left, the best at window 24 on the tuning cases is
// shape weight 0, margin 2, entry after 24 steps (0.727 against the
// defaults' 0.688); it was not adopted, since every candidate flags 0-4 % of
// the tuning engines' 521 healthy rows and AI4I's objective rewards drift
// (the README's "Quality on real data" says more, and that the held-out
// figures of that run were seen).
//
//   npx tsx test/eval/choose-calibration.ts

const WINDOWS = [16, 24, 48];
const SHAPE_WEIGHTS = [0, 0.25, 0.5];
const MARGINS = [1, 1.25, 1.5, 2, 3, 5];
const ENTER = [1, 6, 12, 24, 36, 72];
const IMMEDIATE = [1.5, 2, 3, 50, Infinity];
const EXIT_STEPS = [6, 24, 72];
const EXIT_RATIO = [0.5, 0.75, 0.9];

type Group = 'nab' | 'cmapss' | 'ai4i';
const groupOf = (c: EvalCase): Group => (c.set.startsWith('nab/') ? 'nab' : (c.set as Group));

interface Fitted {
  c: EvalCase;
  threshold: number;
  scores: ArrayLike<number>;
  window: number;
}

interface Figures {
  nab: number;
  cmapss: { f1: number; far: number };
  ai4i: { f1: number; far: number };
}

interface Candidate {
  settings: string;
  window: number;
  /** The defaults of one sensor (CALIBRATION) or of several (CALIBRATION_SEVERAL), if it is either. */
  current: { one: boolean; several: boolean };
  tune: Figures;
  report: Figures;
}

function figures(fitted: Fitted[], alarms: Uint8Array[], role: EvalCase['role']): Figures {
  const counts: Record<Group, RowCounts[]> = { nab: [], cmapss: [], ai4i: [] };
  const nab: NabFileScore[] = [];
  fitted.forEach((f, i) => {
    if (f.c.role !== role) return;
    counts[groupOf(f.c)].push(rowCounts(alarms[i]!, f.c.labels, f.c.scored));
    if (f.c.nabWindows) nab.push(scoreAnomalyColumn(alarms[i]!, f.c.nabWindows));
  });
  const m = (g: Group) => {
    const r = metricsOf(addCounts(counts[g]));
    return { f1: r.f1, far: r.far };
  };
  return { nab: corpusScore(nab), cmapss: m('cmapss'), ai4i: m('ai4i') };
}

const show = (f: Figures) =>
  `NAB ${f.nab.toFixed(1)}, C-MAPSS ${f.cmapss.f1.toFixed(3)}/${(100 * f.cmapss.far).toFixed(1)} %, AI4I ${f.ai4i.f1.toFixed(3)}/${(100 * f.ai4i.far).toFixed(1)} %`;

const univariate = (f: Figures) => f.nab / 100;
const multivariate = (f: Figures) => severalSensorObjective(f.cmapss, f.ai4i);

async function main(): Promise<void> {
  await ensureBackend();
  // SEVERAL=1: the cases of several sensors only (C-MAPSS, AI4I), for CALIBRATION_SEVERAL alone.
  const several = process.env.SEVERAL === '1';
  const cases = allCases().filter((c) => !several || !c.set.startsWith('nab/'));
  const all: Candidate[] = [];
  for (const window of WINDOWS) {
    for (const shapeWeight of SHAPE_WEIGHTS) {
      const fitted: Fitted[] = [];
      for (const c of cases) {
        // C-MAPSS keeps its own window (10 cycles: engines run 128-362).
        const w = c.set === 'cmapss' ? c.window : window;
        const r = await fitAndScore(c.train, c.data, { window: w, ctx: quietContext(42), calibration: { shapeWeight, margin: 1 } });
        fitted.push({ c, threshold: r.threshold, scores: r.scores.scores, window: r.window });
      }
      for (const margin of MARGINS) for (const enter of ENTER) for (const immediate of IMMEDIATE) for (const exitSteps of EXIT_STEPS) for (const exitRatio of EXIT_RATIO) {
        const alarms = fitted.map((f) => replayAlarm(f.scores, f.window, f.threshold * margin, { enterSteps: enter, immediateRatio: immediate, exitSteps, exitRatio }));
        const is = (k: Readonly<CalibrationSettings>) => window === DEFAULT_WINDOW && shapeWeight === k.shapeWeight && margin === k.margin && enter === k.enterSteps && immediate === k.immediateRatio && exitSteps === k.exitSteps && exitRatio === k.exitRatio;
        const current = { one: is(CALIBRATION), several: is(CALIBRATION_SEVERAL) };
        all.push({
          settings: `${current.one ? '(the defaults of one sensor) ' : ''}${current.several ? '(the defaults of several sensors) ' : ''}window ${window}, shapeWeight ${shapeWeight}, margin ${margin}, enterSteps ${enter}, immediateRatio ${immediate}, exitSteps ${exitSteps}, exitRatio ${exitRatio}`,
          window, current, tune: figures(fitted, alarms, 'tune'), report: figures(fitted, alarms, 'report'),
        });
      }
      process.stderr.write(`window ${window}, shape weight ${shapeWeight} done\n`);
    }
  }
  const print = (c: Candidate, score: (f: Figures) => number) => process.stdout.write(`${score(c.tune).toFixed(4)} | ${c.settings}\n  tune:   ${show(c.tune)}\n  report: ${show(c.report)}\n`);
  const objectives = [['one sensor (NAB score)', univariate, 'one'], ['several sensors (mean F1 - FAR)', multivariate, 'several']] as const;
  for (const [name, score, which] of objectives.filter(([, , w]) => !several || w === 'several')) {
    const ranked = [...all].sort((a, b) => score(b.tune) - score(a.tune));
    process.stdout.write(`== ${name}: best 5\n`);
    ranked.slice(0, 5).forEach((c) => print(c, score));
    for (const w of WINDOWS) {
      process.stdout.write(`-- best at window ${w}\n`);
      print(ranked.find((c) => c.window === w)!, score);
    }
    process.stdout.write('-- the defaults\n');
    print(all.find((x) => x.current[which])!, score);
  }
}

void main();
