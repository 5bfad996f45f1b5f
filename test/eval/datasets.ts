import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeriesMatrix } from '../../main/core/ml/anomaly/types';
import { DEFAULT_WINDOW } from '../../main/core/ml/anomaly/autoencoder-train';
import { loadNabWindows, nabTime, windowsToRows } from './nab-data';
import { probationaryLength, type RowWindow } from './nab-scorer';

// The labelled data sets of the evaluation, each cut into cases: rows to
// train on (taken as normal, no label read), rows to score, and the labels of
// the scored rows. Every case is either a TUNING case (constants may be
// chosen on it) or a REPORTED one (never used to choose anything):
//
//   NAB, 58 files: the 51 files outside realKnownCause tune; the seven of
//     realKnownCause are reported. Each file trains on its probationary
//     rows (NAB's first min(15 %, 750)), as NAB's own detectors do, and is
//     scored on the rest; labelled windows are anomalous rows.
//   C-MAPSS FD001 as a multivariate onset problem: each engine one case, its
//     14 varying sensors; the first 80 cycles train; the engine's last 30
//     cycles (remaining life < 30) are anomalous; the cycles after training
//     with at least 125 cycles of life left are normal. The cycles between
//     are not scored: the engine is degrading there (125 is where the FD001
//     literature, and this project's RUL cap, puts the end of the healthy
//     plateau), so an alarm there is neither false nor the failure found.
//     A first framing scored them as normal and so counted every early
//     warning of wear as a false alarm; `scoredAfterTraining` keeps it, and
//     the bench prints its figure beside. Window 10 (engines run 128-362
//     cycles). Units 1-50 tune, units 51-100 are reported.
//   AI4I 2020: the rows in file order, one per minute, five sensors (air and
//     process temperature, speed, torque, tool wear). A row with
//     Machine_failure = 1 and the 23 rows after it (the windows of 24 that
//     hold it) are anomalous. Rows 1-5,000 are the tuning case, rows
//     5,001-10,000 the reported one; each trains on its first 1,000 rows.
//
// Data are read from the repository only: realKnownCause, C-MAPSS and AI4I
// from assets/datasets/, the other NAB groups from test/fixtures/nab-corpus/.

const ROOT = join(__dirname, '..', '..');
export const DATASETS = join(ROOT, 'assets', 'datasets');
export const NAB_DIR = join(DATASETS, 'nab');
export const NAB_CORPUS = join(ROOT, 'test', 'fixtures', 'nab-corpus');

export type Role = 'tune' | 'report';

export interface EvalCase {
  /** The data set: nab/<group>, cmapss, ai4i. */
  set: string;
  name: string;
  role: Role;
  window: number;
  train: SeriesMatrix;
  data: SeriesMatrix;
  /** 1 on anomalous rows of `data`. */
  labels: Uint8Array;
  /** 1 on rows that count (those after the training rows). */
  scored: Uint8Array;
  /** NAB files: the labelled windows, for the NAB score. */
  nabWindows?: RowWindow[];
  /** C-MAPSS: every row after the training rows, the first framing's scored rows (see above). */
  scoredAfterTraining?: Uint8Array;
}

function rowsOf(m: SeriesMatrix, from: number, to: number): SeriesMatrix {
  const s = m.sensors.length;
  return { sensors: m.sensors, timestamps: m.timestamps.subarray(from, to), values: m.values.subarray(from * s, to * s) };
}

function afterRow(n: number, from: number): Uint8Array {
  const out = new Uint8Array(n);
  out.fill(1, from);
  return out;
}

function nabCsv(path: string): { times: Float64Array; values: Float32Array } {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean).slice(1);
  const times = new Float64Array(lines.length);
  const values = new Float32Array(lines.length);
  lines.forEach((l, i) => {
    const c = l.indexOf(',');
    times[i] = nabTime(l.slice(0, c));
    values[i] = Number(l.slice(c + 1));
  });
  return { times, values };
}

export const NAB_REPORTED_GROUP = 'realKnownCause';

/** Every NAB file as a case, realKnownCause reported, the other groups tuning. */
export function nabCases(groups?: readonly string[]): EvalCase[] {
  const windows = loadNabWindows(NAB_DIR);
  const out: EvalCase[] = [];
  const dirs = [NAB_REPORTED_GROUP, ...readdirSync(NAB_CORPUS).filter((g) => !g.endsWith('.txt')).sort()];
  for (const group of dirs) {
    if (groups && !groups.includes(group)) continue;
    const dir = group === NAB_REPORTED_GROUP ? NAB_DIR : join(NAB_CORPUS, group);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
      const { times, values } = nabCsv(join(dir, file));
      const n = values.length;
      const data: SeriesMatrix = { sensors: ['value'], timestamps: times, values };
      const limits = windows[`${group}/${file}`] ?? [];
      const rowWindows = windowsToRows(times, limits);
      const labels = new Uint8Array(n);
      for (const w of rowWindows) labels.fill(1, w.start, w.end + 1);
      const p = Math.floor(probationaryLength(n));
      out.push({
        set: `nab/${group}`, name: file.replace('.csv', ''), role: group === NAB_REPORTED_GROUP ? 'report' : 'tune', window: DEFAULT_WINDOW,
        train: rowsOf(data, 0, p), data, labels, scored: afterRow(n, p), nabWindows: rowWindows,
      });
    }
  }
  return out;
}

export const CMAPSS = { trainCycles: 80, failingCycles: 30, healthyRul: 125, window: 10, tuneUnits: 50 } as const;
const CMAPSS_SENSORS = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21];

/** C-MAPSS FD001, one case per engine (see above). */
export function cmapssCases(): EvalCase[] {
  const lines = readFileSync(join(DATASETS, 'cmapss', 'train_FD001.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const byUnit = new Map<number, number[][]>();
  for (const l of lines) {
    const c = l.split(/\s+/).map(Number);
    const list = byUnit.get(c[0]!) ?? [];
    list.push(c);
    byUnit.set(c[0]!, list);
  }
  const s = CMAPSS_SENSORS.length;
  return [...byUnit.entries()].sort((a, b) => a[0] - b[0]).map(([unit, rows]) => {
    const n = rows.length;
    const values = new Float32Array(n * s);
    rows.forEach((c, i) => CMAPSS_SENSORS.forEach((k, j) => (values[i * s + j] = c[4 + k]!)));
    const data: SeriesMatrix = { sensors: CMAPSS_SENSORS.map((k) => `s${k}`), timestamps: Float64Array.from(rows, (c) => c[1]!), values };
    const labels = new Uint8Array(n);
    labels.fill(1, n - CMAPSS.failingCycles);
    const scoredAfterTraining = afterRow(n, CMAPSS.trainCycles);
    // Row i has n - 1 - i cycles of life left.
    const scored = scoredAfterTraining.map((v, i) => (v && (labels[i] || n - 1 - i >= CMAPSS.healthyRul) ? 1 : 0));
    return {
      set: 'cmapss', name: `unit ${unit}`, role: unit <= CMAPSS.tuneUnits ? 'tune' : 'report', window: CMAPSS.window,
      train: rowsOf(data, 0, CMAPSS.trainCycles), data, labels, scored, scoredAfterTraining,
    } satisfies EvalCase;
  });
}

/** `failureRows`: the rows labelled anomalous from a failure on (a fixed 24, whatever the detector's window). */
export const AI4I = { halves: 5000, trainRows: 1000, window: DEFAULT_WINDOW, failureRows: 24 } as const;

/** AI4I 2020 in file order: the five sensors (rows x 5) and Machine_failure per row. */
export function readAi4i(): { rows: number; values: Float32Array; failure: Uint8Array } {
  const lines = readFileSync(join(DATASETS, 'ai4i', 'ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).slice(1);
  const s = 5;
  const values = new Float32Array(lines.length * s);
  const failure = new Uint8Array(lines.length);
  lines.forEach((l, i) => {
    const c = l.split(',');
    values.set([Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6]), Number(c[7])], i * s);
    failure[i] = Number(c[8]) === 1 ? 1 : 0;
  });
  return { rows: lines.length, values, failure };
}

/** AI4I 2020, two cases (see above). */
export function ai4iCases(): EvalCase[] {
  const { rows, values: all, failure } = readAi4i();
  const s = 5;
  const out: EvalCase[] = [];
  for (let h = 0; h * AI4I.halves < rows; h++) {
    const from = h * AI4I.halves;
    const n = Math.min(AI4I.halves, rows - from);
    const data: SeriesMatrix = {
      sensors: ['air-temp', 'process-temp', 'speed', 'torque', 'tool-wear'],
      timestamps: Float64Array.from({ length: n }, (_, i) => (from + i) * 60_000),
      values: all.subarray(from * s, (from + n) * s),
    };
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (failure[from + i]) labels.fill(1, i, Math.min(n, i + AI4I.failureRows));
    out.push({
      set: 'ai4i', name: `rows ${from + 1}-${from + n}`, role: h === 0 ? 'tune' : 'report', window: AI4I.window,
      train: rowsOf(data, 0, AI4I.trainRows), data, labels, scored: afterRow(n, AI4I.trainRows),
    });
  }
  return out;
}

export function allCases(): EvalCase[] {
  return [...nabCases(), ...cmapssCases(), ...ai4iCases()];
}
