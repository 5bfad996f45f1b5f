import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDrift } from '../../main/core/ml/drift';
import { fitStatisticalForecaster, loadForecaster, trainForecastModel } from '../../main/core/ml/forecast';
import { restoreModel } from '../../main/core/ml/runtime/artifact';
import { ensureBackend, tf } from '../../main/core/ml/runtime/backend';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { below, type BenchRow } from './figures';
import { timed } from './timing';

// Forecasting on NYC taxi demand (NAB nyc_taxi, half-hour steps): the last
// four weeks are unseen by training and calibration. Latency is a forecast
// call (window checks, one predict of [1, lookback], intervals) against a
// raw `model.predict` of one window of the same network; quality against
// persistence and the nominal 90% coverage; drift against a plain sort.

const ROOT = join(__dirname, '..', '..');
const HALF_HOUR = 1_800_000;
const HOLD_OUT = 4 * 7 * 48;
const CALLS = 2_500;

export async function benchForecast(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await ensureBackend();
  const lines = readFileSync(join(ROOT, 'assets', 'datasets', 'nab', 'nyc_taxi.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const taxi = Float32Array.from(lines.map((l) => Number(l.split(',')[1])));
  const known = taxi.slice(0, taxi.length - HOLD_OUT);

  const t0 = performance.now();
  const trained = await trainForecastModel({ values: known, stepMs: HALF_HOUR }, {}, quietContext(42));
  const trainS = (performance.now() - t0) / 1000;
  const m = trained.metrics;
  const { lookback, horizon } = trained.meta;
  rows.push({ metric: 'forecast: training (nyc_taxi, defaults)', value: trainS, unit: 's', note: `${trained.trainRows} windows x ${String(trained.params.epochs)} epochs, lookback ${lookback}, horizon ${horizon}` });
  rows.push({ metric: 'forecast: val_nmae vs persistence', value: m.val_nmae!, unit: 'MAE/std', reference: 'persistence', refValue: m.baseline_nmae!, ratio: m.val_nmae! / m.baseline_nmae! });
  rows.push({ metric: 'forecast: val_coverage (nominal 0.9)', value: m.val_coverage!, unit: 'share', reference: 'nominal', refValue: 0.9, ratio: m.val_coverage! / 0.9 });

  const forecaster = await loadForecaster(trained.artifact, trained.meta);
  const model = await restoreModel(trained.artifact);
  try {
    // Quality on the four unseen weeks, every origin.
    let inside = 0;
    let total = 0;
    let err = 0;
    let persist = 0;
    for (let o = known.length; o + horizon <= taxi.length; o++) {
      const r = forecaster.forecast(taxi.subarray(0, o));
      for (let k = 0; k < horizon; k++) {
        const y = taxi[o + k]!;
        if (y >= r.lower[k]! && y <= r.upper[k]!) inside++;
        err += Math.abs(y - r.value[k]!);
        persist += Math.abs(y - taxi[o - 1]!);
        total++;
      }
    }
    rows.push({ metric: 'forecast: unseen 4 weeks MAE vs persistence', value: err / total, unit: 'rides', reference: 'persistence', refValue: persist / total, ratio: err / persist });
    rows.push({ metric: 'forecast: unseen 4 weeks coverage (nominal 0.9)', value: inside / total, unit: 'share', reference: 'nominal', refValue: 0.9, ratio: inside / total / 0.9, note: 'includes the January 2015 blizzard' });

    const origins = (i: number) => known.length + (i % (HOLD_OUT - horizon));
    const call = timed(CALLS, (i) => forecaster.forecast(taxi.subarray(0, origins(i))));
    const input = new Float32Array(lookback + 1);
    const raw = timed(CALLS, (i) => {
      input[lookback] = (i % 7) / 7;
      tf.tidy(() => (model.predict(tf.tensor2d(input, [1, lookback + 1])) as tf.Tensor).dataSync());
    });
    rows.push({ metric: 'forecast: latency p50 (one call)', value: call.p50, unit: 'ms', reference: 'raw model.predict p50', refValue: raw.p50, ratio: call.p50 / raw.p50, note: `${CALLS} calls` });
    rows.push({ metric: 'forecast: latency p95 (one call)', value: call.p95, unit: 'ms', reference: 'raw model.predict p95', refValue: raw.p95, ratio: call.p95 / raw.p95, note: `${CALLS} calls`, target: below(20) });
    const rolled = timed(1000, (i) => forecaster.forecast(taxi.subarray(0, origins(i)), horizon * 6));
    rows.push({ metric: `forecast: latency p95 rolled to ${horizon * 6} steps`, value: rolled.p95, unit: 'ms', reference: 'one call p95', refValue: call.p95, ratio: rolled.p95 / call.p95, note: '6 predicts' });
  } finally {
    forecaster.dispose();
    model.dispose();
  }

  // The fallback fits per request on the sensor's last 5,000 readings.
  const recent = known.slice(known.length - 5000);
  const fit = timed(50, () => fitStatisticalForecaster({ values: recent, stepMs: HALF_HOUR }).dispose());
  rows.push({ metric: 'forecast fallback: fit + backtest on 5,000 readings p95', value: fit.p95, unit: 'ms' });

  // Drift: KS + PSI on two 50,000-reading windows against sorting them.
  const machine = readFileSync(join(ROOT, 'assets', 'datasets', 'nab', 'machine_temperature_system_failure.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => Number(l.split(',')[1]));
  const big = Float64Array.from({ length: 100_000 }, (_, i) => machine[i % machine.length]! + (i >= 50_000 ? 0.5 : 0));
  const a = big.subarray(0, 50_000);
  const b = big.subarray(50_000);
  const drift = timed(20, () => checkDrift(a, b, { minSamples: 30, pValueThreshold: 0.05, psiThreshold: 0.2 }));
  const sort = timed(20, () => {
    Float64Array.from(a).sort();
    Float64Array.from(b).sort();
  });
  rows.push({ metric: 'drift: KS + PSI, 50,000 vs 50,000 readings p50', value: drift.p50, unit: 'ms', reference: 'sorting both', refValue: sort.p50, ratio: drift.p50 / sort.p50 });
  return rows;
}
