import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitStatisticalDetector, loadAnomalyDetector, trainAnomalyModel, type AnomalyDetector, type SeriesMatrix, type TrainedAnomalyModel } from '../../../main/core/ml/anomaly';
import { MlInputError } from '../../../main/core/ml/ml-errors';
import { quietContext, TrainingCancelled } from '../../../main/core/ml/runtime/train-context';
import { tf } from '../../../main/core/ml/runtime/backend';
import { notFloat32Decimals } from '../../helpers/ml-data';

// Batch and online scoring must agree (an operator sees the same alarm live
// as in the history), training must be reproducible from its seed, and bad
// input is refused with the row and sensor named. Real data: AI4I 2020
// process data (four sensors) and NASA C-MAPSS FD001 (fourteen sensors).

const DATASETS = join(__dirname, '..', '..', '..', 'assets', 'datasets');

function ai4i(rows: number): SeriesMatrix {
  const lines = readFileSync(join(DATASETS, 'ai4i', 'ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).slice(1, rows + 1);
  const values = new Float32Array(lines.length * 4);
  lines.forEach((l, i) => {
    const c = l.split(',');
    values.set([Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6])], i * 4);
  });
  return { sensors: ['air-temp', 'process-temp', 'speed', 'torque'], timestamps: Float64Array.from(lines, (_, i) => i * 60_000), values };
}

/** The FD001 sensors that vary, every engine one after the other (20,631 rows). */
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

function head(m: SeriesMatrix, rows: number): SeriesMatrix {
  const s = m.sensors.length;
  return { sensors: m.sensors, timestamps: m.timestamps.subarray(0, rows), values: m.values.subarray(0, rows * s) };
}

/** Pushes every row through a fresh online scorer and compares with batch scoring. */
async function compareOnline(d: AnomalyDetector, m: SeriesMatrix) {
  const batch = await d.scoreSeries(m);
  const online = d.createOnline();
  const s = m.sensors.length;
  let maxDiff = 0;
  let flagMismatches = 0;
  let badContributions = 0;
  const onsets: number[] = [];
  const clears: number[] = [];
  for (let i = 0; i < m.timestamps.length; i++) {
    const o = online.push(Array.from(m.values.subarray(i * s, (i + 1) * s)));
    maxDiff = Math.max(maxDiff, Math.abs(o.score - batch.scores[i]!));
    if (Number(o.anomaly) !== batch.alarm[i] || Number(o.above) !== batch.above[i]) flagMismatches++;
    if (o.onset) onsets.push(i);
    if (o.cleared) clears.push(i);
    // Contributions come with an alarm, summing to 1.
    if (o.anomaly ? Math.abs(o.contributions!.reduce((a, c) => a + c.share, 0) - 1) > 1e-6 : o.contributions !== null) badContributions++;
  }
  expect(badContributions).toBe(0);
  return { batch, maxDiff, flagMismatches, onsets, clears };
}

describe('autoencoder scoring', () => {
  const data = ai4i(6000);
  const train = head(data, 3000);
  let trained: TrainedAnomalyModel;
  let detector: AnomalyDetector;

  beforeAll(async () => {
    trained = await trainAnomalyModel(train, { window: 30, epochs: 8 }, quietContext(11));
    detector = await loadAnomalyDetector(trained.artifact, trained.meta);
    return () => detector.dispose();
  }, 60_000);

  it('gives the same scores and the same alarms online as in batch', async () => {
    const { batch, maxDiff, flagMismatches, onsets, clears } = await compareOnline(detector, data);
    expect(batch.anomalies.length).toBeGreaterThan(0); // AI4I's temperatures drift away from the first 3,000 rows
    expect(maxDiff).toBeLessThan(1e-4 * detector.threshold);
    expect(flagMismatches).toBe(0);
    expect(onsets).toEqual(batch.anomalies.map((a) => a.onsetIndex));
    expect(clears).toEqual(batch.anomalies.flatMap((a) => (a.clearedIndex === null ? [] : [a.clearedIndex])));
    expect(Array.from(batch.scores.subarray(0, 29))).toEqual(new Array(29).fill(0));
    expect(batch.scores[29]).toBeGreaterThan(0);
    // Scores are float32 model outputs, written as float32 decimals.
    expect(notFloat32Decimals(batch.scores)).toBe(0);
    expect(notFloat32Decimals([...batch.anomalies.map((a) => a.peakScore), detector.threshold])).toBe(0);
  });

  it('reports the model as plain data the registry can store', () => {
    const meta = JSON.parse(JSON.stringify(trained.meta));
    expect(meta).toEqual(trained.meta);
    expect(meta).toMatchObject({ sensors: data.sensors, window: 30 });
    expect(trained.metrics.val_recon_error).toBeGreaterThan(0);
    expect(trained.params).toMatchObject({ window: 30, epochs: 8 });
  });

  it('refuses input it cannot score, naming the problem', async () => {
    const bad = { ...data, values: Float32Array.from(data.values) };
    bad.values[4 * 100 + 3] = NaN;
    await expect(detector.scoreSeries(bad)).rejects.toThrow(/row 100: sensor 'torque' is NaN/);
    bad.values[4 * 100 + 3] = Infinity;
    await expect(detector.scoreSeries(bad)).rejects.toThrow(MlInputError);
    await expect(detector.scoreSeries({ ...data, sensors: ['air-temp', 'process-temp', 'torque', 'speed'] })).rejects.toThrow(/not the model's/);
    expect(() => detector.createOnline().push([300, 310, 1500])).toThrow(/3 values, the model has 4 sensors/);
    expect(() => detector.createOnline().push([300, 310, NaN, 40])).toThrow(/'speed' reading is NaN/);
    await expect(trainAnomalyModel(head(data, 60), { window: 30 }, quietContext(1))).rejects.toThrow(/60 rows, need at least 82/);
  });

  it('scores fewer rows than a window as all zero, without alarms', async () => {
    const r = await detector.scoreSeries(head(data, 20));
    expect(Array.from(r.scores)).toEqual(new Array(20).fill(0));
    expect(r.anomalies).toEqual([]);
  });
});

describe('autoencoder batch scoring in chunks', () => {
  it('agrees with online scoring across chunk boundaries (C-MAPSS, 14 sensors, window 64)', async () => {
    // 64 x 14 values per window: batch scoring runs ~4,460 windows per chunk, so 6,000 rows take two.
    const data = head(cmapss(), 6000);
    const t = await trainAnomalyModel(head(data, 1500), { window: 64, epochs: 2 }, quietContext(3));
    const d = await loadAnomalyDetector(t.artifact, t.meta);
    try {
      const { maxDiff, flagMismatches } = await compareOnline(d, data);
      expect(maxDiff).toBeLessThan(1e-4 * d.threshold);
      expect(flagMismatches).toBe(0);
    } finally {
      d.dispose();
    }
  }, 60_000);
});

describe('training is reproducible from its seed', () => {
  it('gives identical weights and scores for the same seed, different ones for another', async () => {
    const data = ai4i(2500);
    const train = head(data, 1200);
    const opts = { window: 16, epochs: 3 };
    const a = await trainAnomalyModel(train, opts, quietContext(5));
    const b = await trainAnomalyModel(train, opts, quietContext(5));
    const c = await trainAnomalyModel(train, opts, quietContext(6));
    expect(Buffer.from(b.artifact.weightData).equals(Buffer.from(a.artifact.weightData))).toBe(true);
    expect(b.meta).toEqual(a.meta);
    expect(Buffer.from(c.artifact.weightData).equals(Buffer.from(a.artifact.weightData))).toBe(false);
    const scores = async (t: TrainedAnomalyModel) => {
      const d = await loadAnomalyDetector(t.artifact, t.meta);
      try {
        return (await d.scoreSeries(data)).scores;
      } finally {
        d.dispose();
      }
    };
    expect(await scores(b)).toEqual(await scores(a));
  }, 60_000);
});

describe('tensor hygiene', () => {
  it('leaves no tensor behind after training, scoring and disposing', async () => {
    const data = ai4i(3000);
    const before = tf.memory().numTensors;
    const t = await trainAnomalyModel(head(data, 1000), { window: 16, epochs: 2 }, quietContext(4));
    const d = await loadAnomalyDetector(t.artifact, t.meta);
    await d.scoreSeries(data);
    d.createOnline().push([300, 310, 1500, 40]);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('training progress and cancellation', () => {
  it('reports progress up to 1, and stops within an epoch when cancelled', async () => {
    const data = ai4i(1500);
    const seen: number[] = [];
    await trainAnomalyModel(data, { window: 16, epochs: 3 }, { seed: 1, progress: (p) => seen.push(p.fraction), isCancelled: () => false });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen[seen.length - 1]).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    let epoch = 0;
    const cancelled = trainAnomalyModel(data, { window: 16, epochs: 200 }, { seed: 1, progress: (p) => void (epoch = p.epoch ?? epoch), isCancelled: () => epoch >= 2 });
    await expect(cancelled).rejects.toThrow(TrainingCancelled);
    expect(epoch).toBeLessThanOrEqual(3);
  }, 60_000);
});

describe('statistical detector', () => {
  it('agrees exactly online and in batch, across many batch chunks (C-MAPSS, 14 sensors, window 300)', async () => {
    const data = cmapss();
    const d = fitStatisticalDetector(head(data, 5000), { window: 300 });
    expect(d).toMatchObject({ method: 'statistical', window: 300 });
    // 300 x 14 values per window: batch scoring runs ~950 windows per chunk, so ~21 chunks.
    const { batch, maxDiff, flagMismatches } = await compareOnline(d, data);
    expect(maxDiff).toBe(0);
    expect(flagMismatches).toBe(0);
    expect(batch.scores[298]).toBe(0);
    expect(Math.min(...batch.scores.subarray(299))).toBeGreaterThan(0);
  }, 60_000);

  it('picks a window the reference rows can hold and refuses too few rows', () => {
    const data = ai4i(100);
    expect(fitStatisticalDetector(head(data, 40)).window).toBe(10);
    expect(fitStatisticalDetector(data).window).toBe(24);
    expect(() => fitStatisticalDetector(head(data, 10), { window: 24 })).toThrow(/10 rows, need at least 25/);
  });
});
