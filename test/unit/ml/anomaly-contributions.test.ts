import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitStatisticalDetector, loadAnomalyDetector, trainAnomalyModel, type AnomalyDetector, type SeriesMatrix } from '../../../main/core/ml/anomaly';
import { quietContext } from '../../../main/core/ml/runtime/train-context';

// The explanation operators see: which sensor made an anomaly. Three real
// AI4I 2020 process signals (air temperature, rotational speed, torque) as
// one asset; a fault is injected into one sensor over 150 rows — its reading
// offset by four training standard deviations, as a drifting or mis-mounted
// sensor would read — and the anomaly covering it must name that sensor.

const SENSORS = ['air-temp', 'speed', 'torque'];
const ROWS = 4000;
const TRAIN = 2500;
const FAULT = { from: 3000, to: 3150 };

function ai4i(): SeriesMatrix {
  const file = join(__dirname, '..', '..', '..', 'assets', 'datasets', 'ai4i', 'ai4i2020.csv');
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).slice(1, ROWS + 1);
  const values = new Float32Array(lines.length * 3);
  lines.forEach((l, i) => {
    const c = l.split(',');
    values.set([Number(c[3]), Number(c[5]), Number(c[6])], i * 3);
  });
  return { sensors: SENSORS, timestamps: Float64Array.from(lines, (_, i) => i * 60_000), values };
}

function stdOf(m: SeriesMatrix, j: number, rows: number): number {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < rows; i++) sum += m.values[i * 3 + j]!;
  const mean = sum / rows;
  for (let i = 0; i < rows; i++) sq += (m.values[i * 3 + j]! - mean) ** 2;
  return Math.sqrt(sq / rows);
}

function withFault(m: SeriesMatrix, j: number): SeriesMatrix {
  const values = Float32Array.from(m.values);
  const offset = 4 * stdOf(m, j, TRAIN);
  for (let i = FAULT.from; i < FAULT.to; i++) values[i * 3 + j] = values[i * 3 + j]! + offset;
  return { ...m, values };
}

/** The anomaly runs that overlap the fault (a window reaches back `window - 1` rows). */
async function overlapping(d: AnomalyDetector, m: SeriesMatrix) {
  const r = await d.scoreSeries(m);
  return r.anomalies.filter((a) => a.endIndex >= FAULT.from && a.startIndex < FAULT.to + d.window - 1);
}

const data = ai4i();
const train: SeriesMatrix = { sensors: SENSORS, timestamps: data.timestamps.subarray(0, TRAIN), values: data.values.subarray(0, TRAIN * 3) };

describe.each([
  ['autoencoder', async () => {
    const t = await trainAnomalyModel(train, { epochs: 10 }, quietContext(21));
    return loadAnomalyDetector(t.artifact, t.meta);
  }],
  ['statistical', async () => fitStatisticalDetector(train)],
] as const)('%s detector contributions', (_name, make) => {
  let detector: AnomalyDetector;
  beforeAll(async () => {
    detector = await make();
    return () => detector.dispose();
  }, 60_000);

  it('raises no alarm over the same rows without the fault', async () => {
    expect(await overlapping(detector, data)).toEqual([]);
  });

  it.each(SENSORS.map((s, j) => [s, j] as const))('names %s when the fault is in it', async (sensor, j) => {
    const found = await overlapping(detector, withFault(data, j));
    expect(found).toHaveLength(1);
    const a = found[0]!;
    expect(a.startIndex).toBeGreaterThanOrEqual(FAULT.from);
    expect(a.startIndex).toBeLessThan(FAULT.to);
    const shares = a.contributions.map((c) => c.share);
    expect(shares.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    expect([...shares].sort((x, y) => y - x)).toEqual(shares);
    expect(a.contributions[0]!.sensor).toBe(sensor);
    expect(a.contributions[0]!.share).toBeGreaterThan(0.8);
  });
});
