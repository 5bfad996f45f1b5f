import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitStatisticalDetector, loadAnomalyDetector, trainAnomalyModel, type AnomalyDetector, type OnlineScore, type SeriesMatrix } from '../../../main/core/ml/anomaly';
import { CALIBRATION } from '../../../main/core/ml/anomaly/calibrate';
import { stepThroughCuts } from '../../../main/core/ml/anomaly/online-step';
import { isAnomaly, isCleared, isOnset } from '../../../main/core/ml/anomaly/packed-scores';
import { MlInputError } from '../../../main/core/ml/ml-errors';
import { quietContext } from '../../../main/core/ml/runtime/train-context';

// The online scorer must survive a restart: a snapshot taken after any
// reading, stored as JSON and restored, continues with the very scores,
// onsets and clears of a scorer that never stopped. And a batch of readings
// scored at once gives what pushing them one by one gives. Real data: AI4I
// 2020 process data, whose temperatures drift away from the first rows (so
// alarms rise and clear), and C-MAPSS FD001 for many sensors and a long
// window.

const DATASETS = join(__dirname, '..', '..', '..', 'assets', 'datasets');

function ai4i(rows: number): SeriesMatrix {
  const lines = readFileSync(join(DATASETS, 'ai4i', 'ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).slice(1, rows + 1);
  const values = new Float64Array(lines.length * 4);
  lines.forEach((l, i) => {
    const c = l.split(',');
    values.set([Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6])], i * 4);
  });
  return { sensors: ['air-temp', 'process-temp', 'speed', 'torque'], timestamps: Float64Array.from(lines, (_, i) => i * 60_000), values };
}

function cmapss(rows: number): SeriesMatrix {
  const keep = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21];
  const lines = readFileSync(join(DATASETS, 'cmapss', 'train_FD001.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, rows);
  const values = new Float64Array(lines.length * keep.length);
  lines.forEach((l, i) => {
    const c = l.split(/\s+/).map(Number);
    keep.forEach((k, j) => (values[i * keep.length + j] = c[4 + k]!));
  });
  return { sensors: keep.map((k) => `s${k}`), timestamps: Float64Array.from(lines, (_, i) => i), values };
}

const head = (m: SeriesMatrix, rows: number): SeriesMatrix => {
  const s = m.sensors.length;
  return { sensors: m.sensors, timestamps: m.timestamps.subarray(0, rows), values: m.values.subarray(0, rows * s) };
};

const rowOf = (m: SeriesMatrix, i: number) => Array.from(m.values.subarray(i * m.sensors.length, (i + 1) * m.sensors.length));

/** Every row pushed one at a time through a fresh scorer. */
function pushAll(d: AnomalyDetector, m: SeriesMatrix): OnlineScore[] {
  const online = d.createOnline();
  return Array.from({ length: m.timestamps.length }, (_, i) => online.push(rowOf(m, i)));
}

/** True when the value is built only of numbers, arrays of numbers and plain objects of those. */
function plainNumbers(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(plainNumbers);
  return false;
}

// What is compared is the scorer's state and batching, so the detectors take
// the calibration that raises alarms soonest (CALIBRATION, one sensor's): the
// several-sensor default (CALIBRATION_SEVERAL) raises none or one on these
// stretches, and equal outputs without alarms would show little.
describe.each([
  ['autoencoder', async () => {
    const t = await trainAnomalyModel(head(ai4i(5000), 1500), { window: 16, epochs: 4, calibration: CALIBRATION }, quietContext(9));
    return loadAnomalyDetector(t.artifact, t.meta);
  }],
  ['statistical', async () => fitStatisticalDetector(head(ai4i(5000), 1500), { window: 16, calibration: CALIBRATION })],
] as const)('the %s online scorer', (_name, make) => {
  const data = ai4i(5000);
  let d: AnomalyDetector;
  let reference: OnlineScore[];

  beforeAll(async () => {
    d = await make();
    reference = pushAll(d, data);
    return () => d.dispose();
  }, 60_000);

  it('raises and clears alarms on this data (so the comparisons below mean something)', () => {
    expect(reference.filter((r) => r.onset).length).toBeGreaterThan(1);
    expect(reference.filter((r) => r.cleared).length).toBeGreaterThan(0);
    // A clear comes only after an onset, and ends the alarm.
    let on = false;
    for (const r of reference) {
      if (r.onset) on = true;
      if (r.cleared) {
        expect(on).toBe(true);
        expect(r.anomaly).toBe(false);
        on = false;
      }
      expect(r.anomaly).toBe(on);
    }
  });

  it('resumes from a JSON snapshot exactly where it stopped', () => {
    const firstOnset = reference.findIndex((r) => r.onset);
    const inAlarm = firstOnset + 3;
    expect(reference[inAlarm]!.anomaly).toBe(true);
    // Before a full window, at it, mid-alarm, and later (the ring wrapped many times).
    for (const cut of [0, 7, 15, 16, inAlarm, 2999]) {
      const first = d.createOnline();
      for (let i = 0; i < cut; i++) first.push(rowOf(data, i));
      const snap = first.snapshot();
      expect(plainNumbers(snap), `snapshot after ${cut} rows is plain numbers`).toBe(true);
      const stored = JSON.stringify(snap);
      const resumed = d.createOnline(JSON.parse(stored));
      const rest = Array.from({ length: data.timestamps.length - cut }, (_, k) => resumed.push(rowOf(data, cut + k)));
      expect(rest, `resumed after ${cut} rows`).toEqual(reference.slice(cut));
      // And it ends in the state of the scorer that never stopped.
      first.pushMany(data.values.subarray(cut * 4), data.timestamps.length - cut);
      expect(resumed.snapshot()).toEqual(first.snapshot());
    }
  });

  it('scores a batch of rows as pushing them one by one would', () => {
    const online = d.createOnline();
    const got: OnlineScore[] = [];
    let at = 0;
    for (const size of [1, 5, 10, 0, 600, 1, 2000]) {
      got.push(...online.pushMany(data.values.subarray(at * 4, (at + size) * 4), size));
      at += size;
    }
    while (at < data.timestamps.length) got.push(online.push(rowOf(data, at++)));
    expect(got).toEqual(reference);
    expect(d.createOnline().pushMany(data.values, data.timestamps.length)).toEqual(reference);
  });

  it('steps through the batches of a backlog as one by one, with the state after each batch and the explanation of each onset', () => {
    const cuts = [0, 7, 16, 600, 0, 1, 2000, 2376];
    const total = cuts.reduce((a, c) => a + c, 0);
    expect(total).toBe(data.timestamps.length);
    const step = stepThroughCuts(d.createOnline(), Float64Array.from(data.values), cuts, 4);
    const one = d.createOnline();
    const snapshots = [];
    let at = 0;
    for (const c of cuts) {
      for (let i = 0; i < c; i++) one.push(rowOf(data, at++));
      snapshots.push(one.snapshot());
    }
    expect(step.snapshots).toEqual(snapshots);
    const p = step.scores;
    expect(Array.from(p.score)).toEqual(reference.map((r) => r.score));
    expect(reference.map((_, i) => [isAnomaly(p, i), isOnset(p, i), isCleared(p, i)])).toEqual(reference.map((r) => [r.anomaly, r.onset, r.cleared]));
    expect(p.onsets).toEqual(reference.flatMap((r, i) => (r.onset ? [[i, r.contributions]] : [])));
    expect(() => stepThroughCuts(d.createOnline(), Float64Array.from(data.values.subarray(0, 12)), [1, 1], 4)).toThrow(MlInputError);
  });

  it('refuses a bad batch whole, leaving the scorer as it was', () => {
    const online = d.createOnline();
    online.pushMany(data.values.subarray(0, 40 * 4), 40);
    const before = JSON.stringify(online.snapshot());
    const bad = Float64Array.from(data.values.subarray(40 * 4, 50 * 4));
    bad[3 * 4 + 2] = NaN;
    expect(() => online.pushMany(bad, 10)).toThrow(/row 3: sensor 'speed' reading is NaN/);
    expect(() => online.pushMany(bad.subarray(0, 9), 10)).toThrow(/9 values for 10 rows of 4 sensors/);
    expect(JSON.stringify(online.snapshot())).toBe(before);
  });

  it('refuses a snapshot that is not of this model', () => {
    const online = d.createOnline();
    online.pushMany(data.values.subarray(0, 30 * 4), 30);
    const snap = online.snapshot();
    const bad = [
      { ...snap, window: 24 },
      { ...snap, sensors: 3 },
      { ...snap, threshold: snap.threshold * 2 },
      { ...snap, rows: snap.rows.slice(1) },
      { ...snap, rows: snap.rows.map((v, i) => (i === 5 ? Number.NaN : v)) },
      { ...snap, filled: 17 },
      { ...snap, below: -1 },
      { ...snap, active: 2 },
      { ...snap, version: 2 },
    ];
    for (const state of bad) expect(() => d.createOnline(state as typeof snap), JSON.stringify({ ...state, rows: state.rows.length })).toThrow(MlInputError);
  });
});

describe('online batches across chunks (C-MAPSS, 14 sensors, window 300)', () => {
  it('scores 6,000 rows at once as one by one, over several model calls', () => {
    // 300 x 14 values per window: a batch runs ~950 windows per model call, so this takes seven.
    const data = cmapss(6000);
    const d = fitStatisticalDetector(head(data, 2000), { window: 300, calibration: CALIBRATION });
    const reference = pushAll(d, data);
    expect(reference.some((r) => r.onset)).toBe(true);
    expect(d.createOnline().pushMany(data.values, 6000)).toEqual(reference);
    // Snapshot mid-way, resume, and batch the rest.
    const first = d.createOnline();
    first.pushMany(data.values.subarray(0, 3333 * 14), 3333);
    const resumed = d.createOnline(JSON.parse(JSON.stringify(first.snapshot())));
    expect(resumed.pushMany(data.values.subarray(3333 * 14), 6000 - 3333)).toEqual(reference.slice(3333));
  });
});
