import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRulPredictor, readRunToFailureCsv, trainRulModel } from '../../main/core/ml/rul';
import { restoreModel } from '../../main/core/ml/runtime/artifact';
import { ensureBackend, tf } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { atMost, below, type BenchRow } from './figures';
import { timed } from './timing';

// Remaining useful life on NASA C-MAPSS FD001 (100 engines run to failure),
// full quality: the defaults (window 40, up to 50 epochs, early stopping),
// cap 125, seed 42. Whole engines are split: 20 validation, 12 calibration
// (early stopping, interval), 68 fitted. Quality targets: validation RMSE
// <= 15 (published FD001 test RMSE: LSTM 16.1, recent CNN/attention models
// 11.4-13.4 — on the test set's truncated engines, comparable to our
// truncation-point RMSE), training < 120 s. Latency: one `predict` of an
// engine's latest rows (checks, standardising, smoothing, one window through
// the network, interval) against a raw `model.predict` of one prepared window
// of the same network; and scoring a whole fleet per engine.

const ROOT = join(__dirname, '..', '..');
const CALLS = 2_000;

export async function benchRul(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await ensureBackend();
  const data = readRunToFailureCsv(readFileSync(join(ROOT, 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8'), { assetCol: 'c1', timeCol: 'c2', headerless: true });

  const t0 = performance.now();
  const trained = await trainRulModel(data, { cap: 125 }, quietContext(42));
  const trainS = (performance.now() - t0) / 1000;
  const m = trained.metrics;
  const note = `${m.train_units} fitted + ${m.calibration_units} calibration engines, best epoch ${m.best_epoch} of ${m.epochs_run}, window ${trained.meta.window}, ${trained.meta.featureCols.length} features`;
  rows.push({ metric: 'rul: training (FD001, defaults)', value: trainS, unit: 's', note, target: below(120) });
  rows.push({ metric: 'rul: val RMSE, every window', value: m.val_rmse!, unit: 'cycles', note: `${m.val_units} held-out engines, ${m.val_windows} windows, capped true RUL`, target: atMost(15) });
  rows.push({ metric: 'rul: val RMSE at random truncation points', value: m.val_rmse_truncated!, unit: 'cycles', reference: 'published LSTM FD001 test RMSE', refValue: 16.1, ratio: m.val_rmse_truncated! / 16.1, note: '5 points per validation engine; the published figure is on the FD001 test set' });
  rows.push({ metric: 'rul: val RMSE at the last cycle', value: m.val_rmse_last!, unit: 'cycles', note: 'true RUL 0' });
  rows.push({ metric: 'rul: val MAE, every window', value: m.val_mae!, unit: 'cycles' });
  rows.push({ metric: 'rul: val interval coverage (nominal 0.9)', value: m.val_coverage!, unit: 'share', reference: 'nominal', refValue: 0.9, ratio: m.val_coverage! / 0.9 });

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
    const call = timed(CALLS, (i) => predictor.predict(recent[i % recent.length]!));
    const window = new Float32Array(predictor.window * predictor.featureCols.length);
    const raw = timed(CALLS, (i) => {
      window[0] = (i % 7) / 7;
      tf.tidy(() => (model.predict(tf.tensor3d(window, [1, predictor.window, predictor.featureCols.length])) as tf.Tensor).dataSync());
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
