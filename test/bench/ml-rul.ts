import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRulPredictor, readRunToFailureCsv, trainRulModel, type HeldOutCut } from '../../main/core/ml/rul';
import { nasaScore, rmse } from '../../main/core/ml/rul/rul-scores';
import { restoreModel } from '../../main/core/ml/runtime/artifact';
import { ensureBackend, tf } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { atLeast, atMost, below, type BenchRow } from './figures';
import { timed } from './timing';

// Remaining useful life on NASA C-MAPSS FD001 (100 engines run to failure):
// one run of the defaults of `smc rul train` (cap 125, seed 42), timed. That
// run is itself the cross-validation: 3 folds of 33-34 engines; each fold's
// network learns from the other 66-67 engines (85 % fitted, 15 % picking its
// epoch) and estimates its own, which it never saw, at 10 cuts each drawn like the FD001
// test set (true RUL uniform 7-145, at least 31 cycles kept), against the
// true, uncapped RUL. The figures below are those 1,000 held-out estimates;
// the interval's coverage on a fold uses bands calibrated on the other
// folds. So the bench times exactly what it validates, once. Development
// (the choice of window, smoothing, network, epochs) looked only at
// cross-validation within engines 1-50; engines 51-100 are also reported
// alone, as figures nothing was ever chosen on. Targets (issue 10): RMSE <=
// 13, coverage 0.85-0.95 at nominal 0.9 (two rows), training < 120 s on all
// 100 engines. Published FD001 test RMSE: LSTM 16.1, recent CNN/attention
// models 11.4-13.4. Latency: one `predict` of an engine's latest rows
// against a raw `model.predict` of one prepared window of the same network,
// and scoring a whole fleet.

const ROOT = join(__dirname, '..', '..');
const CALLS = 2_000;

function figures(cuts: HeldOutCut[]): { rmse: number; nasa: number; coverage: number; engines: number } {
  const perEngine = new Map<string, number[]>();
  for (const c of cuts) (perEngine.get(c.asset) ?? perEngine.set(c.asset, []).get(c.asset)!).push(nasaScore(c.predicted - c.truth));
  let nasa = 0;
  for (const s of perEngine.values()) nasa += s.reduce((a, b) => a + b, 0) / s.length;
  return {
    rmse: rmse(cuts.map((c) => c.predicted - c.truth)),
    nasa,
    coverage: cuts.filter((c) => c.truth >= c.lower && c.truth <= c.upper).length / Math.max(1, cuts.length),
    engines: perEngine.size,
  };
}

export async function benchRul(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await ensureBackend();
  const data = readRunToFailureCsv(readFileSync(join(ROOT, 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8'), { assetCol: 'c1', timeCol: 'c2', headerless: true });

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const trained = await trainRulModel(data, { cap: 125 }, quietContext(42));
  const trainS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // Training runs on one thread: its CPU time says less about others' load than the wall time does (not nothing: a busy machine slows every core).
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const m = trained.metrics;
  const how = `${m.folds}-fold CV by engine, ${m.val_units} held-out engines x ${m.cuts_per_unit} cuts (true RUL ${m.cut_min_rul}-${m.cut_max_rul}), against the true RUL`;
  rows.push({
    metric: 'rul: training (FD001, defaults, CV included)',
    value: trainS,
    unit: 's',
    target: below(120),
    note: `${m.members} networks (one per fold, each fitted on ${m.fit_units!.toFixed(1)} engines on average, best epoch ${m.best_epoch!.toFixed(1)} on average), window ${trained.meta.window}, ${trained.meta.featureCols.length} features; CPU time ${cpuS.toFixed(0)} s; 2 shared cores: wall time under contention is pessimistic`,
  });
  rows.push({ metric: 'rul: held-out RMSE at test-like cuts', value: m.val_rmse!, unit: 'cycles', target: atMost(13), reference: 'published LSTM FD001 test RMSE', refValue: 16.1, ratio: m.val_rmse! / 16.1, note: how });
  rows.push({ metric: 'rul: held-out NASA score (100 engines)', value: m.val_nasa_score!, unit: 'score', note: `${how}; per engine the mean over its cuts; bias ${m.val_bias!.toFixed(2)} cycles (positive: late)` });
  const coverageNote = `${how}; bands of fold k calibrated on the other folds only`;
  rows.push({ metric: 'rul: held-out interval coverage (nominal 0.9) >= 0.85', value: m.val_coverage!, unit: 'share', target: atLeast(0.85, 'value'), note: coverageNote });
  rows.push({ metric: 'rul: held-out interval coverage (nominal 0.9) <= 0.95', value: m.val_coverage!, unit: 'share', target: atMost(0.95), note: coverageNote });
  const untouched = figures(trained.heldOut.filter((c) => Number(c.asset) > 50));
  rows.push({
    metric: 'rul: held-out RMSE, engines 51-100 only',
    value: untouched.rmse,
    unit: 'cycles',
    note: `the same run's estimates of the ${untouched.engines} engines development never looked at; NASA score ${untouched.nasa.toFixed(0)} (${untouched.engines} engines), coverage ${untouched.coverage.toFixed(3)}`,
  });
  rows.push({ metric: 'rul: (not reported) RMSE vs capped RUL at the cuts', value: m.val_rmse_capped!, unit: 'cycles', note: 'truth clipped at 125 as in training: lower, and not what a test RUL file gives' });
  rows.push({ metric: 'rul: (not reported) RMSE over every row', value: m.val_rmse_all_windows!, unit: 'cycles', note: 'every row of the held-out engines, capped truth: the healthy plateau dominates and flatters; the figure the old bench reported (10.6)' });

  const predictor = await loadRulPredictor(trained.artifact, trained.meta);
  const model = await restoreModel(trained.artifact);
  try {
    const f = data.featureCols.length;
    const cols = predictor.featureCols.map((c) => data.featureCols.indexOf(c));
    const engines: number[][][] = [];
    for (let r = 0; r < data.assets.length; r++) {
      const u = Number(data.assets[r]) - 1;
      (engines[u] ??= []).push(cols.map((j) => data.features[r * f + j]!));
    }
    const recent = engines.map((rowsOf) => rowsOf.slice(-predictor.window));
    const call = timed(CALLS, (i) => predictor.predict(recent[i % recent.length]!, engines[i % recent.length]!.length - 1));
    // The network's columns: the features, and the age when the model reads it.
    const columns = predictor.featureCols.length + (predictor.readsAge ? 1 : 0);
    const window = new Float32Array(predictor.window * columns);
    const raw = timed(CALLS, (i) => {
      window[0] = (i % 7) / 7;
      tf.tidy(() => (model.predict(tf.tensor3d(window, [1, predictor.window, columns])) as tf.Tensor).dataSync());
    });
    rows.push({ metric: 'rul: predict latency p50 (one engine)', value: call.p50, unit: 'ms', reference: 'raw model.predict p50 (one window)', refValue: raw.p50, ratio: call.p50 / raw.p50, note: `${CALLS} calls` });
    rows.push({ metric: 'rul: predict latency p95 (one engine)', value: call.p95, unit: 'ms', reference: 'raw model.predict p95 (one window)', refValue: raw.p95, ratio: call.p95 / raw.p95, note: `${CALLS} calls` });
    const fleet = timed(50, () => predictor.predictAssets(data));
    const perEngine = fleet.p50 / engines.length;
    rows.push({ metric: 'rul: fleet scoring per engine p50 (100 engines)', value: perEngine, unit: 'ms', reference: 'raw model.predict p50 (one window)', refValue: raw.p50, ratio: perEngine / raw.p50, note: 'predictAssets of the 20,631-row FD001 file: grouping + one batched predict' });
  } finally {
    predictor.dispose();
    model.dispose();
  }
  return rows;
}
