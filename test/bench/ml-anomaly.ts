import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitStatisticalDetector, loadAnomalyDetector, trainAnomalyModel, type SeriesMatrix } from '../../main/core/ml/anomaly';
import { reconstructionErrors } from '../../main/core/ml/anomaly/autoencoder-net';
import { normaliseValues } from '../../main/core/ml/anomaly/normalise';
import { centredFrames, consecutive } from '../../main/core/ml/anomaly/window-frames';
import { loadNabFile, NAB_REAL_KNOWN_CAUSE } from '../eval/nab-data';
import { runNabCorpus } from '../eval/nab-run';
import { alarmOnsets } from '../eval/nab-scorer';
import { ensureBackend, tf } from '../../main/core/ml/runtime/backend';
import { restoreModel } from '../../main/core/ml/runtime/artifact';
import { quietContext } from '../../main/core/ml/runtime/train-context';
import { atLeast, below, type BenchRow } from './figures';
import { heldOutQuality } from './ml-anomaly-heldout';
import { quantile } from './timing';

// The anomaly detector's figures, each against a reference measured in the
// same run: batch scoring against raw TF.js inference of the same model on
// the same windows, online scoring against a single-window TF.js predict,
// training against a bare model.fit on the same windows, and the NAB score
// against the statistical detector's.

const ROOT = join(__dirname, '..', '..');
const DATASETS = join(ROOT, 'assets', 'datasets');
const NAB = join(DATASETS, 'nab');

/** NASA C-MAPSS FD001, the 14 sensors that vary: 20,631 rows. */
function cmapss(): SeriesMatrix {
  const keep = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21];
  const lines = readFileSync(join(DATASETS, 'cmapss', 'train_FD001.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const values = new Float32Array(lines.length * keep.length);
  lines.forEach((l, i) => {
    const c = l.split(/\s+/).map(Number);
    keep.forEach((k, j) => (values[i * keep.length + j] = c[4 + k]!));
  });
  return { sensors: keep.map((k) => `s${k}`), timestamps: Float64Array.from(lines, (_, i) => i), values };
}

/** AI4I 2020: air and process temperature, speed, torque. */
function ai4i(rows: number): SeriesMatrix {
  const lines = readFileSync(join(DATASETS, 'ai4i', 'ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).slice(1, rows + 1);
  const values = new Float32Array(lines.length * 4);
  lines.forEach((l, i) => {
    const c = l.split(',');
    values.set([Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6])], i * 4);
  });
  return { sensors: ['air', 'process', 'speed', 'torque'], timestamps: Float64Array.from(lines, (_, i) => i), values };
}

function head(m: SeriesMatrix, rows: number): SeriesMatrix {
  const s = m.sensors.length;
  return { sensors: m.sensors, timestamps: m.timestamps.subarray(0, rows), values: m.values.subarray(0, rows * s) };
}

async function best<T>(times: number, f: () => Promise<T>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function batchThroughput(rows: BenchRow[]): Promise<void> {
  const data = cmapss();
  const w = 24;
  const s = data.sensors.length;
  const trained = await trainAnomalyModel(head(data, 3000), { window: w, epochs: 5 }, quietContext(1));
  const detector = await loadAnomalyDetector(trained.artifact, trained.meta);
  const model = await restoreModel(trained.artifact);
  const n = data.timestamps.length;
  const windows = n - w + 1;
  const x = tf.tensor2d(centredFrames(normaliseValues(data.values, trained.meta.normalisation), consecutive(0, windows), w, s), [windows, w * s]);
  try {
    await detector.scoreSeries(data); // warm-up (kernels, allocation)
    const scoreMs = await best(3, () => detector.scoreSeries(data));
    const rawMs = await best(3, async () => {
      const y = model.predict(x, { batchSize: 4096 }) as tf.Tensor;
      await y.data();
      y.dispose();
    });
    const errMs = await best(3, async () => {
      const e = reconstructionErrors(model, x, w, s);
      await e.data();
      e.dispose();
    });
    const rate = windows / (scoreMs / 1000);
    const raw = windows / (rawMs / 1000);
    rows.push({
      metric: 'anomaly: batch scoring (scoreSeries)', value: rate, unit: 'windows/s', reference: 'raw TF.js predict, batch 4096', refValue: raw, ratio: rate / raw,
      note: `C-MAPSS FD001, ${windows.toLocaleString('en')} windows of ${w}x${s}, ${tf.getBackend()}; predict + per-sensor error in TF.js alone: ${Math.round(windows / (errMs / 1000)).toLocaleString('en')} windows/s`,
    });
  } finally {
    x.dispose();
    model.dispose();
    detector.dispose();
  }
}

async function onlineLatency(rows: BenchRow[]): Promise<void> {
  const data = ai4i(10_000);
  const w = 30;
  const trained = await trainAnomalyModel(head(data, 3000), { window: w, epochs: 5 }, quietContext(2));
  const detector = await loadAnomalyDetector(trained.artifact, trained.meta);
  const model = await restoreModel(trained.artifact);
  try {
    const online = detector.createOnline();
    const lat: number[] = [];
    for (let i = 0; i < data.timestamps.length; i++) {
      const row = data.values.subarray(i * 4, i * 4 + 4);
      const t = performance.now();
      online.push(row);
      if (i >= w) lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    const one = tf.tensor2d(new Float32Array(w * 4), [1, w * 4]);
    const ref: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      const y = model.predict(one) as tf.Tensor;
      y.dataSync();
      y.dispose();
      ref.push(performance.now() - t);
    }
    one.dispose();
    ref.sort((a, b) => a - b);
    const p50 = quantile(lat, 0.5);
    const p99 = quantile(lat, 0.99);
    const refP50 = quantile(ref, 0.5);
    rows.push({ metric: 'anomaly: online push latency p50', value: p50, unit: 'ms', reference: 'TF.js predict of one window, p50', refValue: refP50, ratio: p50 / refP50, note: `AI4I, window ${w}x4, ${lat.length.toLocaleString('en')} pushes` });
    rows.push({ metric: 'anomaly: online push latency p99', value: p99, unit: 'ms', reference: 'TF.js predict of one window, p50', refValue: refP50, ratio: p99 / refP50, note: `max ${lat[lat.length - 1]!.toFixed(3)} ms`, target: below(2) });
    // A batch of readings at once (one many-window pass) against the same rows pushed one by one.
    const n = data.timestamps.length;
    let t = performance.now();
    const single = detector.createOnline();
    for (let i = 0; i < n; i++) single.push(data.values.subarray(i * 4, i * 4 + 4));
    const oneByOne = n / ((performance.now() - t) / 1000);
    t = performance.now();
    detector.createOnline().pushMany(data.values, n);
    const batched = n / ((performance.now() - t) / 1000);
    rows.push({ metric: 'anomaly: online pushMany', value: batched, unit: 'rows/s', reference: 'push one by one', refValue: oneByOne, ratio: batched / oneByOne, note: `AI4I, ${n.toLocaleString('en')} rows in one call, window ${w}x4` });
  } finally {
    model.dispose();
    detector.dispose();
  }
}

async function trainingTime(rows: BenchRow[]): Promise<void> {
  // The seven NAB realKnownCause series one after the other: 69,553 rows of real sensor data.
  const values = Float32Array.from(NAB_REAL_KNOWN_CAUSE.flatMap((f) => Array.from(loadNabFile(NAB, f).values)));
  const w = 24;
  const epochs = 10;
  // 80% of the windows train (50,000), 20% are held out.
  const n = Math.ceil(50_000 / 0.8) + 2 * w;
  const data: SeriesMatrix = { sensors: ['value'], timestamps: Float64Array.from({ length: n }, (_, i) => i), values: values.subarray(0, n) };
  const t = performance.now();
  const trained = await trainAnomalyModel(data, { window: w, epochs }, quietContext(3));
  const seconds = (performance.now() - t) / 1000;
  const trainWindows = trained.params.train_windows as number;
  // Reference: a bare fit of the same architecture on the same windows, pre-built.
  const model = await restoreModel(trained.artifact);
  const x = tf.tensor2d(centredFrames(normaliseValues(data.values, trained.meta.normalisation), consecutive(0, trainWindows), w, 1), [trainWindows, w]);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const t2 = performance.now();
  await model.fit(x, x, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
  const rawSeconds = (performance.now() - t2) / 1000;
  x.dispose();
  model.dispose();
  rows.push({
    metric: 'anomaly: training, 50,000 windows', value: seconds, unit: 's', reference: 'bare model.fit, same windows', refValue: rawSeconds, ratio: seconds / rawSeconds,
    note: `${trainWindows.toLocaleString('en')} training windows of ${w}x1 (+ ${(trained.params.val_windows as number).toLocaleString('en')} held out), ${epochs} epochs, batch 64`,
  });
}

async function nabQuality(rows: BenchRow[]): Promise<void> {
  const ae = await runNabCorpus({ dir: NAB, seed: 42 });
  const stat = await runNabCorpus({ dir: NAB, statistical: true });
  const per = ae.files.map((f) => `${f.file.replace('.csv', '')} ${f.normalized.toFixed(1)} (${f.detectedWindows}/${f.windows} found, ${f.falsePositives} false)`).join('; ');
  rows.push({ metric: 'anomaly: NAB score, 7 realKnownCause files', value: ae.overall, unit: 'NAB (0 null, 100 perfect)', reference: 'statistical detector', refValue: stat.overall, ratio: ae.overall / stat.overall, note: `standard profile, alarm onsets, probation rows train; ${per}` });

  // The acceptance case: machine temperature trained on its first 2,000 rows.
  const f = loadNabFile(NAB, 'machine_temperature_system_failure.csv');
  const values = Float32Array.from(f.values);
  const all: SeriesMatrix = { sensors: ['t'], timestamps: f.times, values };
  const trained = await trainAnomalyModel(head(all, 2000), {}, quietContext(42));
  const detector = await loadAnomalyDetector(trained.artifact, trained.meta);
  const statDetector = fitStatisticalDetector(head(all, 2000));
  const judge = async (d: typeof detector) => {
    const onsets = alarmOnsets((await d.scoreSeries(all)).alarm);
    const found = f.windows.filter((w) => onsets.some((i) => i >= w.start && i <= w.end)).length;
    return { found, falseOnsets: onsets.filter((i) => !f.windows.some((w) => i >= w.start && i <= w.end)).length };
  };
  const a = await judge(detector);
  const b = await judge(statDetector);
  detector.dispose();
  rows.push({ metric: 'anomaly: machine temp, labelled windows caught', value: a.found, unit: 'of 4', target: atLeast(4, 'value'), note: `trained on the first 2,000 rows (statistical detector: ${b.found}/4)` });
  rows.push({ metric: 'anomaly: machine temp, false alarm onsets', value: a.falseOnsets, unit: 'onsets', reference: 'statistical detector', refValue: b.falseOnsets, ratio: a.falseOnsets / b.falseOnsets, note: `trained on the first 2,000 rows; alarms inside ${a.found}/4 labelled windows (statistical ${b.found}/4)` });
}

export async function benchAnomaly(): Promise<BenchRow[]> {
  await ensureBackend();
  const rows: BenchRow[] = [];
  await batchThroughput(rows);
  await onlineLatency(rows);
  await trainingTime(rows);
  await nabQuality(rows);
  await heldOutQuality(rows);
  return rows;
}
